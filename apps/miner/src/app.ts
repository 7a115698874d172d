// The miner's HTTP app (fastify/demo style: the app is built here, server.ts runs it; tests use inject).
import {
  type Clock,
  type DiscriminatorLabel,
  EPISTULA_HEADERS,
  type EpistulaRejection,
  epistulaReplayKey,
  MINER_MAX_BODY_BYTES,
  MINER_ROUTE,
  type MinerRequest,
  parseMinerRequestBody,
  ReplayCache,
  systemClock,
  verifyEpistula,
} from "@apex/protocol";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import { runStrategy } from "./deadline.js";
import { FloodGuard, RefusalCounter } from "./flood.js";
import { createMetrics, type MinerMetrics } from "./metrics.js";
import { RateLimiter, type VerifyPolicy } from "./policy.js";
import { heuristicClassify } from "./strategies/discriminators.js";
import { offlineGeneration } from "./strategies/generators.js";
import type { Discriminator, Generator } from "./strategies/types.js";

export const DEFAULT_BUDGET_MS = 15_000;
export const MAX_BODY_BYTES = MINER_MAX_BODY_BYTES;
/** Longer answers are cut: the validator forwards the text to 50 discriminators. */
export const MAX_GENERATION_CHARS = 64 * 1024;

export interface MinerAppOptions {
  /** Our hotkey (ss58): requests must be signed for it. */
  hotkey: string;
  /** Who may sign requests, or "off" (trusted local use only). */
  verify: VerifyPolicy | "off";
  generator: Generator;
  discriminator: Discriminator;
  /** Strategy budget in ms (default 15 s; the validator waits 20 s in total). */
  budgetMs?: number;
  clock?: Clock;
  /** A pino logger, fastify logger options, or false (default). */
  logger?: FastifyServerOptions["logger"] | FastifyBaseLogger;
  /** Per-signer rate limit (requests per minute, burst). 0 disables it. Default 600/min, burst 120. */
  rateLimit?: { perMinute: number; burst: number };
  /**
   * Requests per minute per client address, checked before anything else (default 1200, burst a tenth of a
   * minute's worth); 0 disables it. The budget of failed verifications per claimed signer and address (30/min) is always on.
   */
  ipRateLimitPerMinute?: number;
  /** Open connections at once (default 1024); past it new connections are dropped by the server. */
  maxConnections?: number;
  /** The flood guard (address bucket and failure budget); default on. Off only to measure it (bench/src/flood.ts). */
  floodGuard?: boolean;
  /** Epistula timestamp window in ms (default ±8000). */
  allowedDeltaMs?: number;
  /** Node process metrics (CPU, memory, event loop) in /metrics; leave off when several miners share a process. */
  processMetrics?: boolean;
  /** Server timeouts (ms), applied when listening. */
  timeouts?: { connection?: number; request?: number; keepAlive?: number };
}

declare module "fastify" {
  interface FastifyInstance {
    minerMetrics: MinerMetrics;
  }
}

/** Status for each Epistula rejection: who you are is unproven → 401; proven but not welcome → 403. */
export const REJECTION_STATUS: Record<EpistulaRejection, 401 | 403> = {
  missing_header: 401,
  bad_version: 401,
  stale_timestamp: 401,
  replayed_uuid: 401,
  malformed_signature: 401,
  signature_mismatch: 401,
  not_for_us: 403,
  signer_not_allowed: 403,
};

function isLogger(x: unknown): x is FastifyBaseLogger {
  return typeof x === "object" && x !== null && typeof (x as FastifyBaseLogger).child === "function";
}

export function buildMinerApp(opts: MinerAppOptions): FastifyInstance {
  // A miner process on its own runs on the system clock; a localnet injects its run clock.
  const clock = opts.clock ?? systemClock;
  const budgetMs = opts.budgetMs ?? DEFAULT_BUDGET_MS;
  const t = opts.timeouts ?? {};
  const app = Fastify({
    ...(isLogger(opts.logger) ? { loggerInstance: opts.logger } : { logger: opts.logger ?? false }),
    bodyLimit: MAX_BODY_BYTES,
    // Fastify's own two info lines per request cost more than answering a discriminator request; the miner
    // route logs one line at debug level instead (refusals and fallbacks stay at info/warn).
    logController: new LogController({ disableRequestLogging: true }),
    connectionTimeout: t.connection ?? 30_000,
    requestTimeout: t.request ?? 30_000,
    keepAliveTimeout: t.keepAlive ?? 5_000,
  }) as unknown as FastifyInstance;
  const metrics = createMetrics({ processMetrics: opts.processMetrics });
  app.decorate("minerMetrics", metrics);
  const replay = new ReplayCache();
  const limiter = new RateLimiter(opts.rateLimit?.perMinute ?? 600, opts.rateLimit?.burst ?? 120);
  const guard = new FloodGuard({ clock, perIpPerMinute: opts.ipRateLimitPerMinute });
  // One line per 10 s with counts, whatever the flood: a log line per refusal would be the attacker's lever.
  const refusals = new RefusalCounter(clock, (counts, windowMs) =>
    app.log.info({ refused: counts, seconds: Math.round(windowMs / 1000) }, "requests refused"),
  );
  app.server.maxConnections = opts.maxConnections ?? 1024;
  app.addHook("onClose", async () => refusals.flush());

  // Keep the raw bytes of every body: Epistula signs sha256 of exactly what was sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: MAX_BODY_BYTES }, (_req, body, done) =>
    done(null, body),
  );

  app.setErrorHandler((err: { statusCode?: number; code?: string; message?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, "unhandled error");
    const message =
      status === 413
        ? `request body is larger than ${MAX_BODY_BYTES} bytes`
        : status === 500
          ? "internal error"
          : (err.message ?? "bad request");
    if (req.url === MINER_ROUTE) metrics.requests.inc({ step: "unknown", outcome: `http_${status}` });
    return reply.code(status).type("text/plain; charset=utf-8").send(message);
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .type("text/plain; charset=utf-8")
      .send(`no route ${req.method} ${req.url.slice(0, 100)}`),
  );

  app.get("/health", async (_req, reply) =>
    reply.type("application/json").send({
      status: "ok",
      hotkey: opts.hotkey,
      generator: opts.generator.name,
      discriminator: opts.discriminator.name,
      verify: opts.verify === "off" ? "off" : opts.verify.description,
    }),
  );

  app.get("/metrics", async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  // Before the body is read: an address over its budget, or a stranger naming a signer whose failure budget is
  // spent, costs a header lookup and a 429, never a body, a hash or an sr25519 verification.
  if (opts.verify !== "off" && opts.floodGuard !== false) {
    app.addHook("onRequest", async (req, reply) => {
      if (req.method !== "POST" || req.url !== MINER_ROUTE) return;
      const refusal = guard.admit(req.ip, signerHeader(req.headers));
      if (refusal === null) return;
      refusals.count(refusal);
      metrics.authRejections.inc({ reason: refusal });
      metrics.requests.inc({ step: "unknown", outcome: refusal });
      return reply
        .header("retry-after", "1")
        .header("connection", "close")
        .code(429)
        .type("text/plain; charset=utf-8")
        .send(refusal);
    });
  }

  app.post(MINER_ROUTE, async (req, reply) => {
    const started = clock.now();
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const text = (status: number, body: string) =>
      reply.code(status).type("text/plain; charset=utf-8").send(body);

    if (opts.verify !== "off") {
      const policy = opts.verify;
      const now = clock.now();
      const result = verifyEpistula(req.headers, raw, opts.hotkey, now, {
        allowedDeltaMs: opts.allowedDeltaMs,
        replayCache: replay,
        // Recorded below, once the rate limit let it through: a refused request is not a served one.
        recordReplay: false,
        isSignerAllowed: (h) => policy.isAllowed(h),
      });
      if (!result.ok) {
        metrics.authRejections.inc({ reason: result.reason });
        metrics.requests.inc({ step: "unknown", outcome: result.reason });
        if (result.reason === "signature_mismatch" || result.reason === "malformed_signature") {
          const claimed = signerHeader(req.headers);
          if (claimed !== undefined) guard.failed(claimed, req.ip);
        }
        refusals.count(result.reason);
        return text(REJECTION_STATUS[result.reason], `${result.reason}: ${result.message}`);
      }
      guard.verified(result.signedBy, req.ip);
      if (!limiter.take(result.signedBy, now)) {
        metrics.authRejections.inc({ reason: "rate_limited" });
        metrics.requests.inc({ step: "unknown", outcome: "rate_limited" });
        refusals.count("rate_limited");
        return reply
          .header("retry-after", "1")
          .code(429)
          .type("text/plain; charset=utf-8")
          .send("rate_limited");
      }
      replay.add(epistulaReplayKey(result.signedBy, result.uuid), now);
    }

    // One parser for every miner and validator: UTF-8, JSON, then the body's shape; each failure says why.
    const parsed = parseMinerRequestBody(raw);
    if (!parsed.ok) {
      metrics.requests.inc({ step: "unknown", outcome: "bad_request" });
      return text(400, parsed.error);
    }
    const answer = await answerRequest(parsed.request);
    const seconds = (clock.now() - started) / 1000;
    metrics.latency.observe({ step: parsed.request.step }, seconds);
    req.log.debug({ step: parsed.request.step, ms: seconds * 1000 }, "answered");
    return text(200, answer);
  });

  async function answerRequest(request: MinerRequest): Promise<string> {
    if (request.step === "generator") {
      const g = opts.generator;
      const out = await runStrategy<string>((ctx) => g.generate(request.query, ctx), {
        budgetMs,
        clock,
        fallback: () => offlineGeneration(request.query),
        isValid: (v) => typeof v === "string" && v.trim() !== "",
      });
      record("generator", g.name, out);
      return out.value.length > MAX_GENERATION_CHARS ? out.value.slice(0, MAX_GENERATION_CHARS) : out.value;
    }
    const d = opts.discriminator;
    const out = await runStrategy<DiscriminatorLabel>(
      (ctx) => d.classify(request.query, request.generation, ctx),
      {
        budgetMs,
        clock,
        fallback: () => heuristicClassify(request.query, request.generation),
        isValid: (v) => v === "0" || v === "1",
      },
    );
    record("discriminator", d.name, out);
    return out.value;
  }

  function record(
    step: string,
    strategy: string,
    out: { fallback: boolean; cause?: string; error?: string },
  ) {
    if (out.fallback) {
      metrics.fallbacks.inc({ step, strategy, cause: out.cause ?? "error" });
      app.log.warn({ step, strategy, cause: out.cause, error: out.error }, "strategy fell back");
    }
    metrics.requests.inc({ step, outcome: out.fallback ? "fallback" : "ok" });
  }

  return app;
}

function signerHeader(headers: Record<string, unknown>): string | undefined {
  const v = headers[EPISTULA_HEADERS.signedBy.toLowerCase()];
  return typeof v === "string" ? v.slice(0, 64) : undefined;
}
