// openResultsStore: the SQLite-backed ResultsStore (WAL, busy_timeout, synchronous=NORMAL, migrations at open).
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as roundQueries from "./queries/rounds.js";
import { prepareRoundInserts, pruneBatch, recentRounds, roundById, roundCount } from "./queries/rounds.js";
import { insertWeightSubmission, recentWeightSubmissions } from "./queries/weights.js";
import {
  type HotkeyWindowStats,
  type StoredScoredRow,
  scoredRowsInStoredOrder,
  type WindowSummary,
  windowStats,
  windowSummary,
  windowTotals,
  windowTotalsFromRows,
} from "./queries/window.js";
import { validateRound } from "./rules.js";
import * as schema from "./schema/index.js";
import type { ResultsStore, RoundRecord, WeightSubmissionRecord } from "./types.js";
import { isUpstreamSchema, UpstreamResultsDbError } from "./upstream.js";

/** Resolved next to this module, so it works from src/ (tests) and from dist/ (the built app). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../drizzle", import.meta.url));

export interface OpenResultsStoreOptions {
  /** How long a statement waits for another connection's lock before failing (ms). Default 5000 (upstream). */
  busyTimeoutMs?: number;
  /** Apply pending migrations at open. Default true; a read-only reader passes false. */
  migrate?: boolean;
  /** Open read-only (e.g. `apex-validator scores`); implies migrate: false. */
  readonly?: boolean;
  /** Rounds per prune transaction when pruneBefore is called without a batch size. Default 500. */
  pruneBatchSize?: number;
}

/** ResultsStore plus what the validator's tools, the localnet report and the bench need. */
export interface SqliteResultsStore extends ResultsStore {
  readonly path: string;
  /** Writes many rounds in ONE transaction: all of them or none. */
  insertRounds(rounds: readonly RoundRecord[]): void;
  /** One round by id, or null. */
  getRound(id: string): RoundRecord | null;
  /** windowTotals computed from every row, without the hourly sums (a cross-check; slower on big windows). */
  windowTotalsFromRows(sinceMs: number): Map<string, number>;
  /** Rounds in stored order as upstream's scorer reads its rows (sum them with accumulateRow for its totals). */
  scoredRowsInStoredOrder(sinceMs: number): Iterable<StoredScoredRow>;
  /** Per-hotkey roles, correct answers and reward split over the window (sorted by hotkey). */
  windowStats(sinceMs: number): HotkeyWindowStats[];
  /** Round counts by kind over the window. */
  windowSummary(sinceMs: number): WindowSummary;
  exportRounds(sinceMs: number): Generator<RoundRecord>;
  recentWeightSubmissions(limit: number): WeightSubmissionRecord[];
  /** Main file plus WAL, in bytes. */
  dbSizeBytes(): number;
  /** `PRAGMA integrity_check` result: "ok" when healthy. */
  integrityCheck(): string;
  /** Folds the WAL back into the main file (done at close too). */
  checkpoint(): void;
}

export function openResultsStore(path: string, opts: OpenResultsStoreOptions = {}): SqliteResultsStore {
  if (typeof path !== "string" || path.length === 0)
    throw new Error("openResultsStore: path must be a file path (e.g. ./results.db) or ':memory:'");
  const readonly = opts.readonly ?? false;
  const busyTimeoutMs = opts.busyTimeoutMs ?? 5000;
  const defaultBatch = opts.pruneBatchSize ?? 500;

  let sqlite: Database.Database;
  try {
    sqlite = new Database(path, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs });
  } catch (err) {
    throw new Error(`openResultsStore: cannot open ${path}: ${(err as Error).message}`);
  }
  try {
    // Upstream's results.db has a table of the same name and another shape: say how to convert it, never migrate.
    if (isUpstreamSchema(sqlite)) throw new UpstreamResultsDbError(path);
    if (!readonly) sqlite.pragma("journal_mode = WAL");
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    if (!readonly) sqlite.pragma("wal_autocheckpoint = 1000");
    const db = drizzle(sqlite, { schema });
    if (!readonly && (opts.migrate ?? true)) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return new Store(path, sqlite, db, defaultBatch, readonly);
  } catch (err) {
    sqlite.close();
    throw err;
  }
}

function checkTime(what: string, ms: number): void {
  if (typeof ms !== "number" || Number.isNaN(ms))
    throw new Error(
      `${what}: expected a time in ms since the epoch (e.g. clock.now() - windowMs), got ${ms}`,
    );
}

class Store implements SqliteResultsStore {
  private readonly writeRound: ((r: RoundRecord) => void) | null;
  private readonly insertMany: ((rs: readonly RoundRecord[]) => void) | null;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly sqlite: Database.Database,
    private readonly db: ReturnType<typeof drizzle<typeof schema>>,
    private readonly defaultBatch: number,
    readonly: boolean,
  ) {
    if (readonly) {
      this.writeRound = null;
      this.insertMany = null;
    } else {
      const write = prepareRoundInserts(db);
      this.writeRound = write;
      // better-sqlite3 transactions: commit on return, roll back on throw (so a round is whole or absent).
      this.insertMany = sqlite.transaction((rs: readonly RoundRecord[]) => {
        for (const r of rs) write(r);
      });
    }
  }

  private writable(): (rs: readonly RoundRecord[]) => void {
    if (this.closed) throw new Error("ResultsStore is closed");
    if (!this.insertMany || !this.writeRound)
      throw new Error(`ResultsStore ${this.path} was opened read-only`);
    return this.insertMany;
  }

  insertRound(round: RoundRecord): void {
    validateRound(round);
    this.writable()([round]);
  }

  insertRounds(rounds: readonly RoundRecord[]): void {
    for (const r of rounds) validateRound(r);
    this.writable()(rounds);
  }

  windowTotals(sinceMs: number): Map<string, number> {
    checkTime("windowTotals", sinceMs);
    return windowTotals(this.db, sinceMs);
  }

  windowTotalsFromRows(sinceMs: number): Map<string, number> {
    checkTime("windowTotalsFromRows", sinceMs);
    return windowTotalsFromRows(this.db, sinceMs);
  }

  scoredRowsInStoredOrder(sinceMs: number): Iterable<StoredScoredRow> {
    checkTime("scoredRowsInStoredOrder", sinceMs);
    return scoredRowsInStoredOrder(this.db, sinceMs);
  }

  windowStats(sinceMs: number): HotkeyWindowStats[] {
    checkTime("windowStats", sinceMs);
    return windowStats(this.db, sinceMs);
  }

  windowSummary(sinceMs: number): WindowSummary {
    checkTime("windowSummary", sinceMs);
    return windowSummary(this.db, sinceMs);
  }

  pruneBefore(beforeMs: number, batchSize: number = this.defaultBatch): number {
    checkTime("pruneBefore", beforeMs);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
      throw new Error(`pruneBefore: batchSize must be an integer in 1..10000, got ${batchSize}`);
    this.writable();
    const batch = this.sqlite.transaction(() => pruneBatch(this.db, beforeMs, batchSize));
    let removed = 0;
    // One short transaction per batch, so a concurrent writer never waits behind one long delete.
    for (;;) {
      const n = batch();
      removed += n;
      if (n < batchSize) return removed;
    }
  }

  recordWeightSubmission(record: WeightSubmissionRecord): void {
    this.writable();
    insertWeightSubmission(this.db, record);
  }

  recentRounds(limit: number): RoundRecord[] {
    return recentRounds(this.db, limit);
  }

  getRound(id: string): RoundRecord | null {
    return roundById(this.db, id);
  }

  exportRounds(sinceMs: number): Generator<RoundRecord> {
    checkTime("exportRounds", sinceMs);
    return roundQueries.exportRounds(this.db, sinceMs);
  }

  lastWeightSubmission(): WeightSubmissionRecord | null {
    return recentWeightSubmissions(this.db, 1)[0] ?? null;
  }

  recentWeightSubmissions(limit: number): WeightSubmissionRecord[] {
    return recentWeightSubmissions(this.db, limit);
  }

  roundCount(): number {
    return roundCount(this.db);
  }

  dbSizeBytes(): number {
    if (this.path === ":memory:") {
      const pages = this.sqlite.pragma("page_count", { simple: true }) as number;
      const size = this.sqlite.pragma("page_size", { simple: true }) as number;
      return pages * size;
    }
    let total = 0;
    for (const f of [this.path, `${this.path}-wal`]) {
      try {
        total += statSync(f).size;
      } catch {
        // The WAL file does not exist right after a truncating checkpoint.
      }
    }
    return total;
  }

  integrityCheck(): string {
    const rows = this.sqlite.pragma("integrity_check") as Array<{ integrity_check: string }>;
    return rows.map((r) => r.integrity_check).join("\n");
  }

  checkpoint(): void {
    this.sqlite.pragma("wal_checkpoint(TRUNCATE)");
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.sqlite.readonly) {
      try {
        this.checkpoint();
      } catch {
        // Another connection may hold the WAL; the data is committed either way.
      }
    }
    this.sqlite.close();
  }
}
