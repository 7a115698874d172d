// ChainClient for a SimChain served over HTTP (wire.ts). Calls are signed here, with the local key;
// only the signed call travels. Every request has a deadline; every request opens its own connection
// when needed, so a restarted server is picked up without a reconnect step.
import type { Signer } from "@apex/protocol";
import { type CallArgs, type SignedCall, signCall } from "../sim/signing.js";
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
import { DEFAULT_PORT, type WireError } from "./wire.js";

export const DEFAULT_SIM_ENDPOINT = `http://127.0.0.1:${DEFAULT_PORT}`;

export interface SimChainClientOptions {
  /** Deadline per request; default 10 s. */
  timeoutMs?: number;
  /** Long-poll wait for new blocks; default 20 s. */
  pollWaitMs?: number;
  /** Pause after a failed block poll before trying again (the server may be restarting); default 500 ms. */
  retryDelayMs?: number;
}

type CallResult = TxResult & { netuid?: number; uid?: number };

export class SimChainClient implements ChainClient {
  readonly network: string;
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly pollWaitMs: number;
  private readonly retryDelayMs: number;
  private readonly listeners = new Set<(block: number) => void>();
  private poller: AbortController | undefined;
  private readonly signerQueues = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(url: string = DEFAULT_SIM_ENDPOINT, options: SimChainClientOptions = {}) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`SimChainClient: "${url}" is not a URL; expected e.g. ${DEFAULT_SIM_ENDPOINT}`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
      throw new Error(`SimChainClient: "${url}" must be http(s)://host:port (a served SimChain)`);
    this.base = parsed.toString().replace(/\/$/, "");
    this.network = `served-sim ${this.base}`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.pollWaitMs = options.pollWaitMs ?? 20_000;
    this.retryDelayMs = options.retryDelayMs ?? 500;
  }

  private async request<T>(
    path: string,
    init: RequestInit,
    timeoutMs = this.timeoutMs,
    cancel?: AbortSignal,
  ): Promise<T> {
    if (this.closed) throw new ChainError("ClientClosed", "this SimChainClient has been closed", "transport");
    let res: Response;
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      res = await fetch(`${this.base}${path}`, {
        ...init,
        signal: cancel ? AbortSignal.any([deadline, cancel]) : deadline,
      });
    } catch (err) {
      const e = err as Error;
      if (e.name === "TimeoutError")
        throw new ChainError(
          "Timeout",
          `${path} got no answer within ${timeoutMs} ms from ${this.base}`,
          "timeout",
        );
      throw new ChainError(
        "ConnectionFailed",
        `cannot reach the served SimChain at ${this.base} (${e.message}); is \`apex-localnet chain\` running?`,
        "transport",
      );
    }
    let body: { result?: T; error?: WireError; block?: number };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw new ChainError(
        "BadResponse",
        `${this.base}${path} answered ${res.status} without JSON`,
        "transport",
      );
    }
    if (body.error) {
      const { chainError, message, kind } = body.error;
      // The server's message already starts with the error name; keep only the detail.
      const detail = message.startsWith(`${chainError}: `) ? message.slice(chainError.length + 2) : undefined;
      throw new ChainError(chainError, detail, kind);
    }
    if (!res.ok)
      throw new ChainError("BadResponse", `${this.base}${path} answered ${res.status}`, "transport");
    return (path === "/rpc" ? body.result : body) as T;
  }

  private rpc<T>(method: string, params: unknown = {}): Promise<T> {
    return this.request<T>("/rpc", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ method, params }),
    });
  }

  currentBlock(): Promise<number> {
    return this.rpc<number>("currentBlock");
  }

  metagraph(netuid: number): Promise<Metagraph> {
    return this.rpc<Metagraph>("metagraph", { netuid });
  }

  async hyperparameters(netuid: number): Promise<Hyperparameters> {
    const h = await this.rpc<Omit<Hyperparameters, "burn"> & { burn: string }>("hyperparameters", { netuid });
    return { ...h, burn: BigInt(h.burn) };
  }

  subnetOwnerHotkey(netuid: number): Promise<string | null> {
    return this.rpc<string | null>("subnetOwnerHotkey", { netuid });
  }

  subnetExists(netuid: number): Promise<boolean> {
    return this.rpc<boolean>("subnetExists", { netuid });
  }

  private genesisHash: string | undefined;

  /** The served chain's identity, read once (it goes into every signature). */
  private async genesis(): Promise<string> {
    this.genesisHash ??= (await this.rpc<{ genesisHash: string }>("info", {})).genesisHash;
    return this.genesisHash;
  }

  /** Sign locally with the account's next nonce and submit; one call at a time per signer. */
  private signed(key: Signer, method: string, args: CallArgs): Promise<CallResult> {
    const prev = this.signerQueues.get(key.address) ?? Promise.resolve();
    const run = prev
      .catch(() => undefined)
      .then(async () => {
        for (let attempt = 0; ; attempt++) {
          const nonce = await this.rpc<number>("accountNonce", { address: key.address });
          const call: SignedCall = signCall(key, method, args, nonce, await this.genesis());
          try {
            return await this.rpc<CallResult>("submit", call);
          } catch (err) {
            // Another process used the same key in between: refresh the nonce. A BadProof may be a new chain
            // behind the same URL (a restarted localnet): read its genesis hash again.
            const stale =
              err instanceof ChainError && (err.chainError === "Stale" || err.chainError === "Future");
            const newChain = err instanceof ChainError && err.chainError === "BadProof";
            if (newChain) this.genesisHash = undefined;
            if (!(stale || newChain) || attempt >= 2) throw err;
          }
        }
      });
    this.signerQueues.set(key.address, run);
    return run;
  }

  serveAxon(hotkey: Signer, params: ServeAxonParams): Promise<TxResult> {
    return this.signed(hotkey, "serve_axon", { ...params }).then(strip);
  }

  setWeights(hotkey: Signer, params: SetWeightsParams): Promise<TxResult> {
    return this.signed(hotkey, "set_weights", { ...params }).then(strip);
  }

  commitWeights(hotkey: Signer, netuid: number, commitHash: string): Promise<TxResult> {
    return this.signed(hotkey, "commit_weights", { netuid, commitHash }).then(strip);
  }

  revealWeights(hotkey: Signer, params: RevealWeightsParams): Promise<TxResult> {
    return this.signed(hotkey, "reveal_weights", { ...params }).then(strip);
  }

  async registerNetwork(coldkey: Signer, hotkey: string): Promise<{ netuid: number } & TxResult> {
    const r = await this.signed(coldkey, "register_network", { hotkey });
    if (r.netuid === undefined) throw answeredWithout("register_network", "netuid", this.base);
    return { netuid: r.netuid, block: r.block, events: r.events };
  }

  startCall(coldkey: Signer, netuid: number): Promise<TxResult> {
    return this.signed(coldkey, "start_call", { netuid }).then(strip);
  }

  async burnedRegister(coldkey: Signer, netuid: number, hotkey: string): Promise<{ uid: number } & TxResult> {
    const r = await this.signed(coldkey, "burned_register", { netuid, hotkey });
    if (r.uid === undefined) throw answeredWithout("burned_register", "uid", this.base);
    return { uid: r.uid, block: r.block, events: r.events };
  }

  addStake(coldkey: Signer, hotkey: string, netuid: number, amountRao: bigint): Promise<TxResult> {
    return this.signed(coldkey, "add_stake", { hotkey, netuid, amountStaked: amountRao }).then(strip);
  }

  sudo(sudoKey: Signer, call: SudoCall): Promise<TxResult> {
    return this.signed(sudoKey, "sudo", { ...call }).then(strip);
  }

  onBlock(listener: (block: number) => void): () => void {
    this.listeners.add(listener);
    if (!this.poller && !this.closed) this.startPolling();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.poller?.abort();
        this.poller = undefined;
      }
    };
  }

  private startPolling(): void {
    const ctrl = new AbortController();
    this.poller = ctrl;
    let last = -1;
    const loop = async () => {
      while (!ctrl.signal.aborted) {
        try {
          const { block } = await this.request<{ block: number }>(
            `/blocks?after=${last}&waitMs=${this.pollWaitMs}`,
            { method: "GET" },
            this.pollWaitMs + this.timeoutMs,
            ctrl.signal,
          );
          if (ctrl.signal.aborted) return;
          // A restarted server starts again from a low block: follow it.
          const from = block < last || last < 0 ? block : last + 1;
          for (let b = Math.max(from, block - 1000); b <= block; b++) {
            for (const l of [...this.listeners]) {
              try {
                l(b);
              } catch {
                // A listener's failure must not stop the subscription.
              }
            }
          }
          last = block;
        } catch {
          if (ctrl.signal.aborted) return;
          // Server down or restarting: try again shortly (real time: this is transport back-off).
          await new Promise((r) => setTimeout(r, this.retryDelayMs));
        }
      }
    };
    void loop();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.poller?.abort();
    this.poller = undefined;
    this.listeners.clear();
  }
}

function answeredWithout(call: string, field: string, base: string): ChainError {
  return new ChainError(
    "BadResponse",
    `${base}: ${call} succeeded but the answer has no ${field}`,
    "transport",
  );
}

function strip(r: CallResult): TxResult {
  return { block: r.block, events: r.events };
}
