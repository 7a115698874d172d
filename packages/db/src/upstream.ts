// Upstream (Python Apex v3.0.6) results.db: recognising it, and converting its rounds into ours.
// Upstream's schema (apex/validator/logger_db.py): one table `discriminator_results` with
// query, generator_hotkey, generator_result, generator_score, discriminator_hotkeys (JSON list),
// discriminator_results (JSON list of answers), discriminator_scores (JSON list), timestamp (unix seconds),
// processed; primary key (query, generator_hotkey). Ours has a table of the same name with another shape.
import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import { VALIDATOR_HOTKEY } from "./rules.js";
import type { DiscriminatorResultRecord, RoundRecord } from "./types.js";

export const IMPORT_COMMAND = "apex-validator import-upstream --from OLD.db --db NEW.db";

/** True when the open database has upstream's `discriminator_results` table (and none of ours). */
export function isUpstreamSchema(sqlite: Database.Database): boolean {
  const table = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'discriminator_results'")
    .get();
  if (!table) return false;
  const cols = (sqlite.pragma("table_info(discriminator_results)") as Array<{ name: string }>).map(
    (c) => c.name,
  );
  return (
    cols.includes("generator_hotkey") && cols.includes("discriminator_hotkeys") && !cols.includes("round_id")
  );
}

export class UpstreamResultsDbError extends Error {
  constructor(readonly path: string) {
    super(
      `${path} is a results database written by the Python Apex validator (upstream schema), which this validator ` +
        `does not read in place. Convert it once, keeping the original: ` +
        `apex-validator import-upstream --from ${path} --db NEW.db   then run with --db NEW.db`,
    );
    this.name = "UpstreamResultsDbError";
  }
}

export interface UpstreamRow {
  rowid: number;
  query: string;
  generator_hotkey: string;
  generator_result: string | null;
  generator_score: number | null;
  discriminator_hotkeys: string | null;
  discriminator_results: string | null;
  discriminator_scores: string | null;
  timestamp: number | null;
}

/** Our id for an upstream row: derived from upstream's primary key, so a second import finds the same rounds. */
export function upstreamRoundId(query: string, generatorHotkey: string): string {
  return `upstream-${createHash("sha256").update(query).update("\0").update(generatorHotkey).digest("hex").slice(0, 32)}`;
}

function jsonList(text: string | null): unknown[] | null {
  if (text === null) return null;
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/**
 * One upstream row as our round, or a reason it cannot be one. Faithful to what upstream scores: the per-row
 * pairs are zip(hotkeys, scores) (shorter list wins, as zip(strict=False)), answers kept as upstream stored them
 * ("None" included), correct = answer equals the ground truth. Upstream does not store uids or latencies: uids
 * are -1, latencies 0 / null.
 */
export function roundFromUpstream(row: UpstreamRow): RoundRecord | string {
  const hotkeys = jsonList(row.discriminator_hotkeys);
  const scores = jsonList(row.discriminator_scores);
  const answers = jsonList(row.discriminator_results) ?? [];
  if (!hotkeys || !scores) return "discriminator_hotkeys/discriminator_scores are not JSON lists";
  if (typeof row.generator_score !== "number" || !Number.isFinite(row.generator_score))
    return "generator_score is not a number";
  if (typeof row.timestamp !== "number" || !Number.isFinite(row.timestamp))
    return "timestamp is not a number";
  if (typeof row.generator_hotkey !== "string" || row.generator_hotkey === "")
    return "generator_hotkey is empty";
  const reference = row.generator_hotkey === VALIDATOR_HOTKEY;
  const groundTruth = reference ? 0 : 1;
  const n = Math.min(hotkeys.length, scores.length);
  const discriminators: DiscriminatorResultRecord[] = [];
  for (let i = 0; i < n; i++) {
    const hotkey = hotkeys[i];
    const score = scores[i];
    if (typeof hotkey !== "string" || hotkey === "" || typeof score !== "number")
      return `discriminator ${i} has no hotkey or score`;
    const answer = typeof answers[i] === "string" ? (answers[i] as string) : null;
    discriminators.push({
      hotkey,
      uid: -1,
      answer,
      correct: answer === String(groundTruth),
      score,
      latencyMs: 0,
    });
  }
  return {
    id: upstreamRoundId(row.query ?? "", row.generator_hotkey),
    createdAt: Math.trunc(row.timestamp) * 1000,
    kind: reference ? "reference" : "generator",
    groundTruth,
    query: row.query ?? "",
    shownText: row.generator_result ?? "",
    generatorHotkey: row.generator_hotkey,
    generatorUid: null,
    generatorLatencyMs: null,
    generatorScore: row.generator_score,
    referenceFailed: false,
    discriminators,
  };
}

/** Opens an upstream results.db read-only; throws when the file is not one. */
export function openUpstreamResults(path: string): {
  count: number;
  rows: () => IterableIterator<UpstreamRow>;
  close: () => void;
} {
  let sqlite: Database.Database;
  try {
    sqlite = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new Error(`cannot open ${path}: ${(err as Error).message}`);
  }
  if (!isUpstreamSchema(sqlite)) {
    sqlite.close();
    throw new Error(`${path} is not an upstream Apex results.db (no upstream discriminator_results table)`);
  }
  const count = (sqlite.prepare("SELECT count(*) AS n FROM discriminator_results").get() as { n: number }).n;
  const select = sqlite.prepare(
    `SELECT rowid, query, generator_hotkey, generator_result, generator_score, discriminator_hotkeys,
            discriminator_results, discriminator_scores, timestamp
       FROM discriminator_results ORDER BY rowid`,
  );
  return {
    count,
    rows: () => select.iterate() as IterableIterator<UpstreamRow>,
    close: () => sqlite.close(),
  };
}

/** The fields a round is compared on when it is already in the target (ids are equal by construction). */
function canonical(r: RoundRecord): string {
  return JSON.stringify([
    r.createdAt,
    r.kind,
    r.groundTruth,
    r.query,
    r.shownText,
    r.generatorHotkey,
    r.generatorScore,
    r.discriminators.map((d) => [d.hotkey, d.uid, d.answer, d.correct, d.score, d.latencyMs]),
  ]);
}

export interface ImportTarget {
  getRound(id: string): RoundRecord | null;
  insertRounds(rounds: readonly RoundRecord[]): void;
}

export interface ImportReport {
  /** Rows in the upstream file. */
  rows: number;
  imported: number;
  /** Already in the target, identical (a repeated import). */
  alreadyPresent: number;
  /** Already in the target with other content: left as they are, never overwritten. */
  conflicts: number;
  /** Rows upstream itself could not score (with the first reason). */
  invalid: number;
  firstInvalid?: string;
}

/**
 * Copies every upstream round into `target` in upstream's stored order (so row-order window sums match), in
 * transactions of `batchSize`. Idempotent: rounds already present and identical are skipped; a round present
 * with different content is counted as a conflict and left alone.
 */
export function importUpstreamResults(
  fromPath: string,
  target: ImportTarget,
  opts: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): ImportReport {
  const source = openUpstreamResults(fromPath);
  const batchSize = opts.batchSize ?? 1000;
  const report: ImportReport = {
    rows: source.count,
    imported: 0,
    alreadyPresent: 0,
    conflicts: 0,
    invalid: 0,
  };
  try {
    let batch: RoundRecord[] = [];
    const batchIds = new Set<string>();
    let done = 0;
    const flush = () => {
      if (batch.length) target.insertRounds(batch);
      report.imported += batch.length;
      batch = [];
      batchIds.clear();
    };
    for (const row of source.rows()) {
      done++;
      const round = roundFromUpstream(row);
      if (typeof round === "string") {
        report.invalid++;
        report.firstInvalid ??= `row ${row.rowid}: ${round}`;
      } else if (batchIds.has(round.id)) {
        report.conflicts++; // cannot happen with upstream's primary key; kept so a bad file cannot abort a batch
      } else {
        const existing = target.getRound(round.id);
        if (!existing) {
          batch.push(round);
          batchIds.add(round.id);
        } else if (canonical(existing) === canonical(round)) report.alreadyPresent++;
        else report.conflicts++;
      }
      if (batch.length >= batchSize) flush();
      if (done % batchSize === 0) opts.onProgress?.(done, source.count);
    }
    flush();
    opts.onProgress?.(done, source.count);
    return report;
  } finally {
    source.close();
  }
}
