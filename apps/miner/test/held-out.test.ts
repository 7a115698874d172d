// The shipped model on texts it never trained on: apps/miner/data/held-out.jsonl was written by hand before the
// features and the training generator existed, in layouts the trainer does not produce (see data/HELD-OUT.md).
// The bounds sit a little under the figures measured for the shipped model (docs/miner.md) and at or above the
// issue's targets (0.85 accuracy, 0.75 recall per class): a retrained model that generalises worse fails here.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseJsonl } from "../src/cli.js";
import {
  calibrationOf,
  DEFAULT_MODEL,
  evaluate,
  heuristicClassify,
  predictProbability,
} from "../src/strategies/index.js";

const path = new URL("../data/held-out.jsonl", import.meta.url);
const held = parseJsonl(readFileSync(path, "utf8"), "held-out.jsonl");
const kinds = readFileSync(path, "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l).kind as string);

describe("the held-out set", () => {
  it("is the committed one: 140 texts, 61 references, 79 miner texts of which 14 imitate a report", () => {
    expect(held).toHaveLength(140);
    expect(held.filter((e) => e.label === 0)).toHaveLength(61);
    expect(kinds.filter((k) => k === "report-imitation")).toHaveLength(14);
  });

  it("the shipped learned model clears the bounds on it, with calibrated probabilities", () => {
    const p = held.map((e) => predictProbability(DEFAULT_MODEL, e.query, e.generation));
    const preds = new Map(held.map((e, i) => [e, p[i]! >= DEFAULT_MODEL.threshold ? 1 : 0] as const));
    const m = evaluate((e) => preds.get(e)!, held);
    expect(m.accuracy).toBeGreaterThanOrEqual(0.92);
    expect(m.referenceRecall).toBeGreaterThanOrEqual(0.9);
    expect(m.recall).toBeGreaterThanOrEqual(0.95);
    const c = calibrationOf(
      p,
      held.map((e) => e.label),
    );
    expect(c.brier).toBeLessThan(0.06);
    expect(c.ece).toBeLessThan(0.08);
    // Report imitations are the hard case: most, not all, are caught.
    const imitations = held.filter((_, i) => kinds[i] === "report-imitation");
    expect(imitations.filter((e) => preds.get(e) === 1).length).toBeGreaterThanOrEqual(11);
  });

  it("the heuristic, which knows only the upstream layout, misses references in other layouts", () => {
    const m = evaluate((e) => (heuristicClassify(e.query, e.generation) === "1" ? 1 : 0), held);
    expect(m.accuracy).toBeLessThan(0.88);
    expect(m.referenceRecall).toBeLessThan(0.75);
  });
});
