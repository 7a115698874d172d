// Talks to miners: Epistula-signed POSTs with a TOTAL deadline, a response-size cap, bounded concurrency and
// keep-alive connection reuse. Every failure (status, timeout, reset, oversize, redirect) is "no answer" (null).
import { setMaxListeners } from "node:events";
import http from "node:http";
import https from "node:https";
import {
  type Clock,
  encodeRequestBody,
  epistulaReady,
  fastSigner,
  MINER_ROUTE,
  type MinerRequest,
  type Signer,
  signEpistula,
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

export interface MinerClientOptions {
  timeoutMs: number;
  maxResponseBytes: number;
  maxConcurrency: number;
  /** Real-time source for latencies; the deadline also caps on real time so a virtual clock cannot hang a socket. */
  monotonic?: () => number;
  fetchImpl?: typeof fetch;
  /**
   * Clock for Epistula timestamps (default: the client's clock). Miners check them against their own wall clock,
   * so a validator on a virtual clock still stamps requests with real time.
   */
  stampClock?: Clock;
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
// Strict like upstream's resp.text(): a reply that is not valid UTF-8 is no answer, never text with U+FFFD in it.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new Error("reply is not valid UTF-8");
  }
}

export function deadlineSignal(
  clock: Clock,
  ms: number,
  parent?: AbortSignal,
): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const timeoutError = () =>
    Object.assign(new Error(`deadline of ${ms} ms passed`), { name: "TimeoutError" });
  const real = setTimeout(() => ac.abort(timeoutError()), ms);
  const stopClock = new AbortController();
  clock.sleep(ms, stopClock.signal).then(
    () => ac.abort(timeoutError()),
    () => {},
  );
  const onParent = () => ac.abort(parent?.reason);
  // One round's signal is the parent of every request in it (50+ listeners, each removed on dispose).
  if (parent) setMaxListeners(0, parent);
  if (parent?.aborted) ac.abort(parent.reason);
  else parent?.addEventListener("abort", onParent, { once: true });
  return {
    signal: ac.signal,
    dispose: () => {
      clearTimeout(real);
      stopClock.abort();
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
    // Keep-alive reuses sockets across rounds; maxSockets bounds parallel connections per miner.
    this.httpAgent = new http.Agent({
      keepAlive: true,
      maxSockets: opts.maxConcurrency,
      keepAliveMsecs: 10_000,
    });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: opts.maxConcurrency });
    this.sem = new Semaphore(opts.maxConcurrency);
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
      const body = encodeRequestBody(request);
      // Sign the exact bytes sent, for this miner's hotkey.
      const headers = {
        ...signEpistula(signer, body, {
          signedFor: target.hotkey,
          nowMs: (this.opts.stampClock ?? this.clock).now(),
        }),
        "Content-Type": "application/json",
      };
      const url = `${target.address.replace(/\/+$/, "")}${MINER_ROUTE}`;
      const { status, text } = this.opts.fetchImpl
        ? await this.viaFetch(this.opts.fetchImpl, url, body, headers, signal)
        : await this.viaHttp(url, body, headers, signal);
      const latencyMs = this.monotonic() - started;
      if (status < 200 || status >= 300) return { text: null, latencyMs, status, error: `HTTP ${status}` };
      return { text, latencyMs, status };
    } catch (err) {
      const e = err as Error;
      return {
        text: null,
        latencyMs: this.monotonic() - started,
        error: e?.name === "TimeoutError" ? "timeout" : (e?.message ?? String(err)),
      };
    } finally {
      release?.();
      dispose();
    }
  }

  private viaHttp(
    url: string,
    body: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        reject(new Error(`bad miner address ${url}`));
        return;
      }
      const lib = u.protocol === "https:" ? https : http;
      const bytes = Buffer.from(body, "utf8");
      const req = lib.request(
        u,
        {
          method: "POST",
          agent: u.protocol === "https:" ? this.httpsAgent : this.httpAgent,
          headers: { ...headers, "Content-Length": String(bytes.length) },
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
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > this.opts.maxResponseBytes) {
              req.destroy();
              reject(new Error(`reply larger than ${this.opts.maxResponseBytes} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on("end", () => {
            try {
              resolve({ status, text: decodeUtf8(Buffer.concat(chunks)) });
            } catch (err) {
              reject(err);
            }
          });
          res.on("error", reject);
          res.on("aborted", () => reject(new Error("connection reset")));
        },
      );
      req.on("error", reject);
      req.end(bytes);
    });
  }

  private async viaFetch(
    fetchImpl: typeof fetch,
    url: string,
    body: string,
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
    return { status: res.status, text: decodeUtf8(Buffer.concat(chunks)) };
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
