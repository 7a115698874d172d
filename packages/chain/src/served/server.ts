// Serve a SimChain to other processes (apex-localnet chain --port P). See wire.ts for the format.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SignedCall } from "../sim/signing.js";
import type { SimChain } from "../sim/sim-chain.js";
import { ChainError } from "../types.js";
import { browserRequestProblem, MAX_BODY_BYTES, MAX_LONG_POLL_MS, type WireError } from "./wire.js";

export interface ServeOptions {
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Host names (besides addresses and localhost) clients may use to reach it, e.g. a compose service name. */
  allowedHosts?: string[];
}

export interface ServedSimChain {
  url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof ChainError) {
    const body: WireError = {
      chainError: err.chainError,
      message: err.message,
      kind: err.kind,
    };
    // Dispatch errors are the chain answering; the request itself was fine.
    send(res, err.kind === "rpc" ? 400 : 422, { error: body });
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  send(res, 500, { error: { chainError: "InternalError", message, kind: "rpc" } satisfies WireError });
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ChainError("PayloadTooLarge", `request body over ${MAX_BODY_BYTES} bytes`, "rpc"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        reject(new ChainError("InvalidJson", "the request body is not JSON", "rpc"));
      }
    });
    req.on("error", reject);
  });
}

function netuidOf(params: unknown): number {
  const n = (params as { netuid?: unknown } | null)?.netuid;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0)
    throw new ChainError("InvalidCallArguments", "params.netuid must be a whole number", "rpc");
  return n;
}

async function handleRpc(sim: SimChain, body: unknown): Promise<unknown> {
  const { method, params } = (body ?? {}) as { method?: unknown; params?: unknown };
  switch (method) {
    case "currentBlock":
      return sim.currentBlock();
    case "metagraph":
      return sim.metagraph(netuidOf(params));
    case "hyperparameters":
      return sim.hyperparameters(netuidOf(params));
    case "subnetOwnerHotkey":
      return sim.subnetOwnerHotkey(netuidOf(params));
    case "subnetExists":
      return sim.subnetExists(netuidOf(params));
    case "accountNonce": {
      const address = (params as { address?: unknown } | null)?.address;
      if (typeof address !== "string") throw new ChainError("InvalidCallArguments", "params.address", "rpc");
      return sim.accountNonce(address);
    }
    case "info":
      return {
        network: sim.network,
        blockTimeMs: sim.blockTimeMs,
        block: sim.blockNumber,
        genesisHash: sim.genesisHash,
      };
    case "submit":
      return sim.submit(params as SignedCall);
    default:
      throw new ChainError("MethodNotFound", `unknown method ${JSON.stringify(method)}`, "rpc");
  }
}

function waitForBlock(sim: SimChain, after: number, waitMs: number): Promise<number> {
  if (sim.blockNumber > after) return Promise.resolve(sim.blockNumber);
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      resolve(sim.blockNumber);
    };
    // Real time on purpose: the long-poll bounds an HTTP request, not subnet time.
    const timer = setTimeout(finish, waitMs);
    const unsubscribe = sim.onBlock((b) => {
      if (b > after) finish();
    });
  });
}

export async function serveSimChain(sim: SimChain, options: ServeOptions = {}): Promise<ServedSimChain> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    // Sudo calls are signed with public dev keys: a web page must not be able to send them from a browser.
    const problem = browserRequestProblem(req.headers, req.method ?? "GET", options.allowedHosts);
    if (problem) {
      req.resume();
      send(res, problem.status, {
        error: { chainError: "Forbidden", message: problem.message, kind: "rpc" },
      });
      return;
    }
    (async () => {
      if (req.method === "POST" && url.pathname === "/rpc") {
        send(res, 200, { result: (await handleRpc(sim, await readBody(req))) ?? null });
      } else if (req.method === "GET" && url.pathname === "/blocks") {
        const after = Number(url.searchParams.get("after") ?? "-1");
        const waitMs = Math.min(
          MAX_LONG_POLL_MS,
          Math.max(0, Number(url.searchParams.get("waitMs") ?? "0") || 0),
        );
        if (!Number.isFinite(after))
          throw new ChainError("InvalidCallArguments", "after must be a number", "rpc");
        send(res, 200, { block: await waitForBlock(sim, after, waitMs) });
      } else if (req.method === "GET" && url.pathname === "/health") {
        send(res, 200, { ok: true, block: sim.blockNumber });
      } else {
        send(res, 404, {
          error: { chainError: "NotFound", message: `${req.method} ${url.pathname}`, kind: "rpc" },
        });
      }
    })().catch((err) => sendError(res, err));
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shownHost}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
