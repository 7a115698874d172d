// What a scenario run takes and reports: shared by the scenarios (index.ts), their comparison (compare.ts) and the
// recorded real-runtime expectations (expectations.ts).
import type { Signer } from "@apex/protocol";

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

export interface ScenarioOptions {
  /** Moves the chain n blocks forward (SimChain: produceBlocks). Without it, new blocks are awaited. */
  advanceBlocks?: (n: number) => Promise<void> | void;
  /** Sudo key; default //Alice. */
  sudo?: Signer;
  /** Funded coldkeys for the owner, validator and miner; default //Alice, //Bob, //Charlie (dev chain accounts). */
  coldkeys?: { owner: Signer; validator: Signer; miner: Signer };
  /** Hotkeys are derived fresh per run from this tag (so runs do not collide); default a random tag. */
  runTag?: string;
  /** Describes the runtime in the report; default the chain's network label. */
  runtime?: string;
  tempo?: number;
  /** Validator stake; default 1000 alpha. */
  stakeRao?: bigint;
  /** yuma-split: the two validators' stakes (default 1000 and 500 TAO, which a real runtime swaps for alpha). */
  splitStakesRao?: readonly [bigint, bigint];
  /**
   * yuma-split: top every uid's alpha stake up to these values (whole alpha, by uid) just before the weights are set,
   * so a chain without subnet pools (SimChain: rao → alpha 1:1) runs Yuma on the stakes a real runtime had.
   */
  matchStakes?: readonly number[];
}
