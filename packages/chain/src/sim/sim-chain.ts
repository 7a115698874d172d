// SimChain: an in-process chain that follows subtensor's rules for the calls this project uses.
// Semantics follow subtensor @ f59e608b (spec ~293, the runtime verified locally) unless docs/chain.md says otherwise.
import { randomBytes } from "node:crypto";
import { type Clock, type Signer, systemClock } from "@apex/protocol";
import { runEpoch } from "@apex/yuma";
import { decodeAddress, encodeAddress } from "@polkadot/util-crypto";
import { commitHash } from "../commit.js";
import { epochIndex, isEpochBlock } from "../epoch.js";
import { ipFromU128, ipToU128 } from "../ip.js";
import { INITIAL_TAO_WEIGHT_RAW, taoWeightRatio, totalStake } from "../stake.js";
import {
  type AxonInfo,
  type ChainClient,
  ChainError,
  type Hyperparameters,
  type Metagraph,
  type NeuronInfo,
  type RevealWeightsParams,
  type ServeAxonParams,
  type SetWeightsParams,
  type SudoCall,
  type TxResult,
} from "../types.js";
import { type CallArgs, type SignedCall, signCall, verifySignedCall } from "./signing.js";

export const RAO_PER_ALPHA = 1_000_000_000n;
const U16_MAX = 65_535;
/** //Alice, the sudo key of subtensor dev chains. */
export const ALICE_ADDRESS = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

/** The root subnet: TAO staked here counts on every subnet at the chain's TAO weight. */
const ROOT_NETUID = 0;

export interface SimChainOptions {
  clock?: Clock;
  /** Block time; default 250 ms like subtensor's fast-runtime builds. */
  blockTimeMs?: number;
  /** Tempo of new subnets; default 10. */
  tempo?: number;
  /** Start producing blocks on the clock right away (same as calling `start()`). Default false. */
  autoBlocks?: boolean;
  /** Sudo account; default //Alice. */
  sudoAddress?: string;
  /** Commit-reveal on new subnets. Default false here (subtensor's default is true). */
  commitReveal?: boolean;
  /** Weights rate limit of new subnets in blocks; default 100 as subtensor. */
  weightsRateLimit?: number;
  /** Alpha emitted to each started subnet per block, in rao; default 1e9 (1 alpha). */
  emissionPerBlockRao?: bigint;
  /** Blocks after register_network before start_call is allowed; default 10 (fast-runtime DurationOfStartCall). */
  startCallDelay?: number;
  /** Network registration rate limit in blocks; default 0 here (subtensor: 7200). */
  networkRateLimit?: number;
  /** Label for `network`; default "sim". */
  label?: string;
  /** This chain's identity in every signed call; default a random 32-byte hex per instance. */
  genesisHash?: string;
  /** TaoWeight storage value (u64, a ratio of u64::MAX); default subtensor's initial value. */
  taoWeightRaw?: bigint;
}

interface SubnetParams {
  tempo: number;
  weightsRateLimit: number;
  weightsVersion: number;
  minAllowedWeights: number;
  maxWeightLimit: number;
  commitRevealEnabled: boolean;
  commitRevealPeriod: number;
  activityCutoff: number;
  immunityPeriod: number;
  maxAllowedUids: number;
  maxAllowedValidators: number;
  servingRateLimit: number;
  burn: bigint;
  kappa: number;
  bondsMovingAverage: number;
  bondsPenalty: number;
  registrationAllowed: boolean;
  targetRegistrationsPerInterval: number;
  maxRegistrationsPerBlock: number;
  adjustmentInterval: number;
  yuma3: boolean;
}

interface Neuron {
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

interface WeightCommit {
  hash: string;
  commitBlock: number;
  commitEpoch: number;
}

interface Subnet {
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

type CallResult = TxResult & { netuid?: number; uid?: number };

function fail(name: string, message?: string): never {
  throw new ChainError(name, message, "module");
}

/** Dotted IPv4 / IPv6 text of the given ip_type → subtensor's u128 integer (the one parser, ../ip.ts). */
function ipOfType(ip: string, ipType: 4 | 6): bigint {
  let parsed: ReturnType<typeof ipToU128>;
  try {
    parsed = ipToU128(ip);
  } catch (err) {
    throw new ChainError("InvalidIpAddress", (err as Error).message);
  }
  if (parsed.ipType !== ipType)
    throw new ChainError("InvalidIpAddress", `"${ip}" is not an IPv${ipType} address`);
  return parsed.ip;
}

/** subtensor's is_valid_ip_address with allow_zero = true (serve_axon). */
function isValidIp(ipType: number, addr: bigint): boolean {
  if (ipType === 4) return addr < 0xffff_ffffn && addr !== 0x7f00_0001n;
  if (ipType === 6) return addr !== (1n << 128n) - 1n && addr !== 1n;
  return true;
}

function num(args: CallArgs, key: string): number {
  const v = args[key];
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new ChainError("InvalidCallArguments", `${key} must be a number`, "rpc");
  return v;
}

function nums(args: CallArgs, key: string): number[] {
  const v = args[key];
  if (
    !Array.isArray(v) ||
    v.some((x) => typeof x !== "number" || !Number.isInteger(x) || x < 0 || x > U16_MAX)
  )
    throw new ChainError("InvalidCallArguments", `${key} must be an array of u16`, "rpc");
  return v as number[];
}

function str(args: CallArgs, key: string): string {
  const v = args[key];
  if (typeof v !== "string") throw new ChainError("InvalidCallArguments", `${key} must be a string`, "rpc");
  return v;
}

function big(args: CallArgs, key: string): bigint {
  const v = args[key];
  if (typeof v !== "string" || !/^\d+$/.test(v))
    throw new ChainError("InvalidCallArguments", `${key} must be a decimal string`, "rpc");
  return BigInt(v);
}

function normalizeAddress(address: string): string {
  try {
    return encodeAddress(decodeAddress(address), 42);
  } catch {
    throw new ChainError("InvalidCallArguments", `"${address}" is not a valid SS58 address`, "rpc");
  }
}

export class SimChain implements ChainClient {
  readonly network: string;
  /** Signed calls carry it (signing.ts `callPayload`): a call signed for another chain is refused. */
  readonly genesisHash: string;
  readonly clock: Clock;
  readonly blockTimeMs: number;
  private readonly sudoAddress: string;
  private readonly defaults: {
    tempo: number;
    commitReveal: boolean;
    weightsRateLimit: number;
    emissionPerBlockRao: bigint;
    startCallDelay: number;
  };
  private networkRateLimit: number;
  private stakeThreshold = 0n;
  private readonly taoWeight: number;
  private block = 0;
  private readonly genesisMs: number;
  private readonly subnets = new Map<number, Subnet>();
  /** `${hotkey}|${netuid}` → alpha in rao. */
  private readonly stakes = new Map<string, bigint>();
  /** hotkey → owning coldkey. */
  private readonly owners = new Map<string, string>();
  private readonly nonces = new Map<string, number>();
  private readonly listeners = new Set<(block: number) => void>();
  private lastNetworkRegistration = -Infinity;
  private runner: AbortController | undefined;
  private closed = false;

  constructor(options: SimChainOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.blockTimeMs = options.blockTimeMs ?? 250;
    if (!(this.blockTimeMs > 0))
      throw new Error(`SimChain: blockTimeMs must be > 0, got ${this.blockTimeMs}`);
    this.sudoAddress = normalizeAddress(options.sudoAddress ?? ALICE_ADDRESS);
    this.network = options.label ?? "sim";
    this.genesisHash = options.genesisHash ?? `0x${randomBytes(32).toString("hex")}`;
    this.defaults = {
      tempo: options.tempo ?? 10,
      commitReveal: options.commitReveal ?? false,
      weightsRateLimit: options.weightsRateLimit ?? 100,
      emissionPerBlockRao: options.emissionPerBlockRao ?? RAO_PER_ALPHA,
      startCallDelay: options.startCallDelay ?? 10,
    };
    this.networkRateLimit = options.networkRateLimit ?? 0;
    this.taoWeight = taoWeightRatio(options.taoWeightRaw ?? INITIAL_TAO_WEIGHT_RAW);
    this.genesisMs = this.clock.now();
    if (options.autoBlocks) this.start();
  }

  // ---------------------------------------------------------------- blocks

  async currentBlock(): Promise<number> {
    return this.block;
  }

  get blockNumber(): number {
    return this.block;
  }

  onBlock(listener: (block: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Produce `n` blocks now (manual stepping). Epochs and emission run inside. */
  produceBlocks(n = 1): number {
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`produceBlocks: n must be a whole number ≥ 0, got ${n}`);
    for (let i = 0; i < n; i++) this.step();
    return this.block;
  }

  /** Produce every block whose time has come on the clock (block k is due at genesis + k·blockTime). */
  syncToClock(): number {
    const due = Math.floor((this.clock.now() - this.genesisMs) / this.blockTimeMs);
    if (due > this.block) this.produceBlocks(due - this.block);
    return this.block;
  }

  /** Produce blocks on the clock until `close()`. */
  start(): void {
    if (this.runner || this.closed) return;
    const ctrl = new AbortController();
    this.runner = ctrl;
    const loop = async () => {
      while (!ctrl.signal.aborted) {
        const nextAt = this.genesisMs + (this.block + 1) * this.blockTimeMs;
        try {
          await this.clock.sleep(Math.max(0, nextAt - this.clock.now()), ctrl.signal);
        } catch {
          return;
        }
        this.syncToClock();
      }
    };
    void loop();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.runner?.abort();
    this.runner = undefined;
    this.listeners.clear();
  }

  private step(): void {
    this.block += 1;
    const b = this.block;
    for (const sn of this.subnets.values()) {
      sn.registrationsThisBlock = 0;
      if (b - sn.lastAdjustmentBlock >= sn.params.adjustmentInterval) {
        sn.registrationsThisInterval = 0;
        sn.lastAdjustmentBlock = b;
      }
      if (sn.firstEmissionBlock === null || b < sn.firstEmissionBlock) continue;
      sn.pendingEmission += this.defaults.emissionPerBlockRao;
      if (isEpochBlock(sn.netuid, sn.params.tempo, b)) this.epoch(sn);
    }
    for (const l of [...this.listeners]) {
      try {
        l(b);
      } catch {
        // A listener's failure must not stop the chain.
      }
    }
  }

  private epoch(sn: Subnet): void {
    const p = sn.params;
    const n = sn.neurons.length;
    const emission = sn.pendingEmission;
    sn.pendingEmission = 0n;
    const ownerCut = (emission * 11_796n) / 65_535n;
    const rest = emission - ownerCut;
    if (n === 0) return;
    const weights = sn.neurons.map((nr) => {
      const row = new Array<number>(n).fill(0);
      for (const [j, w] of sn.weights.get(nr.uid) ?? []) if (j < n) row[j] = w;
      return row;
    });
    const bonds = sn.neurons.map((nr) => {
      const stored = sn.bonds.get(nr.uid) ?? [];
      return Array.from({ length: n }, (_, j) => stored[j] ?? 0);
    });
    const out = runEpoch({
      currentBlock: this.block,
      tempo: p.tempo,
      activityCutoff: p.activityCutoff,
      lastUpdate: sn.neurons.map((nr) => nr.lastUpdate),
      blockAtRegistration: sn.neurons.map((nr) => nr.registeredAt),
      lastEpochBlock: sn.lastEpochBlock,
      stake: sn.neurons.map((nr) => this.weightedStakeRao(nr.hotkey, sn.netuid)),
      stakeThreshold: Number(this.stakeThreshold),
      validatorPermits: sn.neurons.map((nr) => nr.validatorPermit),
      maxAllowedValidators: p.maxAllowedValidators,
      weights,
      bonds,
      kappa: p.kappa / U16_MAX,
      bondsMovingAverage: p.bondsMovingAverage,
      bondsPenalty: p.bondsPenalty / U16_MAX,
      emission: Number(rest),
      yuma3: p.yuma3,
    });
    sn.lastEpochBlock = this.block;
    const toU16 = (x: number) => Math.min(U16_MAX, Math.max(0, Math.floor(x * U16_MAX))) / U16_MAX;
    const maxCombined = Math.max(0, ...out.combinedEmission);
    sn.neurons.forEach((nr, i) => {
      nr.active = out.active[i]!;
      nr.validatorPermit = out.validatorPermits[i]!;
      nr.consensus = toU16(out.consensus[i]!);
      nr.incentive = toU16(out.incentive[i]!);
      nr.rank = nr.incentive;
      nr.trust = 0;
      nr.dividends = toU16(out.dividends[i]!);
      nr.validatorTrust = toU16(out.validatorTrust[i]!);
      nr.emission = BigInt(Math.floor(out.combinedEmission[i]!));
      nr.pruningScore = maxCombined > 0 ? Math.floor((out.combinedEmission[i]! / maxCombined) * U16_MAX) : 0;
      const bondRow = out.bonds[i]!;
      if (bondRow.some((x) => x > 0)) sn.bonds.set(nr.uid, [...bondRow]);
      else sn.bonds.delete(nr.uid);
      const earned =
        BigInt(Math.floor(out.serverEmission[i]!)) + BigInt(Math.floor(out.validatorEmission[i]!));
      if (earned > 0n) this.addStakeRaw(nr.hotkey, sn.netuid, earned);
    });
    if (ownerCut > 0n) this.addStakeRaw(sn.ownerHotkey, sn.netuid, ownerCut);
  }

  // ---------------------------------------------------------------- reads

  async metagraph(netuid: number): Promise<Metagraph> {
    const sn = this.subnetOrThrow(netuid, "rpc");
    return {
      netuid,
      block: this.block,
      taoWeight: this.taoWeight,
      neurons: sn.neurons.map(
        (nr): NeuronInfo => ({
          uid: nr.uid,
          hotkey: nr.hotkey,
          coldkey: nr.coldkey,
          stake: Number(this.stakeOf(nr.hotkey, netuid)) / 1e9,
          taoStake: Number(this.stakeOf(nr.hotkey, ROOT_NETUID)) / 1e9,
          totalStake: totalStake(
            Number(this.stakeOf(nr.hotkey, netuid)) / 1e9,
            Number(this.stakeOf(nr.hotkey, ROOT_NETUID)) / 1e9,
            this.taoWeight,
          ),
          validatorPermit: nr.validatorPermit,
          incentive: nr.incentive,
          consensus: nr.consensus,
          dividends: nr.dividends,
          trust: nr.trust,
          validatorTrust: nr.validatorTrust,
          rank: nr.rank,
          emission: Number(nr.emission) / 1e9,
          lastUpdate: nr.lastUpdate,
          active: nr.active,
          registeredAt: nr.registeredAt,
          axon: { ...nr.axon },
        }),
      ),
    };
  }

  async hyperparameters(netuid: number): Promise<Hyperparameters> {
    const p = this.subnetOrThrow(netuid, "rpc").params;
    return {
      tempo: p.tempo,
      weightsRateLimit: p.weightsRateLimit,
      weightsVersion: p.weightsVersion,
      minAllowedWeights: p.minAllowedWeights,
      maxWeightLimit: p.maxWeightLimit,
      commitRevealEnabled: p.commitRevealEnabled,
      commitRevealPeriod: p.commitRevealPeriod,
      activityCutoff: p.activityCutoff,
      immunityPeriod: p.immunityPeriod,
      maxAllowedUids: p.maxAllowedUids,
      maxAllowedValidators: p.maxAllowedValidators,
      servingRateLimit: p.servingRateLimit,
      burn: p.burn,
      kappa: p.kappa,
      bondsMovingAverage: p.bondsMovingAverage,
      registrationAllowed: p.registrationAllowed,
      blockTimeMs: this.blockTimeMs,
    };
  }

  async subnetOwnerHotkey(netuid: number): Promise<string | null> {
    return this.subnets.get(netuid)?.ownerHotkey ?? null;
  }

  async subnetExists(netuid: number): Promise<boolean> {
    return this.subnets.has(netuid);
  }

  /** The next nonce the chain expects from `address`. */
  accountNonce(address: string): number {
    return this.nonces.get(normalizeAddress(address)) ?? 0;
  }

  /** alpha + root TAO × TaoWeight in rao: the stake subtensor's epoch and min-stake check use. */
  private weightedStakeRao(hotkey: string, netuid: number): number {
    return totalStake(
      Number(this.stakeOf(hotkey, netuid)),
      Number(this.stakeOf(hotkey, ROOT_NETUID)),
      this.taoWeight,
    );
  }

  /** Alpha stake of a hotkey on a subnet (TAO on the root subnet, netuid 0), in rao. */
  stakeOf(hotkey: string, netuid: number): bigint {
    return this.stakes.get(`${hotkey}|${netuid}`) ?? 0n;
  }

  /** Stored weights of a uid as (uid, u16) pairs (empty when none). */
  weightsOf(netuid: number, uid: number): Array<[number, number]> {
    return [...(this.subnetOrThrow(netuid, "rpc").weights.get(uid) ?? [])].map(([a, b]) => [a, b]);
  }

  /** Pending hash commits of a hotkey. */
  commitsOf(netuid: number, hotkey: string): Array<{ hash: string; commitBlock: number }> {
    return (this.subnetOrThrow(netuid, "rpc").commits.get(hotkey) ?? []).map((c) => ({
      hash: c.hash,
      commitBlock: c.commitBlock,
    }));
  }

  // ---------------------------------------------------------------- signed calls (ChainClient)

  serveAxon(hotkey: Signer, params: ServeAxonParams): Promise<TxResult> {
    return this.signAndSubmit(hotkey, "serve_axon", { ...params });
  }

  setWeights(hotkey: Signer, params: SetWeightsParams): Promise<TxResult> {
    return this.signAndSubmit(hotkey, "set_weights", { ...params });
  }

  commitWeights(hotkey: Signer, netuid: number, hash: string): Promise<TxResult> {
    return this.signAndSubmit(hotkey, "commit_weights", { netuid, commitHash: hash });
  }

  revealWeights(hotkey: Signer, params: RevealWeightsParams): Promise<TxResult> {
    return this.signAndSubmit(hotkey, "reveal_weights", { ...params });
  }

  async registerNetwork(coldkey: Signer, hotkey: string): Promise<{ netuid: number } & TxResult> {
    const r = await this.signAndSubmit(coldkey, "register_network", { hotkey });
    return { netuid: r.netuid!, block: r.block, events: r.events };
  }

  startCall(coldkey: Signer, netuid: number): Promise<TxResult> {
    return this.signAndSubmit(coldkey, "start_call", { netuid });
  }

  async burnedRegister(coldkey: Signer, netuid: number, hotkey: string): Promise<{ uid: number } & TxResult> {
    const r = await this.signAndSubmit(coldkey, "burned_register", { netuid, hotkey });
    return { uid: r.uid!, block: r.block, events: r.events };
  }

  addStake(coldkey: Signer, hotkey: string, netuid: number, amountRao: bigint): Promise<TxResult> {
    return this.signAndSubmit(coldkey, "add_stake", { hotkey, netuid, amountStaked: amountRao });
  }

  sudo(sudoKey: Signer, call: SudoCall): Promise<TxResult> {
    return this.signAndSubmit(sudoKey, "sudo", { ...call });
  }

  private async signAndSubmit(key: Signer, method: string, args: CallArgs): Promise<CallResult> {
    const call = signCall(key, method, args, this.accountNonce(key.address), this.genesisHash);
    const r = await this.submit(call);
    return r;
  }

  /**
   * Verify and apply a signed call (what the served chain's POST /rpc does). Pool-level failures (bad signature,
   * stale or future nonce) leave no trace; a dispatch error still uses up the nonce, as on a real chain.
   */
  async submit(call: SignedCall): Promise<CallResult> {
    if (this.closed) throw new ChainError("ChainClosed", "this SimChain has been closed", "transport");
    if (typeof call?.signer !== "string" || typeof call.method !== "string" || !Number.isInteger(call.nonce))
      throw new ChainError(
        "InvalidCallArguments",
        "a signed call needs method, args, signer, nonce, signature",
        "rpc",
      );
    const signer = normalizeAddress(call.signer);
    if (!(await verifySignedCall(call, this.genesisHash)))
      throw new ChainError("BadProof", `the signature does not match ${signer} for ${call.method}`, "pool");
    const expected = this.nonces.get(signer) ?? 0;
    if (call.nonce < expected)
      throw new ChainError("Stale", `nonce ${call.nonce} < next ${expected}`, "pool");
    if (call.nonce > expected)
      throw new ChainError("Future", `nonce ${call.nonce} > next ${expected}`, "pool");
    this.nonces.set(signer, expected + 1);
    return this.dispatch(call.method, call.args ?? {}, signer);
  }

  private dispatch(method: string, args: CallArgs, who: string): CallResult {
    switch (method) {
      case "serve_axon":
        return this.doServeAxon(who, args);
      case "set_weights":
        return this.doSetWeights(who, args, true);
      case "commit_weights":
        return this.doCommitWeights(who, args);
      case "reveal_weights":
        return this.doRevealWeights(who, args);
      case "register_network":
        return this.doRegisterNetwork(who, args);
      case "start_call":
        return this.doStartCall(who, args);
      case "burned_register":
        return this.doBurnedRegister(who, args);
      case "add_stake":
        return this.doAddStake(who, args);
      case "sudo":
        return this.doSudo(who, args);
      default:
        throw new ChainError("CallNotFound", `SimChain has no call "${method}"`, "rpc");
    }
  }

  private tx(...events: string[]): TxResult {
    return { block: this.block, events };
  }

  private subnetOrThrow(netuid: number, kind: "module" | "rpc" = "module"): Subnet {
    const sn = this.subnets.get(netuid);
    if (!sn) throw new ChainError("SubNetworkDoesNotExist", `netuid ${netuid} does not exist`, kind);
    return sn;
  }

  private uidOf(sn: Subnet, hotkey: string): number | undefined {
    return sn.neurons.find((nr) => nr.hotkey === hotkey)?.uid;
  }

  private addStakeRaw(hotkey: string, netuid: number, rao: bigint): void {
    const key = `${hotkey}|${netuid}`;
    this.stakes.set(key, (this.stakes.get(key) ?? 0n) + rao);
  }

  // ---------------------------------------------------------------- calls

  private doRegisterNetwork(coldkey: string, args: CallArgs): CallResult {
    const hotkey = normalizeAddress(str(args, "hotkey"));
    if (this.block - this.lastNetworkRegistration < this.networkRateLimit)
      fail(
        "NetworkTxRateLimitExceeded",
        `wait ${this.networkRateLimit} blocks between network registrations`,
      );
    const owner = this.owners.get(hotkey);
    if (owner !== undefined && owner !== coldkey)
      fail("NonAssociatedColdKey", `hotkey ${hotkey} belongs to coldkey ${owner}`);
    // Netuids 0 (root) and 1 exist in a dev chain's genesis, so the first new subnet is 2.
    let netuid = 2;
    while (this.subnets.has(netuid)) netuid++;
    const sn: Subnet = {
      netuid,
      ownerColdkey: coldkey,
      ownerHotkey: hotkey,
      registeredAt: this.block,
      firstEmissionBlock: null,
      params: {
        tempo: this.defaults.tempo,
        weightsRateLimit: this.defaults.weightsRateLimit,
        weightsVersion: 0,
        minAllowedWeights: 1,
        maxWeightLimit: U16_MAX,
        commitRevealEnabled: this.defaults.commitReveal,
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
      lastAdjustmentBlock: this.block,
    };
    this.subnets.set(netuid, sn);
    this.lastNetworkRegistration = this.block;
    this.owners.set(hotkey, coldkey);
    this.appendNeuron(sn, hotkey, coldkey);
    return { ...this.tx("NetworkAdded"), netuid };
  }

  private doStartCall(who: string, args: CallArgs): CallResult {
    const netuid = num(args, "netuid");
    const sn = this.subnetOrThrow(netuid);
    if (sn.ownerColdkey !== who)
      fail("BadOrigin", `only the subnet owner coldkey ${sn.ownerColdkey} may start it`);
    if (sn.firstEmissionBlock !== null) fail("FirstEmissionBlockNumberAlreadySet");
    const allowedAt = sn.registeredAt + this.defaults.startCallDelay;
    if (this.block < allowedAt)
      fail(
        "NeedWaitingMoreBlocksToStarCall",
        `start_call is allowed from block ${allowedAt}; now ${this.block}`,
      );
    sn.firstEmissionBlock = this.block + 1;
    return this.tx("FirstEmissionBlockNumberSet");
  }

  private appendNeuron(sn: Subnet, hotkey: string, coldkey: string): number {
    const uid = sn.neurons.length;
    sn.neurons.push(this.freshNeuron(uid, hotkey, coldkey));
    return uid;
  }

  private freshNeuron(uid: number, hotkey: string, coldkey: string): Neuron {
    return {
      uid,
      hotkey,
      coldkey,
      registeredAt: this.block,
      // append_neuron @ spec 293 pushes the registration block into LastUpdate, so the weights rate limit counts
      // from registration and a new neuron is active until activity_cutoff passes.
      lastUpdate: this.block,
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

  /** get_neuron_to_prune @ spec 293: lowest pruning score, earliest registration on ties, non-immune first. */
  private neuronToPrune(sn: Subnet): number | undefined {
    let best: Neuron | undefined;
    let bestImmune: Neuron | undefined;
    const better = (a: Neuron, b: Neuron | undefined) =>
      !b ||
      a.pruningScore < b.pruningScore ||
      (a.pruningScore === b.pruningScore && a.registeredAt < b.registeredAt);
    for (const nr of sn.neurons) {
      if (nr.hotkey === sn.ownerHotkey) continue;
      const immune = this.block < nr.registeredAt + sn.params.immunityPeriod;
      if (immune) {
        if (better(nr, bestImmune)) bestImmune = nr;
      } else if (better(nr, best)) best = nr;
    }
    return (best ?? bestImmune)?.uid;
  }

  private doBurnedRegister(coldkey: string, args: CallArgs): CallResult {
    const netuid = num(args, "netuid");
    const hotkey = normalizeAddress(str(args, "hotkey"));
    if (netuid === 0) fail("RegistrationNotPermittedOnRootSubnet");
    const sn = this.subnetOrThrow(netuid);
    const p = sn.params;
    if (!p.registrationAllowed) fail("SubNetRegistrationDisabled");
    if (sn.registrationsThisBlock >= p.maxRegistrationsPerBlock)
      fail("TooManyRegistrationsThisBlock", `at most ${p.maxRegistrationsPerBlock} per block`);
    if (sn.registrationsThisInterval >= p.targetRegistrationsPerInterval * 3)
      fail(
        "TooManyRegistrationsThisInterval",
        `at most ${p.targetRegistrationsPerInterval * 3} per ${p.adjustmentInterval}-block interval`,
      );
    if (this.uidOf(sn, hotkey) !== undefined) fail("HotKeyAlreadyRegisteredInSubNet");
    const owner = this.owners.get(hotkey);
    if (owner !== undefined && owner !== coldkey)
      fail("NonAssociatedColdKey", `hotkey ${hotkey} belongs to coldkey ${owner}`);
    let uid: number;
    if (sn.neurons.length < p.maxAllowedUids) {
      uid = this.appendNeuron(sn, hotkey, coldkey);
    } else {
      const victim = this.neuronToPrune(sn);
      if (victim === undefined) fail("NoNeuronIdAvailable");
      uid = victim;
      const old = sn.neurons[uid]!;
      // replace_neuron leaves LastUpdate alone: the newcomer inherits the pruned neuron's last update.
      sn.neurons[uid] = { ...this.freshNeuron(uid, hotkey, coldkey), lastUpdate: old.lastUpdate };
      sn.weights.delete(uid);
      sn.bonds.delete(uid);
      sn.commits.delete(old.hotkey);
    }
    this.owners.set(hotkey, coldkey);
    sn.registrationsThisBlock += 1;
    sn.registrationsThisInterval += 1;
    return { ...this.tx("NeuronRegistered"), uid };
  }

  private doAddStake(coldkey: string, args: CallArgs): CallResult {
    const hotkey = normalizeAddress(str(args, "hotkey"));
    const netuid = num(args, "netuid");
    const amount = big(args, "amountStaked");
    // netuid 0 is the root subnet: TAO staked there counts on every subnet at the TAO weight.
    if (netuid !== ROOT_NETUID) this.subnetOrThrow(netuid);
    if (!this.owners.has(hotkey))
      fail("HotKeyAccountNotExists", `hotkey ${hotkey} is not registered anywhere`);
    if (amount === 0n) fail("AmountTooLow", "stake must be > 0 rao");
    // Rao → alpha 1:1 (no subnet pool or slippage in SimChain).
    this.addStakeRaw(hotkey, netuid, amount);
    void coldkey;
    return this.tx("StakeAdded");
  }

  private doServeAxon(hotkey: string, args: CallArgs): CallResult {
    const netuid = num(args, "netuid");
    const sn = this.subnetOrThrow(netuid);
    const uid = this.uidOf(sn, hotkey);
    if (uid === undefined) fail("HotKeyNotRegisteredInNetwork");
    const ipType = num(args, "ipType");
    if (ipType !== 4 && ipType !== 6) fail("InvalidIpType", `ip_type must be 4 or 6, got ${ipType}`);
    const ipText = str(args, "ip");
    const ip = ipOfType(ipText, ipType);
    if (!isValidIp(ipType, ip))
      fail(
        "InvalidIpAddress",
        `${ipText} is not servable (127.0.0.1 and ::1 are refused; use e.g. 127.0.0.2)`,
      );
    const nr = sn.neurons[uid]!;
    const limit = sn.params.servingRateLimit;
    if (!(limit === 0 || nr.axon.block === 0 || this.block - nr.axon.block >= limit))
      fail("ServingRateLimitExceeded", `serve again after block ${nr.axon.block + limit}`);
    const port = num(args, "port");
    if (port === 0) fail("InvalidPort", "port must not be 0");
    nr.axon = {
      // Read back the way the chain stores it (a u128), so the sim's metagraph text matches SubtensorClient's.
      ip: ipFromU128(ip, ipType),
      port,
      ipType,
      protocol: num(args, "protocol"),
      version: num(args, "version"),
      placeholder1: num(args, "placeholder1"),
      placeholder2: num(args, "placeholder2"),
      block: this.block,
    };
    return this.tx("AxonServed");
  }

  private isSelfWeight(uid: number, uids: number[], values: number[]): boolean {
    return values.length === 1 && uids[0] === uid;
  }

  /** internal_set_weights: the checks in subtensor's order and with its error names. */
  private doSetWeights(hotkey: string, args: CallArgs, viaSetWeights: boolean): CallResult {
    const netuid = num(args, "netuid");
    const uids = nums(args, "uids");
    const values = nums(args, "weights");
    const versionKey = num(args, "versionKey");
    const sn = this.subnetOrThrow(netuid);
    const p = sn.params;
    if (viaSetWeights && p.commitRevealEnabled)
      fail("CommitRevealEnabled", "this subnet uses commit-reveal: commit_weights, then reveal_weights");
    if (netuid === 0) fail("CanNotSetRootNetworkWeights");
    if (uids.length !== values.length) fail("WeightVecNotEqualSize");
    if (uids.length > sn.neurons.length) fail("UidsLengthExceedUidsInSubNet");
    const uid = this.uidOf(sn, hotkey);
    if (uid === undefined) fail("HotKeyNotRegisteredInSubNet");
    if (this.weightedStakeRao(hotkey, netuid) < Number(this.stakeThreshold))
      fail("NotEnoughStakeToSetWeights");
    if (!(p.weightsVersion === 0 || versionKey >= p.weightsVersion))
      fail("IncorrectWeightVersionKey", `version key ${versionKey} < required ${p.weightsVersion}`);
    const nr = sn.neurons[uid]!;
    if (!p.commitRevealEnabled) {
      const ok = nr.lastUpdate === 0 || this.block - nr.lastUpdate >= p.weightsRateLimit;
      if (!ok)
        fail(
          "SettingWeightsTooFast",
          `last set at block ${nr.lastUpdate}; limit ${p.weightsRateLimit} blocks`,
        );
    }
    const isOwner = hotkey === sn.ownerHotkey;
    if (!(this.isSelfWeight(uid, uids, values) || isOwner || nr.validatorPermit))
      fail("NeuronNoValidatorPermit");
    if (new Set(uids).size !== uids.length) fail("DuplicateUids");
    if (uids.some((u) => u >= sn.neurons.length)) fail("UidVecContainInvalidOne");
    const minAllowed = Math.min(p.minAllowedWeights, sn.neurons.length);
    if (!(this.isSelfWeight(uid, uids, values) || values.length >= minAllowed))
      fail("WeightVecLengthIsLow", `need at least ${minAllowed} weights`);
    const max = Math.max(0, ...values);
    const upscaled = values.map((v) => (max === 0 ? 0 : Math.floor((v * U16_MAX) / max)));
    if (
      !(
        this.isSelfWeight(uid, uids, values) ||
        p.maxWeightLimit === U16_MAX ||
        upscaled.every((v) => v <= p.maxWeightLimit)
      )
    )
      fail("MaxWeightExceeded", `the largest weight exceeds the limit ${p.maxWeightLimit}`);
    sn.weights.set(
      uid,
      uids.map((u, i) => [u, upscaled[i]!]),
    );
    // Spec 293 records activity on every successful set (and reveal).
    nr.lastUpdate = this.block;
    return this.tx("WeightsSet");
  }

  private doCommitWeights(hotkey: string, args: CallArgs): CallResult {
    const netuid = num(args, "netuid");
    const hash = str(args, "commitHash").toLowerCase();
    if (!/^0x[0-9a-f]{64}$/.test(hash))
      throw new ChainError("InvalidCallArguments", "commitHash must be 0x + 64 hex", "rpc");
    const sn = this.subnetOrThrow(netuid);
    const p = sn.params;
    if (!p.commitRevealEnabled) fail("CommitRevealDisabled");
    const uid = this.uidOf(sn, hotkey);
    if (uid === undefined) fail("HotKeyNotRegisteredInSubNet");
    const nr = sn.neurons[uid]!;
    if (!(nr.lastUpdate === 0 || this.block - nr.lastUpdate >= p.weightsRateLimit))
      fail("CommittingWeightsTooFast", `limit ${p.weightsRateLimit} blocks`);
    const epoch = epochIndex(netuid, p.tempo, this.block);
    const commits = (sn.commits.get(hotkey) ?? []).filter((c) => !this.isExpired(sn, c));
    if (commits.length >= 10) fail("TooManyUnrevealedCommits");
    commits.push({ hash, commitBlock: this.block, commitEpoch: epoch });
    sn.commits.set(hotkey, commits);
    // The commit counts as activity for the rate limit (spec 293 sets last_update on commit).
    nr.lastUpdate = this.block;
    return this.tx("WeightsCommitted");
  }

  private isExpired(sn: Subnet, c: WeightCommit): boolean {
    return epochIndex(sn.netuid, sn.params.tempo, this.block) > c.commitEpoch + sn.params.commitRevealPeriod;
  }

  private doRevealWeights(hotkey: string, args: CallArgs): CallResult {
    const netuid = num(args, "netuid");
    const uids = nums(args, "uids");
    const values = nums(args, "values");
    const salt = nums(args, "salt");
    const versionKey = num(args, "versionKey");
    const sn = this.subnetOrThrow(netuid);
    if (!sn.params.commitRevealEnabled) fail("CommitRevealDisabled");
    const all = sn.commits.get(hotkey);
    if (!all || all.length === 0) fail("NoWeightsCommitFound");
    const expired = all.filter((c) => this.isExpired(sn, c));
    const live = all.filter((c) => !this.isExpired(sn, c));
    const provided = commitHash(hotkey, netuid, uids, values, salt, versionKey);
    if (live.length === 0) {
      sn.commits.delete(hotkey);
      fail(expired.some((c) => c.hash === provided) ? "ExpiredWeightCommit" : "NoWeightsCommitFound");
    }
    const pos = live.findIndex((c) => c.hash === provided);
    if (pos < 0) {
      sn.commits.set(hotkey, live);
      fail(
        expired.some((c) => c.hash === provided) ? "ExpiredWeightCommit" : "InvalidRevealCommitHashNotMatch",
      );
    }
    const current = epochIndex(netuid, sn.params.tempo, this.block);
    if (current !== live[pos]!.commitEpoch + sn.params.commitRevealPeriod) {
      sn.commits.set(hotkey, live);
      fail(
        "RevealTooEarly",
        `reveal in epoch ${live[pos]!.commitEpoch + sn.params.commitRevealPeriod}; now ${current}`,
      );
    }
    // Revealed weights go through the same checks as set_weights (but not the commit-reveal guard).
    const result = this.doSetWeights(hotkey, { netuid, uids, weights: values, versionKey }, false);
    const rest = live.slice(pos + 1);
    if (rest.length) sn.commits.set(hotkey, rest);
    else sn.commits.delete(hotkey);
    return { ...result, events: [...result.events, "WeightsRevealed"] };
  }

  private doSudo(who: string, args: CallArgs): CallResult {
    if (who !== this.sudoAddress)
      throw new ChainError("RequireSudo", "only the sudo key may call sudo", "sudo");
    const call = str(args, "call");
    if (call === "network_rate_limit") {
      this.networkRateLimit = num(args, "value");
      return this.tx("Sudid", "NetworkRateLimitSet");
    }
    if (call === "stake_threshold") {
      this.stakeThreshold = BigInt(Math.floor(num(args, "value")));
      return this.tx("Sudid", "StakeThresholdSet");
    }
    const netuid = num(args, "netuid");
    const sn = this.subnets.get(netuid);
    if (!sn) throw new ChainError("SubnetDoesNotExist", `netuid ${netuid} does not exist`, "sudo");
    const p = sn.params;
    const value = args.value;
    const int = (min = 0, max = Number.MAX_SAFE_INTEGER) => {
      if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
        throw new ChainError(
          "InvalidCallArguments",
          `${call} takes a whole number in [${min}, ${max}]`,
          "sudo",
        );
      return value;
    };
    switch (call) {
      case "tempo":
        p.tempo = int(1, U16_MAX);
        break;
      case "weights_set_rate_limit":
        p.weightsRateLimit = int();
        break;
      case "commit_reveal_weights_enabled":
        if (typeof value !== "boolean")
          throw new ChainError("InvalidCallArguments", `${call} takes a boolean`, "sudo");
        p.commitRevealEnabled = value;
        break;
      case "commit_reveal_weights_interval":
        p.commitRevealPeriod = int(1, 100);
        break;
      case "min_allowed_weights":
        p.minAllowedWeights = int(0, U16_MAX);
        break;
      case "max_weight_limit":
        p.maxWeightLimit = int(0, U16_MAX);
        break;
      case "weights_version_key":
        p.weightsVersion = int();
        break;
      case "activity_cutoff":
        p.activityCutoff = int(0, U16_MAX);
        break;
      case "max_allowed_validators":
        if (int(0, U16_MAX) > p.maxAllowedUids)
          throw new ChainError(
            "MaxValidatorsLargerThanMaxUIds",
            "max_allowed_validators > max_allowed_uids",
            "sudo",
          );
        p.maxAllowedValidators = value as number;
        break;
      case "max_allowed_uids":
        if (int(1, U16_MAX) < sn.neurons.length)
          throw new ChainError(
            "MaxAllowedUIdsNotAllowed",
            "cannot go below the current number of uids",
            "sudo",
          );
        p.maxAllowedUids = value as number;
        break;
      case "immunity_period":
        p.immunityPeriod = int(0, U16_MAX);
        break;
      case "serving_rate_limit":
        p.servingRateLimit = int();
        break;
      case "target_registrations_per_interval":
        p.targetRegistrationsPerInterval = int(0, U16_MAX);
        break;
      case "max_registrations_per_block":
        p.maxRegistrationsPerBlock = int(0, U16_MAX);
        break;
      default:
        throw new ChainError("CallNotFound", `unknown sudo call "${call}"`, "sudo");
    }
    return this.tx("Sudid");
  }
}
