// The data contract between whoever knows the subnet's state (the localnet run, or a validator's /api/status)
// and the dashboard that shows it. Everything here is plain JSON so it can go over HTTP and SSE unchanged.

export type NeuronRole = "owner" | "validator" | "miner" | "external";

export interface DashboardNeuron {
  uid: number;
  hotkey: string;
  role: NeuronRole;
  /** The built-in strategy name for our own miners (e.g. "learned"); absent for outside miners. */
  strategy?: string;
  stake: number;
  incentive: number;
  dividends: number;
  emission: number;
  /** The weight the (first) validator last set for this uid, normalised to 0..1. */
  weight: number;
  /** This neuron's total reward in the validator's scoring window. */
  windowReward: number;
  /** "ip:port" of the served axon, if any. */
  axon?: string;
  /** Answers asked of it that did not arrive, by reason (timeout, http_429, transport, invalid_answer…). */
  missing?: Record<string, number>;
}

export interface DashboardAnswer {
  hotkey: string;
  uid: number;
  /** The discriminator's parsed answer ("0" / "1"), or null when it said nothing usable. */
  answer: string | null;
  correct: boolean;
  score: number;
  latencyMs: number;
}

export interface DashboardRound {
  id: string;
  /** Milliseconds since the Unix epoch (subnet time: virtual in --virtual runs). */
  createdAt: number;
  kind: "reference" | "generator";
  groundTruth: 0 | 1;
  query: string;
  /** The text shown to discriminators: the validator's reference or the generator miner's answer. */
  shownText: string;
  /** Empty for reference rounds. */
  generatorHotkey: string;
  generatorScore: number;
  discriminators: DashboardAnswer[];
}

export interface DashboardHistoryPoint {
  block: number;
  /** Milliseconds since the Unix epoch. */
  time: number;
  /** uid → incentive (0..1). */
  incentive: Record<number, number>;
  /** uid → weight (0..1) as last set by the validator. */
  weights: Record<number, number>;
}

export interface DashboardSnapshot {
  network: string;
  netuid: number;
  block: number;
  tempo: number;
  blocksUntilEpoch: number;
  neurons: DashboardNeuron[];
  /** Most recent first, at most ~50. */
  rounds: DashboardRound[];
  /** Oldest first. */
  history: DashboardHistoryPoint[];
}

export type DashboardEvent =
  | { type: "snapshot"; snapshot: DashboardSnapshot }
  | { type: "round"; round: DashboardRound }
  | { type: "block"; block: number; blocksUntilEpoch: number };

export interface DashboardSource {
  snapshot(): Promise<DashboardSnapshot>;
  /**
   * Live push. Returns an unsubscribe function. Optional: without it the server polls `snapshot()` and pushes
   * a "snapshot" event whenever it changed.
   */
  subscribe?(listener: (event: DashboardEvent) => void): () => void;
}

/** How many rounds the page keeps; sources should send at most this many. */
export const MAX_DASHBOARD_ROUNDS = 50;
