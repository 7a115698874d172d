import type { ServerResponse } from "node:http";
import { browserRequestProblem } from "@apex/chain";
import Fastify, { type FastifyInstance } from "fastify";
import { dashboardPage } from "./page.js";
import type { DashboardEvent, DashboardSnapshot, DashboardSource } from "./types.js";

export interface DashboardServerOptions {
  source: DashboardSource;
  /** 0 picks a free port. */
  port: number;
  /** Defaults to 127.0.0.1: the dashboard shows hotkeys and miner output, keep it local unless asked. */
  host?: string;
  /** SSE comment heartbeat, so proxies and browsers keep an idle stream open. Real time, not subnet time. */
  heartbeatMs?: number;
  /** Poll interval for sources without `subscribe`. */
  pollMs?: number;
  /** Host names (besides addresses and localhost) a browser may use to reach it. */
  allowedHosts?: string[];
}

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

interface Stream {
  raw: ServerResponse;
  stop(): void;
}

/** One SSE frame. JSON never contains a raw newline, so a single `data:` line is always enough. */
export function sseFrame(event: DashboardEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * The dashboard as a fastify app (not listening), so tests can `inject` it.
 * Routes: GET / (the page), GET /api/snapshot, GET /api/events (SSE), GET /health.
 */
export function buildDashboardApp(options: Omit<DashboardServerOptions, "port" | "host">): FastifyInstance {
  const { source } = options;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const pollMs = options.pollMs ?? 1_000;
  const app = Fastify({
    logger: false,
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
    // Browsers and fetch open spare sockets that never carry a request; "idle" closing would wait them out.
    forceCloseConnections: true,
  });
  const streams = new Set<Stream>();
  const page = dashboardPage();
  // DNS rebinding or a cross-site page must not read hotkeys and miner output from the user's browser.
  app.addHook("onRequest", async (req, reply) => {
    const problem = browserRequestProblem(req.headers, req.method, options.allowedHosts);
    if (problem) return reply.code(problem.status).send({ error: problem.message });
  });

  app.get("/", async (_req, reply) => {
    reply
      .header("content-type", "text/html; charset=utf-8")
      .header("content-security-policy", page.csp)
      .header("x-content-type-options", "nosniff")
      .header("referrer-policy", "no-referrer")
      .header("cache-control", "no-store");
    return page.html;
  });

  app.get("/health", async () => ({ ok: true }));

  app.get("/api/snapshot", async (_req, reply) => {
    reply.header("cache-control", "no-store");
    return await source.snapshot();
  });

  app.get("/api/events", async (req, reply) => {
    // Take the socket over from fastify: an SSE response never ends on its own.
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    raw.write("retry: 2000\n\n");
    const send = (event: DashboardEvent) => {
      if (!raw.writableEnded) raw.write(sseFrame(event));
    };

    let unsubscribe: () => void = () => {};
    let poll: NodeJS.Timeout | undefined;
    let closed = false;
    // Wall time on purpose: keeps a browser connection open; it is not subnet time.
    const heartbeat = setInterval(() => {
      if (!raw.writableEnded) raw.write(": ping\n\n");
    }, heartbeatMs);
    heartbeat.unref();

    const stream: Stream = {
      raw,
      stop: () => {
        closed = true;
        clearInterval(heartbeat);
        if (poll) clearInterval(poll);
        unsubscribe();
        streams.delete(stream);
        // Close our side too: an SSE socket is never reused, and a lingering one keeps app.close() waiting.
        if (!raw.writableEnded) raw.end();
        raw.socket?.destroy();
      },
    };
    streams.add(stream);
    req.raw.on("close", stream.stop);
    raw.on("close", stream.stop);

    // The first frame is always a full snapshot, so a (re)connecting page never shows stale state.
    let last = "";
    try {
      const first = await source.snapshot();
      last = JSON.stringify(first);
      send({ type: "snapshot", snapshot: first });
    } catch (err) {
      raw.write(`event: error\ndata: ${JSON.stringify({ message: String(err) })}\n\n`);
    }

    if (closed) return; // the client left while we awaited the first snapshot
    if (source.subscribe) {
      unsubscribe = source.subscribe(send);
    } else {
      // Wall time on purpose: how often a page sees a polled source change (a UI rate).
      poll = setInterval(() => {
        source.snapshot().then(
          (snapshot: DashboardSnapshot) => {
            const json = JSON.stringify(snapshot);
            if (json !== last) {
              last = json;
              send({ type: "snapshot", snapshot });
            }
          },
          () => {},
        );
      }, pollMs);
      poll.unref();
    }
  });

  // Open SSE streams would otherwise keep `close()` waiting forever.
  app.addHook("preClose", async () => {
    for (const stream of [...streams]) stream.stop();
  });

  return app;
}

/** Serve the dashboard; resolves once listening with its URL. */
export async function serveDashboard(options: DashboardServerOptions): Promise<DashboardServer> {
  const app = buildDashboardApp(options);
  const host = options.host ?? "127.0.0.1";
  await app.listen({ port: options.port, host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const shownHost =
    host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    close: async () => {
      await app.close();
    },
  };
}
