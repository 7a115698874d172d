// SimChain: an in-process chain that follows subtensor's rules for the calls this project uses.
// Semantics follow subtensor @ f59e608b (spec ~293, the runtime verified locally) unless docs/chain.md says otherwise.
// This class is the public face: the clock, signed-call admission (signature, nonce) and dispatch. The rules live
// in one module per pallet concern, as plain functions over the chain's state (state.ts): blocks.ts (block
// production, epochs), registration.ts, serving.ts, weights.ts, sudo.ts and reads.ts.
import { randomBytes } from "node:crypto";
import { type Clock, type Signer, systemClock } from "@apex/protocol";
import { INITIAL_TAO_WEIGHT_RAW, taoWeightRatio } from "../stake.js";
import {
  type ChainClient,
  ChainError,
  type Hyperparameters,
  type Metagraph,
  type RevealWeightsParams,
  type ServeAxonParams,
  type SetWeightsParams,
  type SudoCall,
  type TxResult,
} from "../types.js";
import { blocksDueAt, produceBlock } from "./blocks.js";
import { normalizeAddress } from "./call-args.js";
import * as reads from "./reads.js";
import * as registration from "./registration.js";
import * as serving from "./serving.js";
import { type CallArgs, type SignedCall, signCall, verifySignedCall } from "./signing.js";
import { ALICE_ADDRESS, type CallResult, createState, RAO_PER_ALPHA, type SimState } from "./state.js";
import * as sudoCalls from "./sudo.js";
import * as weights from "./weights.js";

export { ALICE_ADDRESS, RAO_PER_ALPHA } from "./state.js";

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

export class SimChain implements ChainClient {
  readonly network: string;
  /** Signed calls carry it (signing.ts `callPayload`): a call signed for another chain is refused. */
  readonly genesisHash: string;
  readonly clock: Clock;
  readonly blockTimeMs: number;
  private readonly state: SimState;
  private readonly genesisMs: number;
  private readonly nonces = new Map<string, number>();
  private readonly listeners = new Set<(block: number) => void>();
  private runner: AbortController | undefined;
  private closed = false;

  constructor(options: SimChainOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.blockTimeMs = options.blockTimeMs ?? 250;
    if (!(this.blockTimeMs > 0))
      throw new Error(`SimChain: blockTimeMs must be > 0, got ${this.blockTimeMs}`);
    const sudoAddress = normalizeAddress(options.sudoAddress ?? ALICE_ADDRESS);
    this.network = options.label ?? "sim";
    this.genesisHash = options.genesisHash ?? `0x${randomBytes(32).toString("hex")}`;
    this.state = createState({
      sudoAddress,
      defaults: {
        tempo: options.tempo ?? 10,
        commitReveal: options.commitReveal ?? false,
        weightsRateLimit: options.weightsRateLimit ?? 100,
        emissionPerBlockRao: options.emissionPerBlockRao ?? RAO_PER_ALPHA,
        startCallDelay: options.startCallDelay ?? 10,
      },
      networkRateLimit: options.networkRateLimit ?? 0,
      taoWeight: taoWeightRatio(options.taoWeightRaw ?? INITIAL_TAO_WEIGHT_RAW),
    });
    this.genesisMs = this.clock.now();
    if (options.autoBlocks) this.start();
  }

  // ---------------------------------------------------------------- blocks

  async currentBlock(): Promise<number> {
    return this.state.block;
  }

  get blockNumber(): number {
    return this.state.block;
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
    return this.state.block;
  }

  /** Produce every block whose time has come on the clock (block k is due at genesis + k·blockTime). */
  syncToClock(): number {
    const due = blocksDueAt(this.clock.now(), this.genesisMs, this.blockTimeMs);
    if (due > this.state.block) this.produceBlocks(due - this.state.block);
    return this.state.block;
  }

  /** Produce blocks on the clock until `close()`. */
  start(): void {
    if (this.runner || this.closed) return;
    const ctrl = new AbortController();
    this.runner = ctrl;
    const loop = async () => {
      while (!ctrl.signal.aborted) {
        const nextAt = this.genesisMs + (this.state.block + 1) * this.blockTimeMs;
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
    const b = produceBlock(this.state);
    for (const l of [...this.listeners]) {
      try {
        l(b);
      } catch {
        // A listener's failure must not stop the chain.
      }
    }
  }

  // ---------------------------------------------------------------- reads

  async metagraph(netuid: number): Promise<Metagraph> {
    return reads.metagraph(this.state, netuid);
  }

  async hyperparameters(netuid: number): Promise<Hyperparameters> {
    return reads.hyperparameters(this.state, netuid, this.blockTimeMs);
  }

  async subnetOwnerHotkey(netuid: number): Promise<string | null> {
    return this.state.subnets.get(netuid)?.ownerHotkey ?? null;
  }

  async subnetExists(netuid: number): Promise<boolean> {
    return this.state.subnets.has(netuid);
  }

  /** The next nonce the chain expects from `address`. */
  accountNonce(address: string): number {
    return this.nonces.get(normalizeAddress(address)) ?? 0;
  }

  /** Alpha stake of a hotkey on a subnet (TAO on the root subnet, netuid 0), in rao. */
  stakeOf(hotkey: string, netuid: number): bigint {
    return reads.stakeOf(this.state, hotkey, netuid);
  }

  /** Stored weights of a uid as (uid, u16) pairs (empty when none). */
  weightsOf(netuid: number, uid: number): Array<[number, number]> {
    return reads.weightsOf(this.state, netuid, uid);
  }

  /** Pending hash commits of a hotkey. */
  commitsOf(netuid: number, hotkey: string): Array<{ hash: string; commitBlock: number }> {
    return reads.commitsOf(this.state, netuid, hotkey);
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
    if (r.netuid === undefined) throw new Error("SimChain: register_network succeeded without a netuid");
    return { netuid: r.netuid, block: r.block, events: r.events };
  }

  startCall(coldkey: Signer, netuid: number): Promise<TxResult> {
    return this.signAndSubmit(coldkey, "start_call", { netuid });
  }

  async burnedRegister(coldkey: Signer, netuid: number, hotkey: string): Promise<{ uid: number } & TxResult> {
    const r = await this.signAndSubmit(coldkey, "burned_register", { netuid, hotkey });
    if (r.uid === undefined) throw new Error("SimChain: burned_register succeeded without a uid");
    return { uid: r.uid, block: r.block, events: r.events };
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
        return serving.serveAxon(this.state, who, args);
      case "set_weights":
        return weights.setWeights(this.state, who, args, true);
      case "commit_weights":
        return weights.commitWeights(this.state, who, args);
      case "reveal_weights":
        return weights.revealWeights(this.state, who, args);
      case "register_network":
        return registration.registerNetwork(this.state, who, args);
      case "start_call":
        return registration.startCall(this.state, who, args);
      case "burned_register":
        return registration.burnedRegister(this.state, who, args);
      case "add_stake":
        return registration.addStake(this.state, who, args);
      case "sudo":
        return sudoCalls.sudo(this.state, who, args);
      default:
        throw new ChainError("CallNotFound", `SimChain has no call "${method}"`, "rpc");
    }
  }
}
