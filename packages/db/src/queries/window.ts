// Window aggregation: one indexed SQL statement each (the per-row rule was resolved at write time, see rules.ts).
import { sql } from "drizzle-orm";
import { VALIDATOR_HOTKEY } from "../rules.js";
import { discriminatorResults as d } from "../schema/discriminator-results.js";
import { BUCKET_MS, rewardBuckets as b } from "../schema/reward-buckets.js";
import { rounds as r } from "../schema/rounds.js";
import type { Db } from "./db.js";

/**
 * Sum per hotkey over rounds with created_at ≥ sinceMs: g for real generators, d_i for counted entries.
 * Whole ten-minute buckets come from the running sums; only the partial first bucket is read row by row.
 */
export function windowTotals(db: Db, sinceMs: number): Map<string, number> {
  const firstWholeBucket = Math.ceil(sinceMs / BUCKET_MS);
  const edge = firstWholeBucket * BUCKET_MS;
  const rows = db.all<{ hotkey: string; total: number }>(sql`
    SELECT hotkey, SUM(v) AS total FROM (
      SELECT ${b.hotkey} AS hotkey, ${b.reward} AS v FROM ${b} WHERE ${b.bucket} >= ${firstWholeBucket}
      UNION ALL
      SELECT ${r.generatorHotkey} AS hotkey, ${r.generatorScore} AS v FROM ${r}
        WHERE ${r.createdAt} >= ${sinceMs} AND ${r.createdAt} < ${edge} AND ${r.generatorHotkey} <> ${VALIDATOR_HOTKEY}
      UNION ALL
      SELECT ${d.hotkey} AS hotkey, ${d.score} AS v FROM ${d}
        WHERE ${d.createdAt} >= ${sinceMs} AND ${d.createdAt} < ${edge} AND ${d.counted} = 1
    ) GROUP BY hotkey ORDER BY hotkey`);
  return new Map(rows.map((row) => [row.hotkey, row.total]));
}

/** The same totals straight from the rows (no running sums): the reference the fast path is tested against. */
export function windowTotalsFromRows(db: Db, sinceMs: number): Map<string, number> {
  const rows = db.all<{ hotkey: string; total: number }>(sql`
    SELECT hotkey, SUM(v) AS total FROM (
      SELECT ${r.generatorHotkey} AS hotkey, ${r.generatorScore} AS v FROM ${r}
        WHERE ${r.createdAt} >= ${sinceMs} AND ${r.generatorHotkey} <> ${VALIDATOR_HOTKEY}
      UNION ALL
      SELECT ${d.hotkey} AS hotkey, ${d.score} AS v FROM ${d}
        WHERE ${d.createdAt} >= ${sinceMs} AND ${d.counted} = 1
    ) GROUP BY hotkey ORDER BY hotkey`);
  return new Map(rows.map((row) => [row.hotkey, row.total]));
}

export interface HotkeyWindowStats {
  hotkey: string;
  /** Rounds in which this hotkey's text was shown (generator rounds only; "Validator" excluded). */
  roundsAsGenerator: number;
  /** Discriminator entries in the window (every entry, counted or not). */
  roundsAsDiscriminator: number;
  /** Of those, answers equal to the ground truth. */
  correct: number;
  /** Sum of g as generator. */
  generatorReward: number;
  /** Sum of d_i over entries that count under the per-row rule. */
  discriminatorReward: number;
  /** generatorReward + discriminatorReward: equals windowTotals' value for this hotkey. */
  total: number;
}

export function windowStats(db: Db, sinceMs: number): HotkeyWindowStats[] {
  const rows = db.all<{
    hotkey: string;
    gen_rounds: number;
    disc_rounds: number;
    correct: number;
    gen_reward: number;
    disc_reward: number;
  }>(sql`
    SELECT hotkey, SUM(gen_rounds) AS gen_rounds, SUM(disc_rounds) AS disc_rounds, SUM(correct) AS correct,
           SUM(gen_reward) AS gen_reward, SUM(disc_reward) AS disc_reward FROM (
      SELECT ${r.generatorHotkey} AS hotkey, COUNT(*) AS gen_rounds, 0 AS disc_rounds, 0 AS correct,
             SUM(${r.generatorScore}) AS gen_reward, 0 AS disc_reward
        FROM ${r} WHERE ${r.createdAt} >= ${sinceMs} AND ${r.generatorHotkey} <> ${VALIDATOR_HOTKEY}
        GROUP BY ${r.generatorHotkey}
      UNION ALL
      SELECT ${d.hotkey} AS hotkey, 0, COUNT(*), SUM(${d.correct}), 0,
             SUM(CASE WHEN ${d.counted} = 1 THEN ${d.score} ELSE 0 END)
        FROM ${d} WHERE ${d.createdAt} >= ${sinceMs}
        GROUP BY ${d.hotkey}
    ) GROUP BY hotkey ORDER BY hotkey`);
  return rows.map((row) => ({
    hotkey: row.hotkey,
    roundsAsGenerator: row.gen_rounds,
    roundsAsDiscriminator: row.disc_rounds,
    correct: row.correct,
    generatorReward: row.gen_reward,
    discriminatorReward: row.disc_reward,
    total: row.gen_reward + row.disc_reward,
  }));
}

export interface WindowSummary {
  rounds: number;
  referenceRounds: number;
  generatorRounds: number;
  referenceFailures: number;
}

export function windowSummary(db: Db, sinceMs: number): WindowSummary {
  const row = db.get<{ n: number; ref: number | null; gen: number | null; failed: number | null }>(sql`
    SELECT COUNT(*) AS n,
           SUM(CASE WHEN ${r.kind} = 'reference' THEN 1 ELSE 0 END) AS ref,
           SUM(CASE WHEN ${r.kind} = 'generator' THEN 1 ELSE 0 END) AS gen,
           SUM(${r.referenceFailed}) AS failed
      FROM ${r} WHERE ${r.createdAt} >= ${sinceMs}`);
  return {
    rounds: row?.n ?? 0,
    referenceRounds: row?.ref ?? 0,
    generatorRounds: row?.gen ?? 0,
    referenceFailures: row?.failed ?? 0,
  };
}

/** One stored round as upstream's scorer reads a row: generator and score, discriminators and scores in order. */
export interface StoredScoredRow {
  generatorHotkey: string;
  generatorScore: number;
  discriminatorHotkeys: string[];
  discriminatorScores: number[];
}

/**
 * Rounds with created_at ≥ sinceMs in stored order (rowid), each with every discriminator entry in play order:
 * what upstream's MinerScorer.set_scores iterates. Summing them with the per-row rule (accumulateRow in
 * @apex/protocol) gives upstream's totals bit for bit, and its dict order.
 */
export function* scoredRowsInStoredOrder(db: Db, sinceMs: number): Generator<StoredScoredRow> {
  const rows = db.all<{ o: number; g: string; gs: number; h: string | null; s: number | null }>(sql`
    SELECT ${r}.rowid AS o, ${r.generatorHotkey} AS g, ${r.generatorScore} AS gs, ${d.hotkey} AS h, ${d.score} AS s
      FROM ${r} LEFT JOIN ${d} ON ${d.roundId} = ${r.id}
      WHERE ${r.createdAt} >= ${sinceMs}
      ORDER BY ${r}.rowid, ${d.position}`);
  let current: (StoredScoredRow & { o: number }) | null = null;
  for (const row of rows) {
    if (!current || current.o !== row.o) {
      if (current) yield current;
      current = {
        o: row.o,
        generatorHotkey: row.g,
        generatorScore: row.gs,
        discriminatorHotkeys: [],
        discriminatorScores: [],
      };
    }
    if (row.h !== null && row.s !== null) {
      current.discriminatorHotkeys.push(row.h);
      current.discriminatorScores.push(row.s);
    }
  }
  if (current) yield current;
}
