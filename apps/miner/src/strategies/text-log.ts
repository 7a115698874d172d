// `--log-texts DIR`: keep the texts the miner was asked to classify, so an operator can label them and train on
// real traffic (`apex-miner train-discriminator --data DIR/texts.jsonl`). Off by default. Bounded: the log is two
// files, texts.jsonl and texts.1.jsonl; when the first reaches half the budget it replaces the second, so the
// directory never holds more than --log-texts-max-mb. Lines carry "label": null until someone labels them.
import { appendFileSync, mkdirSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Discriminator } from "./types.js";

export interface TextLogFs {
  append(path: string, data: string): void;
  size(path: string): number;
  rename(from: string, to: string): void;
  mkdir(path: string): void;
}

const nodeFs: TextLogFs = {
  append: (p, d) => appendFileSync(p, d),
  size: (p) => {
    try {
      return statSync(p).size;
    } catch {
      return 0;
    }
  },
  rename: (a, b) => renameSync(a, b),
  mkdir: (p) => mkdirSync(p, { recursive: true }),
};

export interface TextLog {
  record(entry: { query: string; generation: string; answered: string; at: number }): void;
}

export function textLog(dir: string, maxBytes: number, fs: TextLogFs = nodeFs): TextLog {
  fs.mkdir(dir);
  const current = join(dir, "texts.jsonl");
  const previous = join(dir, "texts.1.jsonl");
  const half = Math.max(1024, Math.floor(maxBytes / 2));
  let size = fs.size(current);
  return {
    record({ query, generation, answered, at }) {
      const line = `${JSON.stringify({ query, generation, label: null, answered, at: new Date(at).toISOString() })}\n`;
      const bytes = Buffer.byteLength(line);
      if (bytes > half) return; // one text larger than the budget's half is not worth keeping
      if (size + bytes > half) {
        fs.rename(current, previous);
        size = 0;
      }
      fs.append(current, line);
      size += bytes;
    },
  };
}

/** Wraps a discriminator so every text it classifies is logged with its answer; logging never fails a request. */
export function loggingDiscriminator(
  inner: Discriminator,
  log: TextLog,
  now: () => number,
  onError?: (err: Error) => void,
): Discriminator {
  return {
    name: inner.name,
    async classify(query, text, ctx) {
      const answered = await inner.classify(query, text, ctx);
      try {
        log.record({ query, generation: text, answered, at: now() });
      } catch (err) {
        onError?.(err as Error);
      }
      return answered;
    },
  };
}
