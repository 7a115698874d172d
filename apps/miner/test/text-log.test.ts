// --log-texts: every text the discriminator answered is kept, unlabelled, within a disk budget.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { parseJsonl } from "../src/cli.js";
import { resolveDiscriminator } from "../src/strategies/index.js";

const ctx = { signal: new AbortController().signal, budgetMs: 1000 };

describe("--log-texts", () => {
  it("logs query, text and answer with the run's clock, unlabelled, and stays within its budget", async () => {
    const root = mkdtempSync(join(tmpdir(), "apex-texts-"));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    const dir = join(root, "log");
    const d = await resolveDiscriminator(
      { generator: "dummy", discriminator: "constant-1", logTexts: dir, logTextsMaxMb: 0.01 },
      { now: () => Date.UTC(2026, 0, 2) },
    );
    expect(await d.classify("q0", "first text", ctx)).toBe("1");
    const first = JSON.parse(readFileSync(join(dir, "texts.jsonl"), "utf8").trim());
    expect(first).toEqual({
      query: "q0",
      generation: "first text",
      label: null,
      answered: "1",
      at: "2026-01-02T00:00:00.000Z",
    });
    // 10 KB budget: after many texts the two files together stay under it.
    for (let i = 1; i < 200; i++) await d.classify(`q${i}`, `text ${i} ${"x".repeat(100)}`, ctx);
    const size = (f: string) => (existsSync(join(dir, f)) ? statSync(join(dir, f)).size : 0);
    expect(size("texts.jsonl") + size("texts.1.jsonl")).toBeLessThanOrEqual(10 * 1024 * 1.05);
    expect(size("texts.1.jsonl")).toBeGreaterThan(0);
    // Unlabelled lines are skipped by the trainer's reader until someone labels them.
    expect(() => parseJsonl(readFileSync(join(dir, "texts.jsonl"), "utf8"), "texts.jsonl")).toThrow(
      /no labelled/,
    );
  });

  it("is off by default: nothing touches the disk", async () => {
    const used: string[] = [];
    const fs = {
      append: () => used.push("append"),
      size: () => {
        used.push("size");
        return 0;
      },
      rename: () => used.push("rename"),
      mkdir: () => used.push("mkdir"),
    };
    const d = await resolveDiscriminator(
      { generator: "dummy", discriminator: "constant-0" },
      { textLogFs: fs },
    );
    expect(await d.classify("q", "t", ctx)).toBe("0");
    expect(used).toEqual([]);
    const logged = await resolveDiscriminator(
      { generator: "dummy", discriminator: "constant-0", logTexts: "/nowhere" },
      { textLogFs: fs },
    );
    await logged.classify("q", "t", ctx);
    expect(used).toEqual(["mkdir", "size", "append"]);
  });
});
