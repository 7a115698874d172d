// The validator's HTTP face: /health, /metrics (Prometheus), /api/status (the dashboard's JSON) and, when the
// weight syncer's send switch is on, POST /v1/get_rewards for peer validators.

import type { Metagraph } from "@apex/chain";
import type { RoundRecord } from "@apex/db";
import { ReplayCache, verifyEpistula } from "@apex/protocol";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { Type } from "typebox";
import { GET_REWARDS_ROUTE, mayRequestRewards } from "./syncer.js";
import type { Validator, ValidatorStatus } from "./validator.js";

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
  /** Newest first; texts clipped to 2000 (query) and 4000 (shownText) characters. */
  recentRounds: RoundRecord[];
  neurons: ValidatorStatus["neurons"];
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

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
    lastWeightSubmission: s.lastWeightSubmission,
    lastWeightOutcome: s.lastWeightOutcome,
    missing: s.missing,
    recentRounds: s.recentRounds.map((r) => ({
      ...r,
      query: clip(r.query, 2000),
      shownText: clip(r.shownText, 4000),
    })),
    neurons: s.neurons,
  };
}

export interface StatusServerOptions {
  /** Recent rounds in /api/status (default 20; `?limit=` may ask for up to 200). */
  recent?: number;
  logger?: boolean;
}

export function buildStatusServer(validator: Validator, opts: StatusServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: opts.logger ?? false,
    requestTimeout: 30_000,
    connectionTimeout: 30_000,
    bodyLimit: 64 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Keep the raw bytes: Epistula hashes exactly what was sent (a string would repair invalid UTF-8 first).
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  app.get(
    "/health",
    { schema: { response: { 200: Type.Object({ ok: Type.Boolean(), running: Type.Boolean() }) } } },
    async () => {
      const s = await validator.status(0);
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
    async (req) => toStatusJson(await validator.status(req.query.limit ?? opts.recent ?? 20)),
  );

  app.post(GET_REWARDS_ROUTE, rewardsHandler(validator));

  return app;
}

/**
 * POST /v1/get_rewards (docs/upstream.md § Weight syncer): our raw totals of the latest scoring cycle, for
 * peer validators. 405 when sending is off; Epistula over the raw body, signed for our hotkey, within the ms
 * window, never replayed: 400 on failure; a signer below `min_alpha_stake` and not verified: 401; a body that
 * is not JSON: 400; no totals yet or older than `expiry`: 503.
 */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function rewardsHandler(validator: Validator) {
  const ws = validator.config.weight_syncer;
  const replay = new ReplayCache();
  const policy = {
    minAlphaStake: ws.min_alpha_stake,
    verifiedHotkeys: ws.verified_hotkeys,
    stakeMeasure: validator.config.chain.stake,
  };
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!ws.enable_send) return reply.code(405).send({ error: "this validator does not share its rewards" });
    const raw = Buffer.isBuffer(req.body) ? req.body : typeof req.body === "string" ? req.body : "";
    // The stake check reads the sampler's cached metagraph (no chain call per request).
    let mg: Metagraph | null = null;
    let mgError = false;
    try {
      mg = await validator.sampler.metagraph();
    } catch {
      mgError = true;
    }
    const check = verifyEpistula(req.headers, raw, validator.hotkey, validator.now(), {
      replayCache: replay,
      isSignerAllowed: (h) => mayRequestRewards(h, mg, policy),
    });
    if (!check.ok) {
      if (check.reason === "signer_not_allowed" && mgError)
        return reply
          .code(503)
          .send({ error: "cannot read the metagraph to check the signer's stake; retry later" });
      return reply.code(check.reason === "signer_not_allowed" ? 401 : 400).send({ error: check.message });
    }
    try {
      // Strict UTF-8, as Python's json.loads on bytes: a repaired body would be a different request.
      JSON.parse(typeof raw === "string" ? raw : strictUtf8.decode(raw));
    } catch {
      return reply.code(400).send({ error: "body must be JSON (send {})" });
    }
    const latest = validator.latestRewards();
    if (!latest) return reply.code(503).send({ error: "no scoring cycle has run yet" });
    const age = validator.now() - latest.at;
    if (age > ws.expiry * 1000)
      return reply
        .code(503)
        .send({ error: `rewards are ${Math.round(age / 1000)} s old, older than the ${ws.expiry} s expiry` });
    return reply.code(200).send(latest.rewards);
  };
}
