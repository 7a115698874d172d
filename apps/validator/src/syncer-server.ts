// The weight syncer's own listener (weight_syncer.host:port, as upstream's uvicorn app on 0.0.0.0:8001): only
// POST /v1/get_rewards, so the status server can stay on 127.0.0.1.
import type { Metagraph } from "@apex/chain";
import { checkEpistulaHeaders, ReplayCache, verifyEpistula } from "@apex/protocol";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { GET_REWARDS_ROUTE, mayRequestRewards } from "./syncer.js";
import type { Validator } from "./validator.js";

export interface SyncerServerOptions {
  logger?: boolean;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export function buildSyncerServer(validator: Validator, opts: SyncerServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: opts.logger ?? false,
    requestTimeout: 10_000,
    connectionTimeout: 10_000,
    bodyLimit: 64 * 1024,
  });
  // Upstream's client (httpx, `content=b"{}"`) sends no Content-Type: take every body as raw bytes, whatever
  // it declares. Epistula hashes exactly what was sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
  app.post(GET_REWARDS_ROUTE, rewardsHandler(validator));
  return app;
}

/**
 * POST /v1/get_rewards (docs/validator.md, after upstream's weight_syncer.py): our raw totals of the latest
 * scoring cycle as a JSON object, for peer validators. Cheap header checks come first (400); then the signer's
 * stake from the sampler's cached metagraph (401 below `min_alpha_stake` and not verified); then the signature
 * and replay (400); a body that is not JSON: 400; no totals yet or older than `expiry`: 503; sending off: 405.
 */
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
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const now = validator.now();
    const cheap = checkEpistulaHeaders(req.headers, validator.hotkey, now);
    if (!cheap.ok) return reply.code(400).send({ error: cheap.message });
    let mg: Metagraph | null = null;
    let mgError = false;
    try {
      mg = await validator.sampler.metagraph();
    } catch {
      mgError = true;
    }
    const check = verifyEpistula(req.headers, raw, validator.hotkey, now, {
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
      JSON.parse(strictUtf8.decode(raw));
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
    return reply.code(200).type("application/json").send(latest.rewards);
  };
}
