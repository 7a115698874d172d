// The validator's local HTTP face: /health, /metrics (Prometheus), /api/status (the dashboard's JSON). It listens
// on 127.0.0.1 by default; peers reach get_rewards on the weight syncer's own listener (syncer-server.ts).

import type { RoundRecord } from "@apex/db";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { ValidatorStatus } from "./status-view.js";
import type { Validator } from "./validator.js";

/** The /api/status JSON (documented in docs/validator.md; the localnet dashboard reads it). */
export interface StatusJson {
  version: 1;
  hotkey: string;
  network: string;
  netuid: number;
  noChain: boolean;
  /** Chain head (null without a chain). */
  block: number | null;
  tempo: number | null;
  running: boolean;
  counts: ValidatorStatus["roundsThisRun"] & { stored: number };
  windowHours: number;
  windowTotals: Record<string, number>;
  lastWeightSubmission: ValidatorStatus["lastWeightSubmission"];
  lastWeightOutcome: ValidatorStatus["lastWeightOutcome"];
  /** Answers that did not arrive this run, by miner hotkey and reason (timeout, http_429, transport, …). */
  missing: ValidatorStatus["missing"];
  /** Newest first; texts clipped to 2000 (query), 4000 (shownText) and 64 (each answer) characters. */
  recentRounds: RoundRecord[];
  neurons: ValidatorStatus["neurons"];
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/**
 * Committed weights stay secret until revealed (commit-reveal exists so nobody can copy them): a commit's uids
 * and weights are never shown, only that it happened.
 */
function hidePending<T extends { mode: string; uids: number[]; weights: number[] } | null>(x: T): T {
  return x && x.mode === "commit" ? { ...x, uids: [], weights: [] } : x;
}

export function toStatusJson(s: ValidatorStatus): StatusJson {
  return {
    version: 1,
    hotkey: s.hotkey,
    network: s.network,
    netuid: s.netuid,
    noChain: s.noChain,
    block: s.chainHead,
    tempo: s.tempo,
    running: s.running,
    counts: { ...s.roundsThisRun, stored: s.roundsStored },
    windowHours: s.windowHours,
    windowTotals: s.windowTotals,
    lastWeightSubmission: hidePending(s.lastWeightSubmission),
    lastWeightOutcome: hidePending(s.lastWeightOutcome),
    missing: s.missing,
    recentRounds: s.recentRounds.map((r) => ({
      ...r,
      query: clip(r.query, 2000),
      shownText: clip(r.shownText, 4000),
      // Rounds stored before answers were clipped can still hold a miner's megabyte.
      discriminators: r.discriminators.map((d) =>
        d.answer === null ? d : { ...d, answer: clip(d.answer, 64) },
      ),
    })),
    neurons: s.neurons,
  };
}

export interface StatusServerOptions {
  /** Recent rounds in /api/status (default 20; `?limit=` may ask for up to 200). */
  recent?: number;
  /** How long one /api/status answer is reused (default 2000 ms on the validator's clock): it reads the chain. */
  cacheMs?: number;
  logger?: boolean;
}

export function buildStatusServer(validator: Validator, opts: StatusServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: opts.logger ?? false,
    requestTimeout: 30_000,
    connectionTimeout: 30_000,
    bodyLimit: 64 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();
  const cacheMs = opts.cacheMs ?? 2_000;
  const cache = new Map<number, { at: number; json: Promise<StatusJson> }>();
  // A status reads the chain (head, tempo, metagraph): concurrent and repeated requests share one read.
  const cachedStatus = (limit: number): Promise<StatusJson> => {
    const now = validator.now();
    const hit = cache.get(limit);
    if (hit && now - hit.at >= 0 && now - hit.at < cacheMs) return hit.json;
    const json = validator.status(limit).then(toStatusJson);
    cache.set(limit, { at: now, json });
    json.catch(() => {
      if (cache.get(limit)?.json === json) cache.delete(limit);
    });
    return json;
  };

  app.get(
    "/health",
    { schema: { response: { 200: Type.Object({ ok: Type.Boolean(), running: Type.Boolean() }) } } },
    async () => {
      const s = await cachedStatus(0);
      return { ok: true, running: s.running };
    },
  );

  app.get("/metrics", async (_req, reply) => {
    reply.header("content-type", validator.metrics.registry.contentType);
    return validator.metrics.registry.metrics();
  });

  app.get(
    "/api/status",
    {
      schema: {
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 200 })) }),
      },
    },
    async (req) => cachedStatus(req.query.limit ?? opts.recent ?? 20),
  );

  return app;
}
