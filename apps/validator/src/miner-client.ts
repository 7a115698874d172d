// Talks to miners: Epistula-signed POSTs with a TOTAL deadline, a response-size cap, bounded concurrency and
// keep-alive connection reuse. Every failure (status, timeout, reset, oversize, redirect) is "no answer" (null).
import { setMaxListeners } from "node:events";
import http from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import {
  type Clock,
  decodeReplyBody,
  encodeRequestBody,
  epistulaReady,
  fastSigner,
  MINER_ROUTE,
  type MinerRequest,
  SecretSignatureCache,
  type Signer,
  sha256Hex,
  signEpistula,
  systemClock,
} from "@apex/protocol";

export interface MinerTarget {
  /** Base URL, e.g. http://1.2.3.4:8091 */
  address: string;
  hotkey: string;
}

export interface MinerReply {
  /** Body text on a 2xx reply; null on any failure. */
  text: string | null;
  latencyMs: number;
  /** Why there was no answer (for logs and metrics). */
  error?: string;
  status?: number;
}

// Also for a declared non-UTF-8 charset the bytes do not fit (see decodeReplyBody).
const INVALID_UTF8 = "reply is not valid UTF-8";

/**
 * Idle keep-alive sockets to miners are closed after this long (ms). A miner that closes idle sockets sooner races
 * the client's reuse of them (a reused socket reset by the server is a lost request), so our own miners outlast it.
 */
export const DEFAULT_IDLE_SOCKET_TIMEOUT_MS = 60_000;

/**
 * Why a miner's answer did not arrive, in a few stable words for counts and reports: "timeout", "http_429" (any
 * status), "transport" (refused, reset, oversize reply, bad address), or "invalid_answer" (arrived but is not an
 * answer: bad UTF-8 here, or a discriminator reply that is not "0"/"1", judged by the round).
 */
export type MissReason = "timeout" | "transport" | "invalid_answer" | `http_${number}`;

export function missReason(reply: MinerReply): MissReason | null {
  if (reply.text !== null) return null;
  if (reply.status !== undefined && (reply.status < 200 || reply.status >= 300))
    return `http_${reply.status}`;
  if (reply.error === "timeout") return "timeout";
  if (reply.error === INVALID_UTF8) return "invalid_answer";
  return "transport";
}

export interface MinerClientOptions {
  timeoutMs: number;
  maxResponseBytes: number;
  maxConcurrency: number;
  /** Real-time source for latencies; the deadline also caps on real time so a virtual clock cannot hang a socket. */
  monotonic?: () => number;
  fetchImpl?: typeof fetch;
  /**
   * Clock for Epistula timestamps (default: the client's clock), or one per miner hotkey. A miner checks the
   * timestamp against its own clock: a localnet on a virtual clock stamps its own miners (on the same virtual
   * clock) with virtual time and outside miners (on their wall clock) with wall time.
   */
  stampClock?: Clock | ((minerHotkey: string) => Clock);
  /**
   * Idle keep-alive sockets kept across all miners (default 1024, four subnets' worth, so every miner's
   * connection is reused). Past it the longest-idle socket is closed, so idle sockets cannot grow without bound.
   */
  maxIdleSockets?: number;
  /** Idle keep-alive sockets are closed after this long unused (default 60 s). */
  idleSocketTimeoutMs?: number;
}

/**
 * Keep-alive agents bounded in idle sockets across ALL origins. node's maxFreeSockets is per origin and
 * maxTotalSockets also counts idle sockets, so with it a request to a new miner can wait behind idle sockets of
 * other miners; instead, the longest-idle socket is closed when a newly idle one would pass the bound.
 */
function boundIdleSockets<A extends http.Agent>(agent: A, maxIdle: number): A {
  // Insertion order is idle order: a socket is deleted when reused and added again when idle.
  const idle = new Set<Duplex>();
  const watched = new WeakSet<Duplex>();
  // Typed void in @types/node, but node returns whether the socket may stay (a server's short keep-alive hint).
  const keep = agent.keepSocketAlive.bind(agent) as (socket: Duplex) => boolean | undefined;
  const patched = (socket: Duplex): boolean => {
    if (keep(socket) === false) return false;
    // One close listener per socket for its whole life (not per reuse).
    if (!watched.has(socket)) {
      watched.add(socket);
      socket.once("close", () => idle.delete(socket));
    }
    idle.add(socket);
    while (idle.size > maxIdle) {
      const oldest = idle.values().next().value;
      if (oldest === undefined) break;
      idle.delete(oldest);
      // Destroyed while idle: the agent drops it from its free list on close.
      oldest.destroy();
    }
    return idle.has(socket);
  };
  agent.keepSocketAlive = patched;
  const reuse = agent.reuseSocket.bind(agent);
  agent.reuseSocket = (socket, req) => {
    idle.delete(socket);
    reuse(socket, req);
  };
  return agent;
}

interface Endpoint {
  url: string;
  /** False when the address is not an http(s) URL: every request to it fails with a clear error. */
  ok: boolean;
  tls: boolean;
  hostname: string;
  port: number;
  path: string;
  hostHeader: string;
}

/** A counting semaphore: at most `max` holders at a time, FIFO. */
export class Semaphore {
  private active = 0;
  private waiters: Array<() => void> = [];
  constructor(private readonly max: number) {}
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active >= this.max) {
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        const onAbort = () => {
          this.waiters = this.waiters.filter((w) => w !== wake);
          reject(signal?.reason ?? new Error("aborted"));
        };
        this.waiters.push(wake);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    }
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiters.shift()?.();
    };
  }
}

/**
 * An AbortSignal that fires after `ms` of the injected clock OR `ms` of real time, whichever comes first,
 * or when `parent` aborts. `dispose` clears the timers.
 */
// As upstream's resp.text(): a reply that does not decode is no answer, never text with U+FFFD in it; a BOM stays.
function decodeReply(bytes: Uint8Array, contentType: string | null | undefined): string {
  const text = decodeReplyBody(bytes, contentType);
  if (text === null) throw new Error(INVALID_UTF8);
  return text;
}

export function deadlineSignal(
  clock: Clock,
  ms: number,
  parent?: AbortSignal,
): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const timeoutError = () =>
    Object.assign(new Error(`deadline of ${ms} ms passed`), { name: "TimeoutError" });
  // Wall time on purpose: on a virtual clock that stands still during a round, a hung socket must still end.
  const real = setTimeout(() => ac.abort(timeoutError()), ms);
  // On the system clock the real timer is the clock's timer: a second one per request is only garbage.
  const stopClock = clock === systemClock ? undefined : new AbortController();
  if (stopClock) {
    clock.sleep(ms, stopClock.signal).then(
      () => ac.abort(timeoutError()),
      () => {},
    );
  }
  const onParent = () => ac.abort(parent?.reason);
  // One round's signal is the parent of every request in it (50+ listeners, each removed on dispose).
  if (parent) setMaxListeners(0, parent);
  if (parent?.aborted) ac.abort(parent.reason);
  else parent?.addEventListener("abort", onParent, { once: true });
  return {
    signal: ac.signal,
    dispose: () => {
      clearTimeout(real);
      stopClock?.abort();
      parent?.removeEventListener("abort", onParent);
    },
  };
}

export class MinerClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly sem: Semaphore;
  private readonly monotonic: () => number;

  constructor(
    private readonly hotkey: Signer,
    private readonly clock: Clock,
    private readonly opts: MinerClientOptions,
  ) {
    // Keep-alive reuses sockets across rounds; maxSockets bounds parallel connections per miner (the semaphore
    // bounds them in all); idle ones are bounded across miners and time out.
    const maxIdle = opts.maxIdleSockets ?? 1024;
    const timeout = opts.idleSocketTimeoutMs ?? DEFAULT_IDLE_SOCKET_TIMEOUT_MS;
    if (!Number.isInteger(maxIdle) || maxIdle < 0) {
      throw new Error(`maxIdleSockets must be a non-negative integer, got ${opts.maxIdleSockets}`);
    }
    this.httpAgent = boundIdleSockets(
      new http.Agent({ keepAlive: true, maxSockets: opts.maxConcurrency, keepAliveMsecs: 10_000, timeout }),
      maxIdle,
    );
    this.httpsAgent = boundIdleSockets(
      new https.Agent({ keepAlive: true, maxSockets: opts.maxConcurrency, timeout }),
      maxIdle,
    );
    this.sem = new Semaphore(opts.maxConcurrency);
    // Wall time on purpose: latencies are what the machine measured (metrics and stored latencyMs only).
    this.monotonic = opts.monotonic ?? (() => performance.now());
  }

  generate(target: MinerTarget, query: string, signal?: AbortSignal): Promise<MinerReply> {
    return this.send(target, { step: "generator", query }, signal);
  }

  discriminate(
    target: MinerTarget,
    query: string,
    generation: string,
    signal?: AbortSignal,
  ): Promise<MinerReply> {
    return this.send(target, { step: "discriminator", query, generation }, signal);
  }

  private signer: Signer | undefined;
  /** Secret signatures reused per (miner, 10 s bucket): one sr25519 signature per request instead of four. */
  private readonly secretCache = new SecretSignatureCache(4096);
  /** The last encoded request: a round sends one body to every discriminator, so encode and hash it once. */
  private lastBody: { request: MinerRequest; body: Buffer; sha: string } | undefined;

  private encode(request: MinerRequest): { body: Buffer; sha: string } {
    const last = this.lastBody;
    const generation = (r: MinerRequest) => (r.step === "discriminator" ? r.generation : undefined);
    if (
      last &&
      last.request.step === request.step &&
      last.request.query === request.query &&
      generation(last.request) === generation(request)
    ) {
      return last;
    }
    const body = Buffer.from(encodeRequestBody(request), "utf8");
    this.lastBody = { request, body, sha: sha256Hex(body) };
    return this.lastBody;
  }

  /** Four signatures go with every request: sign through the wasm build once it is loaded. */
  private async fastSignerOnce(): Promise<Signer> {
    await epistulaReady();
    this.signer = fastSigner(this.hotkey);
    return this.signer;
  }

  /** One request; never throws. The deadline covers waiting for a slot, connecting, and reading the body. */
  async send(target: MinerTarget, request: MinerRequest, parent?: AbortSignal): Promise<MinerReply> {
    const started = this.monotonic();
    const signer = this.signer ?? (await this.fastSignerOnce());
    const { signal, dispose } = deadlineSignal(this.clock, this.opts.timeoutMs, parent);
    let release: (() => void) | undefined;
    try {
      release = await this.sem.acquire(signal);
      const { body, sha } = this.encode(request);
      // Sign the exact bytes sent, for this miner's hotkey.
      const headers = signEpistula(signer, body, {
        signedFor: target.hotkey,
        nowMs: this.stampClockFor(target.hotkey).now(),
        secretCache: this.secretCache,
        bodySha256: sha,
      });
      headers["Content-Type"] = "application/json";
      const { status, text } = this.opts.fetchImpl
        ? await this.viaFetch(this.opts.fetchImpl, this.endpoint(target.address).url, body, headers, signal)
        : await this.viaHttp(this.endpoint(target.address), body, headers, signal);
      const latencyMs = this.monotonic() - started;
      if (status < 200 || status >= 300) return { text: null, latencyMs, status, error: `HTTP ${status}` };
      return { text, latencyMs, status };
    } catch (err) {
      const e = err as Error;
      // node's http rejects an aborted request with an AbortError whatever the reason: the signal says why.
      const timedOut =
        e?.name === "TimeoutError" || (signal.aborted && (signal.reason as Error)?.name === "TimeoutError");
      return {
        text: null,
        latencyMs: this.monotonic() - started,
        error: timedOut ? "timeout" : (e?.message ?? String(err)),
      };
    } finally {
      release?.();
      dispose();
    }
  }

  /** The clock whose time goes into the Epistula timestamp of a request to this miner. */
  stampClockFor(minerHotkey: string): Clock {
    const stamp = this.opts.stampClock;
    if (stamp === undefined) return this.clock;
    return typeof stamp === "function" ? stamp(minerHotkey) : stamp;
  }

  /** Parsed once per miner address (a bounded map: addresses change only with the metagraph). */
  private endpoints = new Map<string, Endpoint>();

  private endpoint(address: string): Endpoint {
    const known = this.endpoints.get(address);
    if (known) return known;
    const url = `${address.replace(/\/+$/, "")}${MINER_ROUTE}`;
    let ep: Endpoint;
    try {
      const u = new URL(url);
      const tls = u.protocol === "https:";
      ep = {
        url,
        ok: tls || u.protocol === "http:",
        tls,
        // URL keeps IPv6 hosts bracketed; the socket wants them bare.
        hostname: u.hostname.replace(/^\[(.*)\]$/, "$1"),
        port: Number(u.port || (tls ? 443 : 80)),
        path: `${u.pathname}${u.search}`,
        hostHeader: u.host,
      };
    } catch {
      ep = { url, ok: false, tls: false, hostname: "", port: 0, path: "", hostHeader: "" };
    }
    if (this.endpoints.size >= 4096) this.endpoints.clear();
    this.endpoints.set(address, ep);
    return ep;
  }

  private viaHttp(
    ep: Endpoint,
    body: Buffer,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      if (!ep.ok) {
        reject(new Error(`bad miner address ${ep.url}`));
        return;
      }
      // A flat [name, value, …] list is written as is: no per-request header map (1024 requests a round).
      const flat: string[] = ["Host", ep.hostHeader];
      for (const name in headers) flat.push(name, headers[name] ?? "");
      flat.push("Content-Length", String(body.length));
      const req = (ep.tls ? https : http).request(
        {
          method: "POST",
          hostname: ep.hostname,
          port: ep.port,
          path: ep.path,
          agent: ep.tls ? this.httpsAgent : this.httpAgent,
          headers: flat,
          signal,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          // Redirects are not followed; a non-2xx body is not worth reading.
          if (status < 200 || status >= 300) {
            res.resume();
            resolve({ status, text: "" });
            return;
          }
          const declared = Number(res.headers["content-length"] ?? "0");
          if (declared > this.opts.maxResponseBytes) {
            req.destroy();
            reject(new Error(`reply larger than ${this.opts.maxResponseBytes} bytes`));
            return;
          }
          let chunks: Buffer[] | null = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            if (chunks === null) return;
            size += chunk.length;
            if (size > this.opts.maxResponseBytes) {
              // Drop what was read at once: an oversized reply must not stay in memory until the socket closes.
              chunks = null;
              req.destroy();
              reject(new Error(`reply larger than ${this.opts.maxResponseBytes} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on("end", () => {
            if (chunks === null) return;
            const all = (chunks.length === 1 ? chunks[0] : undefined) ?? Buffer.concat(chunks, size);
            chunks = null;
            try {
              resolve({ status, text: decodeReply(all, res.headers["content-type"]) });
            } catch (err) {
              reject(err);
            }
          });
          res.on("error", reject);
          res.on("aborted", () => reject(new Error("connection reset")));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  private async viaFetch(
    fetchImpl: typeof fetch,
    url: string,
    body: Buffer,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ status: number; text: string }> {
    const res = await fetchImpl(url, { method: "POST", body, headers, signal, redirect: "manual" });
    if (res.status < 200 || res.status >= 300) {
      await res.body?.cancel().catch(() => {});
      return { status: res.status, text: "" };
    }
    const reader = res.body?.getReader();
    if (!reader) return { status: res.status, text: "" };
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > this.opts.maxResponseBytes) {
        await reader.cancel().catch(() => {});
        throw new Error(`reply larger than ${this.opts.maxResponseBytes} bytes`);
      }
      chunks.push(value);
    }
    return {
      status: res.status,
      text: decodeReply(
        (chunks.length === 1 ? chunks[0] : undefined) ?? Buffer.concat(chunks, size),
        res.headers.get("content-type"),
      ),
    };
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
