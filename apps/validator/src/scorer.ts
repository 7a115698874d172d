// MinerScorer (docs/upstream.md § Window aggregation, § Weights on chain): window totals → per-uid vector →
// u16 weights; opt-in policies. Everything here is pure; the chain side lives in weight-setter.ts.
import type { NeuronInfo } from "@apex/chain";
import type { ResultsStore, RoundRecord } from "@apex/db";
import {
  accumulateRow,
  type ScoredRow,
  toU16Weights,
  type U16Weights,
  type WeightPrecision,
} from "@apex/protocol";

export type ScoringPolicy = "apex" | "gold-standard";

export interface WeightVector {
  /** Every uid 0..n−1 of the metagraph. */
  uids: number[];
  /** Reward per uid; zero for hotkeys without results. */
  values: number[];
}

/**
 * Maps hotkey totals onto the current metagraph: hotkeys gone from it are dropped, every other uid gets 0.
 * With a burn share b > 0 the miners' rewards are normalised to (1 − b) and the owner's uid gets b
 * (all of it when nobody earned anything).
 */
export function rewardsToVector(
  totals: ReadonlyMap<string, number>,
  /** Only who holds which uid matters here (a metagraph, or the fixed uids of no-chain mode). */
  metagraph: { readonly neurons: ReadonlyArray<Pick<NeuronInfo, "uid" | "hotkey">> },
  opts: { burnShare?: number; ownerHotkey?: string | null } = {},
): WeightVector {
  const neurons = [...metagraph.neurons].sort((a, b) => a.uid - b.uid);
  const uids = neurons.map((n) => n.uid);
  const values = neurons.map((n) => Math.max(0, totals.get(n.hotkey) ?? 0));
  const burn = opts.burnShare ?? 0;
  if (burn > 0) {
    const ownerIndex = opts.ownerHotkey ? neurons.findIndex((n) => n.hotkey === opts.ownerHotkey) : -1;
    if (ownerIndex < 0)
      throw new Error("burn_share is set but the subnet owner's hotkey has no uid on this subnet");
    const sum = values.reduce((a, v) => a + v, 0);
    for (let i = 0; i < values.length; i++) values[i] = sum > 0 ? ((values[i] ?? 0) / sum) * (1 - burn) : 0;
    values[ownerIndex] = (values[ownerIndex] ?? 0) + (sum > 0 ? burn : 1);
  }
  return { uids, values };
}

export function vectorToU16(vector: WeightVector, precision: WeightPrecision = "float64"): U16Weights {
  return toU16Weights(vector.uids, vector.values, precision);
}

export interface WindowRule {
  windowHours: number;
  policy: ScoringPolicy;
  /** buckets: fast partial sums; rows: upstream's arithmetic (whole-second cutoff, stored-order sums). */
  summation: "buckets" | "rows";
}

/**
 * First ms inside the window. Upstream (MinerScorer.set_scores) keeps rows with
 * timestamp ≥ int(time.time() − hours·3600), timestamps being whole seconds: under `rows` we cut the same way.
 */
export function windowStartMs(nowMs: number, rule: Pick<WindowRule, "windowHours" | "summation">): number {
  if (rule.summation === "rows") return Math.trunc(nowMs / 1000 - rule.windowHours * 3600) * 1000;
  return nowMs - rule.windowHours * 3_600_000;
}

type WindowStore = ResultsStore & {
  scoredRowsInStoredOrder?: (sinceMs: number) => Iterable<ScoredRow>;
};

/** Window totals at `nowMs` under the rule: the one place the validator and `scores` get them from. */
export function scoreWindow(store: WindowStore, nowMs: number, rule: WindowRule): Map<string, number> {
  const since = windowStartMs(nowMs, rule);
  if (rule.policy === "apex") {
    if (rule.summation === "rows") {
      if (!store.scoredRowsInStoredOrder) throw new Error("this store cannot read rows in stored order");
      // Upstream's loop: row by row in stored order, each hotkey's float64 sum in that order.
      const totals = new Map<string, number>();
      for (const row of store.scoredRowsInStoredOrder(since)) accumulateRow(totals, row);
      return totals;
    }
    return store.windowTotals(since);
  }
  // Streamed from SQLite in two passes (a fresh cursor each), never the whole window in memory.
  return goldStandardTotals(() => store.exportRounds(since));
}

/** Each discriminator's accuracy on reference rounds (the validator's own gold tasks, apex issue #790). */
export function referenceAccuracy(
  rounds: Iterable<RoundRecord>,
): Map<string, { correct: number; sampled: number }> {
  const acc = new Map<string, { correct: number; sampled: number }>();
  for (const r of rounds) {
    if (r.kind !== "reference") continue;
    for (const d of r.discriminators) {
      const a = acc.get(d.hotkey) ?? { correct: 0, sampled: 0 };
      a.sampled++;
      if (d.correct) a.correct++;
      acc.set(d.hotkey, a);
    }
  }
  return acc;
}

/** Accuracy used when a hotkey was never shown a reference in the window: a coin's. */
export const UNTESTED_ACCURACY = 0.5;

/** Rounds to read, possibly twice: a re-iterable collection, or a function that starts a fresh stream. */
export type RoundSource = Iterable<RoundRecord> | (() => Iterable<RoundRecord>);

const stream = (source: RoundSource): Iterable<RoundRecord> =>
  typeof source === "function" ? source() : source;

/**
 * The `gold-standard` policy: the same per-row totals as upstream, but every discriminator payment is scaled by
 * that hotkey's accuracy on reference rounds in the window. Generator payments are unchanged. Reads the rounds in
 * two streamed passes, so a window never has to fit in memory.
 */
export function goldStandardTotals(source: RoundSource): Map<string, number> {
  const accuracy = referenceAccuracy(stream(source));
  const factor = (h: string) => {
    const a = accuracy.get(h);
    return a && a.sampled > 0 ? a.correct / a.sampled : UNTESTED_ACCURACY;
  };
  const totals = new Map<string, number>();
  for (const r of stream(source)) {
    accumulateRow(totals, {
      generatorHotkey: r.generatorHotkey,
      generatorScore: r.generatorScore,
      discriminatorHotkeys: r.discriminators.map((d) => d.hotkey),
      discriminatorScores: r.discriminators.map((d) => d.score * factor(d.hotkey)),
    });
  }
  return totals;
}

/** Upstream totals from raw rounds (the store computes the same in SQL; used by tests and the no-SQL path). */
export function apexTotals(source: RoundSource): Map<string, number> {
  const totals = new Map<string, number>();
  for (const r of stream(source))
    accumulateRow(totals, {
      generatorHotkey: r.generatorHotkey,
      generatorScore: r.generatorScore,
      discriminatorHotkeys: r.discriminators.map((d) => d.hotkey),
      discriminatorScores: r.discriminators.map((d) => d.score),
    });
  return totals;
}

/** Parses "22h", "90m", "3600s", "1d" or a bare number of hours. */
export function parseWindow(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new Error(`window "${text}" must look like 22h, 90m, 3600s or 1d`);
  const n = Number(m[1]);
  const unit = m[2] ?? "h";
  const mult = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit] ?? 3_600_000;
  return n * mult;
}
