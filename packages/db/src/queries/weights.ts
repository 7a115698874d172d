// The weight-submission log: every attempt, its mode and outcome.
import { desc } from "drizzle-orm";
import { weightSubmissions } from "../schema/weight-submissions.js";
import type { WeightSubmissionRecord } from "../types.js";
import type { Db } from "./db.js";

function validate(rec: WeightSubmissionRecord): void {
  const bad = (what: string): never => {
    throw new Error(`invalid weight submission: ${what}`);
  };
  if (!Number.isSafeInteger(rec.createdAt)) bad(`createdAt must be an integer of ms, got ${rec.createdAt}`);
  if (!Array.isArray(rec.uids) || !Array.isArray(rec.weights)) bad("uids and weights must be arrays");
  if (rec.uids.length !== rec.weights.length)
    bad(`uids (${rec.uids.length}) and weights (${rec.weights.length}) must have the same length`);
  if (!["set", "commit", "reveal"].includes(rec.mode))
    bad(`mode must be set, commit or reveal, got ${rec.mode}`);
  if (!["ok", "error", "skipped"].includes(rec.outcome))
    bad(`outcome must be ok, error or skipped, got ${rec.outcome}`);
}

export function insertWeightSubmission(db: Db, rec: WeightSubmissionRecord): void {
  validate(rec);
  db.insert(weightSubmissions)
    .values({
      createdAt: rec.createdAt,
      block: rec.block,
      netuid: rec.netuid,
      uids: JSON.stringify(rec.uids),
      weights: JSON.stringify(rec.weights),
      versionKey: rec.versionKey,
      mode: rec.mode,
      outcome: rec.outcome,
      error: rec.error,
    })
    .run();
}

type Row = typeof weightSubmissions.$inferSelect;

function toRecord(row: Row): WeightSubmissionRecord {
  return {
    createdAt: row.createdAt,
    block: row.block,
    netuid: row.netuid,
    uids: JSON.parse(row.uids) as number[],
    weights: JSON.parse(row.weights) as number[],
    versionKey: row.versionKey,
    mode: row.mode,
    outcome: row.outcome,
    error: row.error,
  };
}

export function recentWeightSubmissions(db: Db, limit: number): WeightSubmissionRecord[] {
  return db
    .select()
    .from(weightSubmissions)
    .orderBy(desc(weightSubmissions.createdAt), desc(weightSubmissions.id))
    .limit(Math.max(0, Math.floor(limit)))
    .all()
    .map(toRecord);
}
