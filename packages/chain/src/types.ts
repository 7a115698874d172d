// The one seam every process uses to reach a chain: SimChain in-process, a served SimChain, or subtensor.
import type { Signer } from "@apex/protocol";

export interface AxonInfo {
  /** Dotted IPv4 or IPv6 text; "0.0.0.0" when never served. */
  ip: string;
  port: number;
  ipType: 4 | 6;
  protocol: number;
  version: number;
  placeholder1: number;
  placeholder2: number;
  /** Block at which it was served; 0 when never served. */
  block: number;
}

export interface NeuronInfo {
  uid: number;
  hotkey: string;
  coldkey: string;
  /** Alpha stake on this subnet, in whole units (rao / 1e9). */
  stake: number;
  /** TAO staked to this hotkey on the root subnet, in whole TAO (0 where the chain does not say). */
  taoStake: number;
  /** stake + taoStake × the chain's TAO weight: what the SDK metagraph calls `stake` (see stake.ts). */
  totalStake: number;
  validatorPermit: boolean;
  /** Ratios in [0, 1] (the chain stores u16 / 65535). */
  incentive: number;
  consensus: number;
  dividends: number;
  trust: number;
  validatorTrust: number;
  rank: number;
  /** Alpha emitted to this neuron at the last epoch, in whole units. */
  emission: number;
  lastUpdate: number;
  active: boolean;
  registeredAt: number;
  axon: AxonInfo;
}

export interface Metagraph {
  netuid: number;
  block: number;
  /** The chain's TaoWeight as a ratio (0..1), read from the runtime with the metagraph. */
  taoWeight: number;
  neurons: NeuronInfo[];
}

export interface Hyperparameters {
  tempo: number;
  weightsRateLimit: number;
  weightsVersion: number;
  minAllowedWeights: number;
  /** u16; 65535 means no limit. */
  maxWeightLimit: number;
  commitRevealEnabled: boolean;
  /** Reveal period in epochs. */
  commitRevealPeriod: number;
  activityCutoff: number;
  immunityPeriod: number;
  maxAllowedUids: number;
  maxAllowedValidators: number;
  servingRateLimit: number;
  /** Registration burn in rao. */
  burn: bigint;
  /** In the chain's own units, as subtensor stores them: u16 (32767 ≈ 0.5). */
  kappa: number;
  /** In the chain's own units: 1e6 = 1 (900000 = 0.9). */
  bondsMovingAverage: number;
  registrationAllowed: boolean;
  /** Block time in ms as this chain runs it. */
  blockTimeMs: number;
}

export interface ServeAxonParams {
  netuid: number;
  version: number;
  ip: string;
  port: number;
  ipType: 4 | 6;
  protocol: number;
  placeholder1: number;
  placeholder2: number;
}

export interface SetWeightsParams {
  netuid: number;
  uids: number[];
  /** u16 values (max-upscaled by the caller, as the SDK does). */
  weights: number[];
  versionKey: number;
}

export interface RevealWeightsParams {
  netuid: number;
  uids: number[];
  values: number[];
  salt: number[];
  versionKey: number;
}

/** Local-admin (sudo) hyperparameter setters a dev chain allows. Names follow AdminUtils without "sudo_set_". */
export type SudoCall =
  | { call: "tempo"; netuid: number; value: number }
  | { call: "weights_set_rate_limit"; netuid: number; value: number }
  | { call: "commit_reveal_weights_enabled"; netuid: number; value: boolean }
  | { call: "commit_reveal_weights_interval"; netuid: number; value: number }
  | { call: "min_allowed_weights"; netuid: number; value: number }
  | { call: "max_weight_limit"; netuid: number; value: number }
  | { call: "weights_version_key"; netuid: number; value: number }
  | { call: "activity_cutoff"; netuid: number; value: number }
  | { call: "max_allowed_validators"; netuid: number; value: number }
  | { call: "max_allowed_uids"; netuid: number; value: number }
  | { call: "immunity_period"; netuid: number; value: number }
  | { call: "serving_rate_limit"; netuid: number; value: number }
  | { call: "target_registrations_per_interval"; netuid: number; value: number }
  | { call: "max_registrations_per_block"; netuid: number; value: number }
  | { call: "network_rate_limit"; value: number }
  | { call: "stake_threshold"; value: number };

export interface TxResult {
  /** Block the call was included in. */
  block: number;
  /** Chain events emitted, by name (e.g. "WeightsSet", "AxonServed"). */
  events: string[];
}

/** Every chain failure: `name` is the chain's own error name (SettingWeightsTooFast, InvalidIpAddress, …). */
export class ChainError extends Error {
  constructor(
    /** The chain's error name. */
    readonly chainError: string,
    message?: string,
    /** Where it came from: "module" (ExtrinsicFailed), "pool" (1010), "rpc", "sudo", "timeout". */
    readonly kind: "module" | "pool" | "rpc" | "sudo" | "timeout" | "transport" = "module",
  ) {
    super(message ? `${chainError}: ${message}` : chainError);
    this.name = "ChainError";
  }
}

export interface ChainClient {
  /** Human label: "sim", "served-sim http://…", "finney", "ws://…". */
  readonly network: string;
  currentBlock(): Promise<number>;
  /** Calls `listener` for every new block; returns the unsubscribe function. */
  onBlock(listener: (block: number) => void): () => void;
  metagraph(netuid: number): Promise<Metagraph>;
  hyperparameters(netuid: number): Promise<Hyperparameters>;
  /** Subnet owner's hotkey, or null when the subnet does not exist. */
  subnetOwnerHotkey(netuid: number): Promise<string | null>;
  subnetExists(netuid: number): Promise<boolean>;

  /** Signed by the hotkey. */
  serveAxon(hotkey: Signer, params: ServeAxonParams): Promise<TxResult>;
  setWeights(hotkey: Signer, params: SetWeightsParams): Promise<TxResult>;
  commitWeights(hotkey: Signer, netuid: number, commitHash: string): Promise<TxResult>;
  revealWeights(hotkey: Signer, params: RevealWeightsParams): Promise<TxResult>;

  /** Signed by the coldkey. */
  registerNetwork(coldkey: Signer, hotkey: string): Promise<{ netuid: number } & TxResult>;
  startCall(coldkey: Signer, netuid: number): Promise<TxResult>;
  burnedRegister(coldkey: Signer, netuid: number, hotkey: string): Promise<{ uid: number } & TxResult>;
  addStake(coldkey: Signer, hotkey: string, netuid: number, amountRao: bigint): Promise<TxResult>;

  /** Signed by the chain's sudo key (//Alice on dev chains). */
  sudo(sudoKey: Signer, call: SudoCall): Promise<TxResult>;

  /**
   * Timelocked (drand) weights commit (CRv3/v4), as the SDK does when commit-reveal is on: the chain reveals it by
   * itself. Only SubtensorClient has it; SimChain models hash-based commit-reveal only.
   */
  commitTimelockedWeights?(
    hotkey: Signer,
    params: SetWeightsParams,
  ): Promise<{ revealRound: number } & TxResult>;

  /** Moves free balance (rao). Only chains that model balances have it (SimChain charges no fees or burns). */
  transfer?(from: Signer, to: string, amountRao: bigint): Promise<TxResult>;

  /**
   * True when the node builds blocks on request (chopsticks' `dev_newBlock`): a chain in Instant mode builds a
   * block only when an extrinsic arrives, so anything that waits for blocks must ask for them there.
   */
  supportsDevBlocks?(): Promise<boolean>;
  /** Builds `n` blocks now (only where `supportsDevBlocks()` is true). */
  devAdvanceBlocks?(n: number): Promise<void>;

  close(): Promise<void>;
}
