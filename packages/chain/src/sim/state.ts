// SimChain's state: the storage the pallet concerns (blocks, registration, serving, weights, sudo, reads) operate
// on, how a subnet and a neuron come into being, and the small lookups they all share.
import { totalStake } from "../stake.js";
import { type AxonInfo, ChainError, type Hyperparameters, type TxResult } from "../types.js";

export const RAO_PER_ALPHA = 1_000_000_000n;
export const U16_MAX = 65_535;
/** //Alice, the sudo key of subtensor dev chains. */
export const ALICE_ADDRESS = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

/** The root subnet: TAO staked here counts on every subnet at the chain's TAO weight. */
export const ROOT_NETUID = 0;

/** A subnet's parameters: what reads expose as Hyperparameters (less the chain-wide block time), plus the
 * registration and epoch settings SimChain keeps for itself. */
export interface SubnetParams extends Omit<Hyperparameters, "blockTimeMs"> {
  bondsPenalty: number;
  targetRegistrationsPerInterval: number;
  maxRegistrationsPerBlock: number;
  adjustmentInterval: number;
  yuma3: boolean;
}

export interface Neuron {
  uid: number;
  hotkey: string;
  coldkey: string;
  registeredAt: number;
  lastUpdate: number;
  axon: AxonInfo;
  validatorPermit: boolean;
  active: boolean;
  incentive: number;
  consensus: number;
  dividends: number;
  trust: number;
  validatorTrust: number;
  rank: number;
  /** Rao emitted at the last epoch. */
  emission: bigint;
  pruningScore: number;
}

export interface WeightCommit {
  hash: string;
  commitBlock: number;
  commitEpoch: number;
}

export interface Subnet {
  netuid: number;
  ownerColdkey: string;
  ownerHotkey: string;
  registeredAt: number;
  firstEmissionBlock: number | null;
  params: SubnetParams;
  neurons: Neuron[];
  /** uid → sparse row of (uid, u16). */
  weights: Map<number, Array<[number, number]>>;
  /** uid → dense row of stored bonds (u16 scale). */
  bonds: Map<number, number[]>;
  commits: Map<string, WeightCommit[]>;
  pendingEmission: bigint;
  lastEpochBlock: number;
  registrationsThisBlock: number;
  registrationsThisInterval: number;
  lastAdjustmentBlock: number;
}

/** What new subnets start with and how much each started subnet earns per block. */
export interface SubnetDefaults {
  tempo: number;
  commitReveal: boolean;
  weightsRateLimit: number;
  emissionPerBlockRao: bigint;
  startCallDelay: number;
}

/** The chain's storage; every call handler in this folder reads and writes it, nothing else. */
export interface SimState {
  readonly sudoAddress: string;
  readonly defaults: SubnetDefaults;
  /** TaoWeight as a ratio in [0, 1]. */
  readonly taoWeight: number;
  networkRateLimit: number;
  stakeThreshold: bigint;
  block: number;
  lastNetworkRegistration: number;
  readonly subnets: Map<number, Subnet>;
  /** `${hotkey}|${netuid}` → alpha in rao. */
  readonly stakes: Map<string, bigint>;
  /** hotkey → owning coldkey. */
  readonly owners: Map<string, string>;
}

export function createState(init: {
  sudoAddress: string;
  defaults: SubnetDefaults;
  taoWeight: number;
  networkRateLimit: number;
}): SimState {
  return {
    ...init,
    stakeThreshold: 0n,
    block: 0,
    lastNetworkRegistration: -Infinity,
    subnets: new Map(),
    stakes: new Map(),
    owners: new Map(),
  };
}

/** A handler's result: the transaction result, plus the netuid or uid a registration produced. */
export type CallResult = TxResult & { netuid?: number; uid?: number };

/** A dispatch error of the pallet (kind "module"), named as subtensor names it. */
export function fail(name: string, message?: string): never {
  throw new ChainError(name, message, "module");
}

export function tx(state: SimState, ...events: string[]): TxResult {
  return { block: state.block, events };
}

export function subnetOrThrow(state: SimState, netuid: number, kind: "module" | "rpc" = "module"): Subnet {
  const sn = state.subnets.get(netuid);
  if (!sn) throw new ChainError("SubNetworkDoesNotExist", `netuid ${netuid} does not exist`, kind);
  return sn;
}

/** The neuron at a uid the caller got from the subnet itself; a missing one is a bug in the simulation. */
export function neuronAt(sn: Subnet, uid: number): Neuron {
  const nr = sn.neurons[uid];
  if (!nr) throw new Error(`SimChain: netuid ${sn.netuid} has no neuron at uid ${uid}`);
  return nr;
}

export function uidOf(sn: Subnet, hotkey: string): number | undefined {
  return sn.neurons.find((nr) => nr.hotkey === hotkey)?.uid;
}

/** Alpha stake of a hotkey on a subnet (TAO on the root subnet, netuid 0), in rao. */
export function stakeOf(state: SimState, hotkey: string, netuid: number): bigint {
  return state.stakes.get(`${hotkey}|${netuid}`) ?? 0n;
}

export function addStakeRaw(state: SimState, hotkey: string, netuid: number, rao: bigint): void {
  const key = `${hotkey}|${netuid}`;
  state.stakes.set(key, (state.stakes.get(key) ?? 0n) + rao);
}

/** alpha + root TAO × TaoWeight in rao: the stake subtensor's epoch and min-stake check use. */
export function weightedStakeRao(state: SimState, hotkey: string, netuid: number): number {
  return totalStake(
    Number(stakeOf(state, hotkey, netuid)),
    Number(stakeOf(state, hotkey, ROOT_NETUID)),
    state.taoWeight,
  );
}

const EMPTY_AXON: AxonInfo = {
  ip: "0.0.0.0",
  port: 0,
  ipType: 4,
  protocol: 0,
  version: 0,
  placeholder1: 0,
  placeholder2: 0,
  block: 0,
};

/** A subnet as register_network creates it: subtensor's default hyperparameters, no neurons yet. */
export function newSubnet(
  state: SimState,
  netuid: number,
  ownerColdkey: string,
  ownerHotkey: string,
): Subnet {
  return {
    netuid,
    ownerColdkey,
    ownerHotkey,
    registeredAt: state.block,
    firstEmissionBlock: null,
    params: {
      tempo: state.defaults.tempo,
      weightsRateLimit: state.defaults.weightsRateLimit,
      weightsVersion: 0,
      minAllowedWeights: 1,
      maxWeightLimit: U16_MAX,
      commitRevealEnabled: state.defaults.commitReveal,
      commitRevealPeriod: 1,
      activityCutoff: 5000,
      immunityPeriod: 4096,
      maxAllowedUids: 256,
      maxAllowedValidators: 64,
      servingRateLimit: 50,
      burn: 100_000_000n,
      kappa: 32_767,
      bondsMovingAverage: 900_000,
      bondsPenalty: U16_MAX,
      registrationAllowed: true,
      targetRegistrationsPerInterval: 2,
      maxRegistrationsPerBlock: 1,
      adjustmentInterval: 100,
      yuma3: false,
    },
    neurons: [],
    weights: new Map(),
    bonds: new Map(),
    commits: new Map(),
    pendingEmission: 0n,
    lastEpochBlock: 0,
    registrationsThisBlock: 0,
    registrationsThisInterval: 0,
    lastAdjustmentBlock: state.block,
  };
}

export function freshNeuron(state: SimState, uid: number, hotkey: string, coldkey: string): Neuron {
  return {
    uid,
    hotkey,
    coldkey,
    registeredAt: state.block,
    // append_neuron @ spec 293 pushes the registration block into LastUpdate, so the weights rate limit counts
    // from registration and a new neuron is active until activity_cutoff passes.
    lastUpdate: state.block,
    axon: { ...EMPTY_AXON },
    validatorPermit: false,
    active: true,
    incentive: 0,
    consensus: 0,
    dividends: 0,
    trust: 0,
    validatorTrust: 0,
    rank: 0,
    emission: 0n,
    pruningScore: U16_MAX,
  };
}

export function appendNeuron(state: SimState, sn: Subnet, hotkey: string, coldkey: string): number {
  const uid = sn.neurons.length;
  sn.neurons.push(freshNeuron(state, uid, hotkey, coldkey));
  return uid;
}
