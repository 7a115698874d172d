// The validator's results store: every round whole or absent; window totals as one indexed query.

export type RoundKind = "reference" | "generator";

export interface DiscriminatorResultRecord {
  hotkey: string;
  uid: number;
  /** Parsed answer ("0", "1", or whatever the miner said), null when it gave none. */
  answer: string | null;
  correct: boolean;
  score: number;
  latencyMs: number;
}

export interface RoundRecord {
  id: string;
  /** Clock time (ms) when the round was stored; the window is measured on it. */
  createdAt: number;
  kind: RoundKind;
  groundTruth: 0 | 1;
  query: string;
  /** The text shown to discriminators. */
  shownText: string;
  /** Miner hotkey, or "Validator" for reference rounds. */
  generatorHotkey: string;
  generatorUid: number | null;
  generatorLatencyMs: number | null;
  generatorScore: number;
  /** True when a reference was attempted and failed, so the round fell back to a generator round. */
  referenceFailed: boolean;
  discriminators: DiscriminatorResultRecord[];
}

export type WeightMode = "set" | "commit" | "reveal";

export interface WeightSubmissionRecord {
  createdAt: number;
  block: number | null;
  netuid: number;
  uids: number[];
  weights: number[];
  versionKey: number;
  mode: WeightMode;
  outcome: "ok" | "error" | "skipped";
  error: string | null;
}

export interface ResultsStore {
  insertRound(round: RoundRecord): void;
  /** Sum per hotkey over rounds with createdAt ≥ sinceMs, by the upstream per-row rule. */
  windowTotals(sinceMs: number): Map<string, number>;
  /** Deletes rounds older than `beforeMs` in batches; returns how many were removed. */
  pruneBefore(beforeMs: number, batchSize?: number): number;
  recordWeightSubmission(record: WeightSubmissionRecord): void;
  recentRounds(limit: number): RoundRecord[];
  lastWeightSubmission(): WeightSubmissionRecord | null;
  roundCount(): number;
  /** Rounds with createdAt ≥ sinceMs, oldest first, streamed in pages (the non-apex score policies, JSONL export). */
  exportRounds(sinceMs: number): Iterable<RoundRecord>;
  /** Main file plus WAL, in bytes, for the db-size metric; a store without a file has no size to report. */
  dbSizeBytes?(): number;
  close(): void;
}
