// What upstream writes when `miner_scorer.debug` / `pipeline.debug` are on, byte for byte in the same files:
// MinerScorer appends {"date", "rewards"} to debug_rewards.jsonl; Pipeline's LoggerLocal appends one record per
// round to debug/logs-YYYY-MM-DD.jsonl. Paths are relative to `dir` (upstream: the working directory).
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { pyJsonDumps } from "@apex/protocol";
import type { RoundEvent } from "./round.js";

const pad = (n: number) => String(n).padStart(2, "0");

/** datetime.now().strftime("%Y-%m-%d %H:%M:%S") for the given time (local time, as upstream). */
export function localStamp(ms: number): { day: string; stamp: string } {
  const d = new Date(ms);
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return { day, stamp: `${day} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` };
}

/** Upstream's LoggerLocal record for one round (apex/validator/logger_local.py), keys in upstream's order. */
export function roundDebugRecord(event: RoundEvent, stamp: string): Record<string, unknown> {
  const r = event.round;
  const reference = r.kind === "reference" ? r.shownText : event.redundancyReference;
  return {
    date: stamp,
    query: r.query,
    ground_truth: BigInt(r.groundTruth),
    reference,
    generators: event.generatorCandidates.map((g) => g.text ?? ""),
    generator_hotkeys: event.generatorCandidates.map((g) => g.hotkey),
    // Upstream stores "None" for a miner that gave no reply.
    discriminator_results: r.discriminators.map((d) => d.answer ?? "None"),
    discriminator_scores: r.discriminators.map((d) => d.score),
    discriminator_hotkeys: r.discriminators.map((d) => d.hotkey),
    generator_hotkey: r.generatorHotkey,
  };
}

export interface DebugFiles {
  rewards(nowMs: number, totals: ReadonlyMap<string, number>): void;
  round(nowMs: number, event: RoundEvent): void;
}

export function debugFiles(dir: string): DebugFiles {
  return {
    rewards(nowMs, totals) {
      const line = pyJsonDumps({ date: localStamp(nowMs).stamp, rewards: totals });
      appendFileSync(join(dir, "debug_rewards.jsonl"), `${line}\n`);
    },
    round(nowMs, event) {
      const { day, stamp } = localStamp(nowMs);
      mkdirSync(join(dir, "debug"), { recursive: true });
      appendFileSync(
        join(dir, "debug", `logs-${day}.jsonl`),
        `${pyJsonDumps(roundDebugRecord(event, stamp))}\n`,
      );
    },
  };
}
