// ChainClient for real subtensor nodes (finney, testnet, a local node or chopsticks) through @polkadot/api.
// Reads go through runtime APIs (state_call), never subtensor's custom RPCs; calls are looked up in the metadata by
// name; every RPC has a deadline; nonces are tracked per signer; all failures become one ChainError.
import { type Clock, type Signer, systemClock } from "@apex/protocol";
import { ApiPromise, WsProvider } from "@polkadot/api";
import type { SubmittableExtrinsic } from "@polkadot/api/types";
import { u8aConcat } from "@polkadot/util";
import { decodeAddress } from "@polkadot/util-crypto";
import { ipToU128 } from "../ip.js";
import { INITIAL_TAO_WEIGHT_RAW, taoWeightRatio, totalStake } from "../stake.js";
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
import {
  adminCallFor,
  chooseTimelockCall,
  chooseWeightsCall,
  hyperparametersFrom,
  neuronFromLite,
  poolRejection,
  resolveEndpoints,
  stakesFromSubnetState,
  type TxSections,
} from "./codec.js";
import { devNewBlocks, servesDevBlocks } from "./dev-blocks.js";
import { encodeWeightsPayload, QUICKNET, revealRound, tlockEncrypt } from "./tlock.js";

export interface SubtensorClientOptions {
  /** Network name ("finney" | "test" | "local"), a ws/wss URL, or a list of URLs tried in order. */
  endpoints: string | readonly string[];
  /** Deadline for every RPC, ms (default 30 000). */
  rpcTimeoutMs?: number;
  /** Deadline for a transaction to reach a block, ms (default 120 000). */
  txTimeoutMs?: number;
  /** Reconnect backoff: first delay and cap, ms (defaults 1 000 and 30 000). */
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /** Time source for deadlines, backoff and the drand reveal-round estimate. */
  clock?: Clock;
  /** drand quicknet public key used for timelocked commits (tests may override). */
  drandPublicKey?: string;
}

type AnyFn = (...args: unknown[]) => SubmittableExtrinsic<"promise">;
type SubmitResult = Parameters<
  Extract<Parameters<SubmittableExtrinsic<"promise">["signAndSend"]>[2], (r: never) => void>
>[0];
type EventRecord = SubmitResult["events"][number];
type DispatchError = SubmitResult["dispatchError"] & object;

/** What @polkadot/api signs with (structurally its KeyringPairLike). */
export interface KeyringPairLike {
  readonly address: string;
  readonly addressRaw: Uint8Array;
  readonly publicKey: Uint8Array;
  sign(data: Uint8Array, options?: { withType?: boolean }): Uint8Array;
}
type Json = Record<string, unknown>;

/**
 * @polkadot/api signs with a KeyringPair-like object whose `sign(data, {withType})` prefixes the key type byte.
 * Our `Signer` only returns the raw 64-byte signature, so plain Signers are treated as sr25519 (what bittensor
 * wallets are) and get the 0x01 prefix here. A real KeyringPair is passed through untouched.
 */
export function toKeyringPair(signer: Signer): KeyringPairLike {
  const maybePair = signer as Signer & Partial<KeyringPairLike> & { type?: string };
  if (maybePair.addressRaw && typeof maybePair.type === "string") return maybePair as KeyringPairLike;
  return {
    address: signer.address,
    addressRaw: decodeAddress(signer.address),
    publicKey: signer.publicKey,
    sign: (data: Uint8Array, options?: { withType?: boolean }) => {
      const sig = signer.sign(data);
      return options?.withType ? u8aConcat(Uint8Array.of(1), sig) : sig;
    },
  };
}

export class SubtensorClient implements ChainClient {
  readonly network: string;
  private readonly endpoints: string[];
  private readonly clock: Clock;
  private readonly rpcTimeoutMs: number;
  private readonly txTimeoutMs: number;
  private readonly reconnectBaseMs: number;
  private readonly reconnectMaxMs: number;
  private readonly drandPublicKey: string;
  private provider: WsProvider | null = null;
  private apiInstance: ApiPromise | null = null;
  private closed = false;
  private reconnecting = false;
  private readonly nonces = new Map<string, number>();
  private readonly signerQueues = new Map<string, Promise<unknown>>();
  private readonly blockListeners = new Set<(block: number) => void>();
  private unsubscribeHeads: (() => void) | null = null;
  private unsubscribeRuntime: (() => void) | null = null;
  /** spec_name and spec_version of the connected runtime, e.g. "node-subtensor 293". */
  runtime = "";

  constructor(options: SubtensorClientOptions) {
    this.endpoints = resolveEndpoints(options.endpoints);
    this.network = typeof options.endpoints === "string" ? options.endpoints : this.endpoints.join(",");
    this.clock = options.clock ?? systemClock;
    this.rpcTimeoutMs = options.rpcTimeoutMs ?? 30_000;
    this.txTimeoutMs = options.txTimeoutMs ?? 120_000;
    this.reconnectBaseMs = options.reconnectBaseMs ?? 1_000;
    this.reconnectMaxMs = options.reconnectMaxMs ?? 30_000;
    this.drandPublicKey = options.drandPublicKey ?? QUICKNET.publicKey;
  }

  /** Connects to the first endpoint that answers, within the RPC deadline per endpoint. */
  async connect(): Promise<void> {
    if (this.apiInstance) return;
    let lastError: unknown;
    for (const endpoint of this.endpoints) {
      try {
        await this.connectTo(endpoint);
        return;
      } catch (error) {
        lastError = error;
      }
    }
    if (lastError instanceof ChainError) throw lastError;
    throw new ChainError(
      "ConnectFailed",
      `no endpoint answered (${this.endpoints.join(", ")}): ${String(lastError)}`,
      "transport",
    );
  }

  private async connectTo(endpoint: string): Promise<void> {
    // autoConnectMs 0: we reconnect ourselves, with backoff and endpoint rotation.
    const provider = new WsProvider(endpoint, 0, undefined, this.rpcTimeoutMs);
    try {
      await this.deadline(provider.connect(), `connect to ${endpoint}`);
      await this.deadline(provider.isReady, `connect to ${endpoint}`);
      const api = await this.deadline(
        ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true }),
        `initialise the API at ${endpoint}`,
      );
      this.provider = provider;
      this.apiInstance = api;
    } catch (error) {
      await provider.disconnect().catch(() => undefined);
      throw error;
    }
    const version = this.apiInstance.runtimeVersion;
    this.runtime = `${version.specName.toString()} ${version.specVersion.toString()}`;
    provider.on("disconnected", () => void this.reconnect());
    // @polkadot/api re-reads the metadata itself when spec_version changes; we track it for `runtime`
    // and drop cached nonces, since an upgrade can come with migrations.
    const unsubRuntime = await this.deadline(
      this.apiInstance.rpc.state.subscribeRuntimeVersion((v) => {
        const label = `${v.specName.toString()} ${v.specVersion.toString()}`;
        if (label !== this.runtime) {
          this.runtime = label;
          this.nonces.clear();
        }
      }),
      "subscribe to runtime version",
    );
    this.unsubscribeRuntime = unsubRuntime;
    if (this.blockListeners.size > 0) await this.subscribeHeads();
  }

  private async reconnect(): Promise<void> {
    if (this.closed || this.reconnecting) return;
    this.reconnecting = true;
    const old = this.apiInstance;
    this.apiInstance = null;
    this.unsubscribeHeads = null;
    this.unsubscribeRuntime = null;
    this.nonces.clear();
    await old?.disconnect().catch(() => undefined);
    let delay = this.reconnectBaseMs;
    let attempt = 0;
    while (!this.closed) {
      const endpoint = this.endpoints[attempt % this.endpoints.length];
      if (endpoint === undefined) break; // never: the constructor refuses an empty list
      attempt++;
      try {
        await this.connectTo(endpoint);
        break;
      } catch {
        await this.clock.sleep(delay);
        delay = Math.min(this.reconnectMaxMs, delay * 2);
      }
    }
    this.reconnecting = false;
  }

  private get api(): ApiPromise {
    if (!this.apiInstance) {
      throw new ChainError(
        this.reconnecting ? "Reconnecting" : "NotConnected",
        this.reconnecting ? "the connection dropped and is being re-established" : "call connect() first",
        "transport",
      );
    }
    return this.apiInstance;
  }

  /** Races `promise` against the RPC deadline; a call that never answers becomes ChainError(…, "timeout"). */
  private async deadline<T>(promise: Promise<T>, what: string, ms = this.rpcTimeoutMs): Promise<T> {
    const abort = new AbortController();
    const timer = this.clock.sleep(ms, abort.signal).then(
      () => {
        throw new ChainError("Timeout", `${what} did not answer within ${ms} ms`, "timeout");
      },
      () => undefined as never,
    );
    try {
      return await Promise.race([promise, timer]);
    } catch (error) {
      if (error instanceof ChainError) throw error;
      throw poolRejection(error) ?? new ChainError("RpcError", `${what}: ${errorText(error)}`, "rpc");
    } finally {
      abort.abort();
    }
  }

  // ---- reads ----

  async currentBlock(): Promise<number> {
    const header = await this.deadline(this.api.rpc.chain.getHeader(), "chain_getHeader");
    return header.number.toNumber();
  }

  onBlock(listener: (block: number) => void): () => void {
    this.blockListeners.add(listener);
    if (this.blockListeners.size === 1 && this.apiInstance) void this.subscribeHeads().catch(() => undefined);
    return () => {
      this.blockListeners.delete(listener);
      if (this.blockListeners.size === 0) {
        this.unsubscribeHeads?.();
        this.unsubscribeHeads = null;
      }
    };
  }

  private async subscribeHeads(): Promise<void> {
    if (this.unsubscribeHeads) return;
    this.unsubscribeHeads = await this.deadline(
      this.api.rpc.chain.subscribeNewHeads((header) => {
        const n = header.number.toNumber();
        for (const l of this.blockListeners) l(n);
      }),
      "chain_subscribeNewHeads",
    );
  }

  private runtimeCall(
    api: string,
    method: string,
  ): ((...args: unknown[]) => Promise<{ toJSON(): unknown }>) | null {
    const section = (this.api.call as unknown as Record<string, Record<string, unknown> | undefined>)[api];
    const fn = section?.[method];
    return typeof fn === "function" ? (fn as (...args: unknown[]) => Promise<{ toJSON(): unknown }>) : null;
  }

  private async query(
    section: string,
    item: string,
    ...keys: unknown[]
  ): Promise<{ toJSON(): unknown } | null> {
    const fn = (this.api.query as unknown as Record<string, Record<string, unknown> | undefined>)[section]?.[
      item
    ];
    if (typeof fn !== "function") return null;
    return this.deadline(
      (fn as (...a: unknown[]) => Promise<{ toJSON(): unknown }>)(...keys),
      `${section}.${item}`,
    );
  }

  async metagraph(netuid: number): Promise<Metagraph> {
    const getNeuronsLite = this.runtimeCall("neuronInfoRuntimeApi", "getNeuronsLite");
    if (!getNeuronsLite) {
      throw new ChainError(
        "RuntimeApiMissing",
        "this runtime has no NeuronInfoRuntimeApi.get_neurons_lite",
        "rpc",
      );
    }
    const [block, lite] = await Promise.all([
      this.currentBlock(),
      this.deadline(getNeuronsLite(netuid), "NeuronInfoRuntimeApi_get_neurons_lite"),
    ]);
    const [registeredAt, taoWeight, stakes] = await Promise.all([
      this.registrationBlocks(netuid),
      this.taoWeight(),
      this.subnetStakes(netuid),
    ]);
    const neurons = ((lite.toJSON() ?? []) as Json[]).map((raw) => {
      const n = neuronFromLite(raw);
      // Total stake as the chain weighs it: inherited alpha + inherited TAO × TaoWeight (stake.ts).
      const alpha = stakes?.alpha[n.uid] ?? n.stake;
      const tao = stakes?.tao[n.uid] ?? 0;
      return {
        ...n,
        registeredAt: registeredAt[n.uid] ?? 0,
        taoStake: tao,
        totalStake: totalStake(alpha, tao, taoWeight),
      };
    });
    neurons.sort((a, b) => a.uid - b.uid);
    return { netuid, block, taoWeight, neurons };
  }

  /** SubtensorModule.TaoWeight as a ratio; the runtime's initial value where the storage item is absent. */
  private async taoWeight(): Promise<number> {
    const raw = await this.query("subtensorModule", "taoWeight");
    const v = raw?.toJSON();
    return taoWeightRatio(
      v === null || v === undefined ? INITIAL_TAO_WEIGHT_RAW : BigInt(v as string | number),
    );
  }

  /** Per-uid inherited alpha and TAO stake from SubnetInfoRuntimeApi.get_subnet_state; null where unavailable. */
  private async subnetStakes(netuid: number): Promise<{ alpha: number[]; tao: number[] } | null> {
    const getState = this.runtimeCall("subnetInfoRuntimeApi", "getSubnetState");
    if (!getState) return null;
    try {
      return stakesFromSubnetState(
        (await this.deadline(getState(netuid), "SubnetInfoRuntimeApi_get_subnet_state")).toJSON(),
      );
    } catch {
      return null;
    }
  }

  /** `block_at_registration` per uid: metagraph runtime API field 66 when selective reads exist, else storage. */
  private async registrationBlocks(netuid: number): Promise<number[]> {
    const selective = this.runtimeCall("subnetInfoRuntimeApi", "getSelectiveMetagraph");
    if (selective) {
      const res = (
        await this.deadline(selective(netuid, [66]), "SubnetInfoRuntimeApi_get_selective_metagraph")
      ).toJSON() as Json | null;
      const list = (res?.["block_at_registration"] ?? res?.["blockAtRegistration"]) as
        | unknown[]
        | null
        | undefined;
      if (Array.isArray(list)) return list.map((v) => Number(v));
    }
    const entriesFn = (this.api.query as unknown as Record<string, Record<string, { entries?: unknown }>>)[
      "subtensorModule"
    ]?.["blockAtRegistration"]?.entries;
    if (typeof entriesFn !== "function") return [];
    const entries = (await this.deadline(
      (
        entriesFn as (
          n: number,
        ) => Promise<Array<[{ args: Array<{ toJSON(): unknown }> }, { toJSON(): unknown }]>>
      )(netuid),
      "SubtensorModule.BlockAtRegistration",
    )) as Array<[{ args: Array<{ toJSON(): unknown }> }, { toJSON(): unknown }]>;
    const out: number[] = [];
    for (const [key, value] of entries) out[Number(key.args[1]?.toJSON())] = Number(value.toJSON());
    return out;
  }

  async hyperparameters(netuid: number): Promise<Hyperparameters> {
    const fn =
      this.runtimeCall("subnetInfoRuntimeApi", "getSubnetHyperparamsV3") ??
      this.runtimeCall("subnetInfoRuntimeApi", "getSubnetHyperparamsV2") ??
      this.runtimeCall("subnetInfoRuntimeApi", "getSubnetHyperparams");
    if (!fn)
      throw new ChainError(
        "RuntimeApiMissing",
        "this runtime has no SubnetInfoRuntimeApi hyperparams",
        "rpc",
      );
    const raw = (
      await this.deadline(fn(netuid), "SubnetInfoRuntimeApi_get_subnet_hyperparams")
    ).toJSON() as Json | null;
    if (!raw) throw new ChainError("SubnetNotExists", `subnet ${netuid} does not exist`, "rpc");
    const [maxUids, burn] = await Promise.all([
      this.query("subtensorModule", "maxAllowedUids", netuid),
      this.query("subtensorModule", "burn", netuid),
    ]);
    return hyperparametersFrom(raw, {
      maxAllowedUids: Number(maxUids?.toJSON() ?? 0),
      burn: BigInt(String(burn?.toJSON() ?? 0)),
      blockTimeMs: this.blockTimeMs(),
    });
  }

  /** Block time from the runtime constants: Aura slot = 2 × Timestamp.MinimumPeriod. */
  private blockTimeMs(): number {
    const consts = this.api.consts as unknown as Record<
      string,
      Record<string, { toString(): string } | undefined>
    >;
    const expected = consts["babe"]?.["expectedBlockTime"];
    if (expected) return Number(expected.toString());
    const min = consts["timestamp"]?.["minimumPeriod"];
    return min ? Number(min.toString()) * 2 : 12_000;
  }

  async subnetExists(netuid: number): Promise<boolean> {
    const added = await this.query("subtensorModule", "networksAdded", netuid);
    return Boolean(added?.toJSON());
  }

  async subnetOwnerHotkey(netuid: number): Promise<string | null> {
    if (!(await this.subnetExists(netuid))) return null;
    const owner = await this.query("subtensorModule", "subnetOwnerHotkey", netuid);
    return owner ? String(owner.toJSON()) : null;
  }

  /**
   * The subnet's `Incentive` storage as the runtime wrote it at its last epoch (u16 per uid, here / 65535), read
   * directly rather than through a runtime API: what a check of "the runtime paid incentive" should look at.
   */
  async incentiveStorage(netuid: number): Promise<number[]> {
    const raw = await this.query("subtensorModule", "incentive", netuid);
    if (!raw) throw new ChainError("StorageNotFound", "this runtime has no SubtensorModule.Incentive", "rpc");
    return (raw.toJSON() as number[]).map((v) => Number(v) / 65535);
  }

  // ---- dev chains ----

  /** True when the node serves chopsticks' `dev_newBlock` (a chopsticks-run runtime; real nodes do not). */
  async supportsDevBlocks(): Promise<boolean> {
    const provider = this.connectedProvider();
    return this.deadline(
      servesDevBlocks((m, p) => provider.send(m, p)),
      "rpc_methods",
    );
  }

  /**
   * Builds `n` empty blocks at once through chopsticks' `dev_newBlock` (the scenarios' `advanceBlocks`). Fails with
   * `DevBlocksUnsupported` on a node that does not serve it; there, blocks can only be awaited.
   */
  async devAdvanceBlocks(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`block count must be a whole number ≥ 0, got ${n}`);
    if (n === 0) return;
    const provider = this.connectedProvider();
    try {
      // Each block runs the runtime (epochs included), so allow the deadline per block.
      await this.deadline(
        devNewBlocks((m, p) => provider.send(m, p), n),
        `dev_newBlock ×${n}`,
        this.rpcTimeoutMs * n,
      );
    } catch (error) {
      if (error instanceof ChainError && /method not found|-32601/i.test(error.message)) {
        throw new ChainError(
          "DevBlocksUnsupported",
          `${this.network} does not serve dev_newBlock (only chopsticks does); wait for real blocks instead`,
          "rpc",
        );
      }
      throw error;
    }
  }

  private connectedProvider(): WsProvider {
    if (!this.provider || !this.apiInstance) {
      throw new ChainError("NotConnected", "call connect() first (or wait for the reconnect)", "transport");
    }
    return this.provider;
  }

  // ---- calls ----

  private tx(section: string, method: string): AnyFn {
    const fn = (this.api.tx as unknown as Record<string, Record<string, AnyFn> | undefined>)[section]?.[
      method
    ];
    if (!fn) throw new ChainError("CallNotFound", `this runtime has no ${section}.${method}`, "rpc");
    return fn;
  }

  async serveAxon(hotkey: Signer, p: ServeAxonParams): Promise<TxResult> {
    const { ip, ipType } = ipToU128(p.ip);
    if (ipType !== p.ipType) {
      throw new ChainError(
        "InvalidIpType",
        `ip ${p.ip} is IPv${ipType} but ipType ${p.ipType} was given`,
        "rpc",
      );
    }
    const call = this.tx("subtensorModule", "serveAxon")(
      p.netuid,
      p.version,
      ip,
      p.port,
      p.ipType,
      p.protocol,
      p.placeholder1,
      p.placeholder2,
    );
    return this.submit(hotkey, call);
  }

  async setWeights(hotkey: Signer, p: SetWeightsParams): Promise<TxResult> {
    const choice = chooseWeightsCall(this.api.tx as unknown as TxSections);
    const fn = this.tx("subtensorModule", choice.method);
    const call =
      choice.method === "setMechanismWeights"
        ? fn(p.netuid, choice.mecid, p.uids, p.weights, p.versionKey)
        : fn(p.netuid, p.uids, p.weights, p.versionKey);
    return this.submit(hotkey, call);
  }

  async commitWeights(hotkey: Signer, netuid: number, commitHash: string): Promise<TxResult> {
    return this.submit(hotkey, this.tx("subtensorModule", "commitWeights")(netuid, commitHash));
  }

  async revealWeights(hotkey: Signer, p: RevealWeightsParams): Promise<TxResult> {
    const call = this.tx("subtensorModule", "revealWeights")(
      p.netuid,
      p.uids,
      p.values,
      p.salt,
      p.versionKey,
    );
    return this.submit(hotkey, call);
  }

  /**
   * Timelocked (drand) commit, as the python SDK does when commit-reveal is on: the chain decrypts it by itself
   * once the drand pulse for `revealRound` is on chain, and applies the weights. There is no reveal call.
   */
  async commitTimelockedWeights(
    hotkey: Signer,
    p: SetWeightsParams,
  ): Promise<{ revealRound: number } & TxResult> {
    const choice = chooseTimelockCall(this.api.tx as unknown as TxSections);
    const [block, hyper, period, version] = await Promise.all([
      this.currentBlock(),
      this.hyperparameters(p.netuid),
      this.query("subtensorModule", "revealPeriodEpochs", p.netuid),
      this.query("subtensorModule", "commitRevealWeightsVersion"),
    ]);
    const { revealRound: round } = revealRound({
      tempo: hyper.tempo,
      currentBlock: block,
      netuid: p.netuid,
      revealPeriodEpochs: Number(period?.toJSON() ?? hyper.commitRevealPeriod ?? 1),
      blockTimeSeconds: hyper.blockTimeMs / 1000,
      nowSeconds: this.clock.now() / 1000,
    });
    const payload = encodeWeightsPayload(hotkey.publicKey, p.uids, p.weights, p.versionKey);
    const commit = tlockEncrypt(payload, round, this.drandPublicKey);
    const fn = this.tx("subtensorModule", choice.method);
    const call = choice.withVersion
      ? fn(p.netuid, commit, round, Number(version?.toJSON() ?? 4))
      : fn(p.netuid, commit, round);
    return { revealRound: round, ...(await this.submit(hotkey, call)) };
  }

  async registerNetwork(coldkey: Signer, hotkey: string): Promise<{ netuid: number } & TxResult> {
    const { result, records } = await this.submitWithEvents(
      coldkey,
      this.tx("subtensorModule", "registerNetwork")(hotkey),
    );
    const added = records.find(
      (r) => r.event.section === "subtensorModule" && r.event.method === "NetworkAdded",
    );
    if (!added)
      throw new ChainError(
        "EventMissing",
        "register_network was included but emitted no NetworkAdded",
        "rpc",
      );
    return { netuid: Number(added.event.data[0]?.toJSON()), ...result };
  }

  async startCall(coldkey: Signer, netuid: number): Promise<TxResult> {
    return this.submit(coldkey, this.tx("subtensorModule", "startCall")(netuid));
  }

  async burnedRegister(coldkey: Signer, netuid: number, hotkey: string): Promise<{ uid: number } & TxResult> {
    const { result, records } = await this.submitWithEvents(
      coldkey,
      this.tx("subtensorModule", "burnedRegister")(netuid, hotkey),
    );
    const reg = records.find(
      (r) => r.event.section === "subtensorModule" && r.event.method === "NeuronRegistered",
    );
    if (!reg)
      throw new ChainError(
        "EventMissing",
        "burned_register was included but emitted no NeuronRegistered",
        "rpc",
      );
    return { uid: Number(reg.event.data[1]?.toJSON()), ...result };
  }

  async addStake(coldkey: Signer, hotkey: string, netuid: number, amountRao: bigint): Promise<TxResult> {
    return this.submit(coldkey, this.tx("subtensorModule", "addStake")(hotkey, netuid, amountRao));
  }

  /** balances.transfer_keep_alive: funds a fresh coldkey on a dev chain (bootstrap). */
  async transfer(from: Signer, to: string, amountRao: bigint): Promise<TxResult> {
    return this.submit(from, this.tx("balances", "transferKeepAlive")(to, amountRao));
  }

  async sudo(sudoKey: Signer, call: SudoCall): Promise<TxResult> {
    const { method, args } = adminCallFor(call);
    const inner = this.tx("adminUtils", method)(...args);
    return this.submit(sudoKey, this.tx("sudo", "sudo")(inner));
  }

  private async submit(signer: Signer, call: SubmittableExtrinsic<"promise">): Promise<TxResult> {
    return (await this.submitWithEvents(signer, call)).result;
  }

  /**
   * Signs with a tracked nonce and waits for inclusion. Per signer, submissions are serialised until the pool has
   * accepted the previous one, so nonces stay in order; a rejection drops the cached nonce (re-read next time).
   */
  private async submitWithEvents(
    signer: Signer,
    call: SubmittableExtrinsic<"promise">,
  ): Promise<{ result: TxResult; records: EventRecord[] }> {
    const pair = toKeyringPair(signer);
    const key = pair.address;
    const previous = this.signerQueues.get(key) ?? Promise.resolve();
    let releaseQueue!: () => void;
    const accepted = new Promise<void>((resolve) => {
      releaseQueue = resolve;
    });
    const turn = previous.then(() => accepted);
    this.signerQueues.set(key, turn);
    await previous.catch(() => undefined);
    try {
      let nonce = this.nonces.get(key);
      if (nonce === undefined) {
        const next = await this.deadline(
          this.api.rpc.system.accountNextIndex(key),
          "system_accountNextIndex",
        );
        nonce = next.toNumber();
      }
      const inBlock = this.watch(call, pair, nonce, () => {
        this.nonces.set(key, nonce + 1);
        releaseQueue();
      });
      const outcome = await this.deadline(
        inBlock,
        `${call.method.section}.${call.method.method}`,
        this.txTimeoutMs,
      );
      return outcome;
    } catch (error) {
      this.nonces.delete(key);
      throw error;
    } finally {
      releaseQueue();
      if (this.signerQueues.get(key) === turn) this.signerQueues.delete(key);
    }
  }

  private watch(
    call: SubmittableExtrinsic<"promise">,
    pair: KeyringPairLike,
    nonce: number,
    onAccepted: () => void,
  ): Promise<{ result: TxResult; records: EventRecord[] }> {
    return new Promise((resolve, reject) => {
      let unsub: (() => void) | undefined;
      let done = false;
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        unsub?.();
        fn();
      };
      call
        .signAndSend(pair, { nonce }, (res: SubmitResult) => {
          const { status } = res;
          if (status.isReady || status.isBroadcast || status.isFuture) onAccepted();
          if (status.isInBlock || status.isFinalized) {
            onAccepted();
            finish(() => {
              try {
                resolve(this.outcome(res));
              } catch (error) {
                reject(error);
              }
            });
          } else if (status.isDropped || status.isInvalid || status.isUsurped) {
            finish(() =>
              reject(
                new ChainError(status.type, `transaction ${status.type.toLowerCase()} by the pool`, "pool"),
              ),
            );
          }
        })
        .then(
          (u) => {
            unsub = u;
            if (done) u();
          },
          (error: unknown) =>
            finish(() => reject(poolRejection(error) ?? new ChainError("RpcError", errorText(error), "rpc"))),
        );
    });
  }

  /** ExtrinsicFailed → the module error's name; Sudo.Sudid(Err) → the inner error's name. */
  private outcome(res: SubmitResult): { result: TxResult; records: EventRecord[] } {
    const records = res.events;
    const block = Number((res as { blockNumber?: { toNumber(): number } }).blockNumber?.toNumber() ?? 0);
    for (const { event } of records) {
      if (event.section === "system" && event.method === "ExtrinsicFailed") {
        throw this.dispatchError(event.data[0] as DispatchError, "module");
      }
      if (event.section === "sudo" && event.method === "Sudid") {
        const result = event.data[0] as unknown as { isErr: boolean; asErr: DispatchError };
        if (result.isErr) throw this.dispatchError(result.asErr, "sudo");
      }
    }
    return { result: { block, events: records.map((r) => r.event.method) }, records };
  }

  private dispatchError(err: DispatchError, kind: "module" | "sudo"): ChainError {
    if (err.isModule) {
      const meta = this.api.registry.findMetaError(err.asModule);
      return new ChainError(meta.name, `${meta.section}.${meta.name}: ${meta.docs.join(" ").trim()}`, kind);
    }
    if (err.isToken) return new ChainError(err.asToken.type, `token error ${err.asToken.type}`, kind);
    if (err.isArithmetic) return new ChainError(err.asArithmetic.type, `arithmetic error`, kind);
    return new ChainError(err.type, `dispatch error ${err.type}`, kind);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribeHeads?.();
    this.unsubscribeRuntime?.();
    this.blockListeners.clear();
    const api = this.apiInstance;
    this.apiInstance = null;
    await api?.disconnect().catch(() => undefined);
    await this.provider?.disconnect().catch(() => undefined);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
