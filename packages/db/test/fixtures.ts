import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DiscriminatorResultRecord, RoundRecord } from "../src/index.js";

/** A temp directory removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "apex-db-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A scored round: d_i = 1/N when answer equals ground truth, g = 1 − Σd (the game's formulas). */
export function makeRound(
  id: string,
  createdAt: number,
  generatorHotkey: string,
  answers: Array<[hotkey: string, answer: string | null]>,
  groundTruth: 0 | 1 = generatorHotkey === "Validator" ? 0 : 1,
): RoundRecord {
  const n = answers.length;
  const discriminators: DiscriminatorResultRecord[] = answers.map(([hotkey, answer], i) => {
    const correct = answer === String(groundTruth);
    return { hotkey, uid: i, answer, correct, score: correct ? 1 / n : 0, latencyMs: 10 + i };
  });
  const sum = discriminators.reduce((a, d) => a + d.score, 0);
  return {
    id,
    createdAt,
    kind: groundTruth === 0 ? "reference" : "generator",
    groundTruth,
    query: `query ${id}`,
    shownText: `text ${id}`,
    generatorHotkey,
    generatorUid: generatorHotkey === "Validator" ? null : 7,
    generatorLatencyMs: generatorHotkey === "Validator" ? null : 123.5,
    generatorScore: 1 - sum,
    referenceFailed: false,
    discriminators,
  };
}
