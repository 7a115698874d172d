// What a scenario run reports: shared by the scenarios (index.ts) and their comparison (compare.ts).

export const SCENARIOS = ["incentive", "errors", "commit-reveal", "yuma-split"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioStep {
  name: string;
  ok: boolean;
  /** The chain's error name when the call failed, else null. */
  error: string | null;
  /** The error name this step expects (null = success expected). */
  expected: string | null;
}

export interface ScenarioReport {
  scenario: ScenarioName;
  network: string;
  runtime: string;
  steps: ScenarioStep[];
  /** True when every step ended as expected. */
  passed: boolean;
  result: unknown;
}

/** One neuron's epoch outputs as the incentive scenario reports them (ratios in [0, 1], emission in alpha). */
export interface IncentiveNeuron {
  uid: number;
  incentive: number;
  dividends: number;
  consensus: number;
  validator_trust: number;
  emission: number;
}

export interface IncentiveResult {
  netuid: number;
  uids: { owner: number; validator: number; miner: number };
  block: number;
  neurons: IncentiveNeuron[];
}

/** The yuma-split scenario: two validators, two miners, and the alpha stakes Yuma ran on. */
export interface YumaSplitResult extends Omit<IncentiveResult, "uids"> {
  uids: { owner: number; validator: number; validator2: number; miner: number; miner2: number };
  /** Alpha stake per uid when the weights were set (a second chain can be topped up to these: `matchStakes`). */
  stakesAtWeights: number[];
  /** Alpha stake per uid at the end. */
  stakes: number[];
}
