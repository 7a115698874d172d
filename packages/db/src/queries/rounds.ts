// Round writes and reads. Writes go through prepared statements (the bench inserts a million rows).
import { and, asc, desc, eq, gt, gte, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import { countedFlags, VALIDATOR_HOTKEY } from "../rules.js";
import { discriminatorResults } from "../schema/discriminator-results.js";
import { BUCKET_MS, rewardBuckets } from "../schema/reward-buckets.js";
import { rounds } from "../schema/rounds.js";
import type { DiscriminatorResultRecord, RoundRecord } from "../types.js";
import type { Db } from "./db.js";

const p = sql.placeholder;

export function prepareRoundInserts(db: Db) {
  const round = db
    .insert(rounds)
    .values({
      id: p("id"),
      createdAt: p("createdAt"),
      kind: p("kind"),
      groundTruth: p("groundTruth"),
      query: p("query"),
      shownText: p("shownText"),
      generatorHotkey: p("generatorHotkey"),
      generatorUid: p("generatorUid"),
      generatorLatencyMs: p("generatorLatencyMs"),
      generatorScore: p("generatorScore"),
      referenceFailed: p("referenceFailed"),
      discriminatorCount: p("discriminatorCount"),
    })
    .prepare();
  const discriminator = db
    .insert(discriminatorResults)
    .values({
      roundId: p("roundId"),
      position: p("position"),
      createdAt: p("createdAt"),
      hotkey: p("hotkey"),
      uid: p("uid"),
      answer: p("answer"),
      correct: p("correct"),
      score: p("score"),
      latencyMs: p("latencyMs"),
      counted: p("counted"),
    })
    .prepare();
  const bucket = db
    .insert(rewardBuckets)
    .values({ bucket: p("bucket"), hotkey: p("hotkey"), reward: p("reward") })
    .onConflictDoUpdate({
      target: [rewardBuckets.bucket, rewardBuckets.hotkey],
      set: { reward: sql`${rewardBuckets.reward} + excluded.reward` },
    })
    .prepare();

  /** Writes one round, its discriminator rows and its ten-minute reward sums; the caller owns the transaction. */
  return (r: RoundRecord): void => {
    round.run({
      id: r.id,
      createdAt: r.createdAt,
      kind: r.kind,
      groundTruth: r.groundTruth,
      query: r.query,
      shownText: r.shownText,
      generatorHotkey: r.generatorHotkey,
      generatorUid: r.generatorUid,
      generatorLatencyMs: r.generatorLatencyMs,
      generatorScore: r.generatorScore,
      referenceFailed: r.referenceFailed ? 1 : 0,
      discriminatorCount: r.discriminators.length,
    });
    const counted = countedFlags(
      r.generatorHotkey,
      r.discriminators.map((d) => d.hotkey),
    );
    r.discriminators.forEach((d, i) => {
      discriminator.run({
        roundId: r.id,
        position: i,
        createdAt: r.createdAt,
        hotkey: d.hotkey,
        uid: d.uid,
        answer: d.answer,
        correct: d.correct ? 1 : 0,
        score: d.score,
        latencyMs: d.latencyMs,
        counted: counted[i] ? 1 : 0,
      });
    });
    // The same per-row rule as the window query: g to a real generator, d_i to counted entries.
    const earned = new Map<string, number>();
    if (r.generatorHotkey !== VALIDATOR_HOTKEY) earned.set(r.generatorHotkey, r.generatorScore);
    r.discriminators.forEach((d, i) => {
      if (counted[i]) earned.set(d.hotkey, (earned.get(d.hotkey) ?? 0) + d.score);
    });
    const slot = Math.floor(r.createdAt / BUCKET_MS);
    for (const [hotkey, reward] of earned) bucket.run({ bucket: slot, hotkey, reward });
  };
}

type RoundRow = typeof rounds.$inferSelect;

/** Attaches discriminator rows (in play order) to round rows, keeping the rounds' order. */
function hydrate(db: Db, rows: RoundRow[]): RoundRecord[] {
  if (rows.length === 0) return [];
  const byRound = new Map<string, DiscriminatorResultRecord[]>();
  for (const r of rows) byRound.set(r.id, []);
  const ids = rows.map((r) => r.id);
  // Chunked so the IN list stays under SQLite's bound-parameter limit.
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const ds = db
      .select()
      .from(discriminatorResults)
      .where(inArray(discriminatorResults.roundId, chunk))
      .orderBy(asc(discriminatorResults.roundId), asc(discriminatorResults.position))
      .all();
    for (const d of ds) {
      byRound.get(d.roundId)?.push({
        hotkey: d.hotkey,
        uid: d.uid,
        answer: d.answer,
        correct: d.correct,
        score: d.score,
        latencyMs: d.latencyMs,
      });
    }
  }
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.createdAt,
    kind: r.kind,
    groundTruth: r.groundTruth === 1 ? 1 : 0,
    query: r.query,
    shownText: r.shownText,
    generatorHotkey: r.generatorHotkey,
    generatorUid: r.generatorUid,
    generatorLatencyMs: r.generatorLatencyMs,
    generatorScore: r.generatorScore,
    referenceFailed: r.referenceFailed,
    discriminators: byRound.get(r.id) ?? [],
  }));
}

export function recentRounds(db: Db, limit: number): RoundRecord[] {
  const rows = db
    .select()
    .from(rounds)
    .orderBy(desc(rounds.createdAt), desc(rounds.id))
    .limit(Math.max(0, Math.floor(limit)))
    .all();
  return hydrate(db, rows);
}

export function roundById(db: Db, id: string): RoundRecord | null {
  const rows = db.select().from(rounds).where(eq(rounds.id, id)).all();
  return hydrate(db, rows)[0] ?? null;
}

/** Rounds with createdAt ≥ sinceMs, oldest first, read in keyset pages so memory stays bounded. */
export function* exportRounds(db: Db, sinceMs: number, pageSize = 500): Generator<RoundRecord> {
  let after: { createdAt: number; id: string } | null = null;
  for (;;) {
    const cursor: { createdAt: number; id: string } | null = after;
    const where: SQL | undefined = cursor
      ? and(
          gte(rounds.createdAt, sinceMs),
          or(
            gt(rounds.createdAt, cursor.createdAt),
            and(eq(rounds.createdAt, cursor.createdAt), gt(rounds.id, cursor.id)),
          ),
        )
      : gte(rounds.createdAt, sinceMs);
    const rows: RoundRow[] = db
      .select()
      .from(rounds)
      .where(where)
      .orderBy(asc(rounds.createdAt), asc(rounds.id))
      .limit(pageSize)
      .all();
    const last = rows.at(-1);
    if (!last) return; // no rows left
    yield* hydrate(db, rows);
    after = { createdAt: last.createdAt, id: last.id };
    if (rows.length < pageSize) return;
  }
}

export function roundCount(db: Db): number {
  const row = db.select({ n: sql<number>`count(*)` }).from(rounds).get();
  return row?.n ?? 0;
}

/**
 * Deletes up to `batchSize` rounds older than `beforeMs` (their discriminator rows go by cascade).
 * Returns how many rounds were removed; the caller loops, one transaction per batch.
 */
export function pruneBatch(db: Db, beforeMs: number, batchSize: number): number {
  const victims = db
    .select({ id: rounds.id })
    .from(rounds)
    .where(lt(rounds.createdAt, beforeMs))
    .limit(batchSize)
    .all()
    .map((r) => r.id);
  if (victims.length === 0) return 0;
  db.delete(discriminatorResults).where(inArray(discriminatorResults.roundId, victims)).run();
  db.delete(rounds).where(inArray(rounds.id, victims)).run();
  // Keep the bucket sums equal to what the remaining rows add up to: drop the buckets wholly before the cutoff
  // and rebuild the one it cuts through from its remaining rows.
  const cutSlot = Math.floor(beforeMs / BUCKET_MS);
  db.delete(rewardBuckets).where(lt(rewardBuckets.bucket, cutSlot)).run();
  rebuildBucket(db, cutSlot);
  return victims.length;
}

/** Recomputes one bucket's sums from its rows (same per-row rule as the window query). */
export function rebuildBucket(db: Db, slot: number): void {
  const from = slot * BUCKET_MS;
  const to = from + BUCKET_MS;
  db.delete(rewardBuckets).where(eq(rewardBuckets.bucket, slot)).run();
  db.run(sql`
    INSERT INTO ${rewardBuckets} (bucket, hotkey, reward)
    SELECT ${slot}, hotkey, SUM(v) FROM (
      SELECT ${rounds.generatorHotkey} AS hotkey, ${rounds.generatorScore} AS v FROM ${rounds}
        WHERE ${rounds.createdAt} >= ${from} AND ${rounds.createdAt} < ${to}
          AND ${rounds.generatorHotkey} <> ${VALIDATOR_HOTKEY}
      UNION ALL
      SELECT ${discriminatorResults.hotkey}, ${discriminatorResults.score} FROM ${discriminatorResults}
        WHERE ${discriminatorResults.createdAt} >= ${from} AND ${discriminatorResults.createdAt} < ${to}
          AND ${discriminatorResults.counted} = 1
    ) GROUP BY hotkey`);
}
