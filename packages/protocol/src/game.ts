// The generator/discriminator game's formulas, exactly as Apex v3 pays them (docs/upstream.md § Game
// formulas, § Window aggregation).
import { VALIDATOR_REFERENCE_LABEL } from "./constants.js";
import { isCorrectAnswer } from "./messages.js";

export interface RoundScores {
  /** d_i = 1/N when answer i equals the ground truth, else 0. N counts sampled discriminators, not responders. */
  discriminatorScores: number[];
  correct: boolean[];
  /** g = 1 − Σ d_i. In reference rounds it is stored against "Validator" and never paid. */
  generatorScore: number;
}

export function scoreRound(groundTruth: 0 | 1, answers: ReadonlyArray<string | null>): RoundScores {
  const n = answers.length;
  const correct = answers.map((a) => isCorrectAnswer(a, groundTruth));
  const discriminatorScores = correct.map((c) => (c && n > 0 ? 1 / n : 0));
  const sum = discriminatorScores.reduce((acc, d) => acc + d, 0);
  return { discriminatorScores, correct, generatorScore: 1 - sum };
}

export interface ScoredRow {
  generatorHotkey: string;
  generatorScore: number;
  discriminatorHotkeys: readonly string[];
  discriminatorScores: readonly number[];
}

/**
 * Window totals the upstream way: per row, discriminators get d_i and the generator (unless it is the
 * Validator pseudo-hotkey) gets g; a hotkey that is both in one row gets the generator value only.
 */
export function accumulateRow(totals: Map<string, number>, row: ScoredRow): void {
  const perRow = new Map<string, number>();
  row.discriminatorHotkeys.forEach((h, i) => {
    perRow.set(h, row.discriminatorScores[i] ?? 0);
  });
  if (row.generatorHotkey !== VALIDATOR_REFERENCE_LABEL) perRow.set(row.generatorHotkey, row.generatorScore);
  for (const [h, v] of perRow) totals.set(h, (totals.get(h) ?? 0) + v);
}
