// One round of the Apex game (docs/upstream.md § One round, § Game formulas): query, reference or generator,
// discriminators, scores, stored whole.
import { randomUUID } from "node:crypto";
import type { DiscriminatorResultRecord, ResultsStore, RoundRecord } from "@apex/db";
import {
  type Clock,
  type DropRoundPolicy,
  discriminatorBodyBytes,
  parseDiscriminatorAnswer,
  scoreRound,
  VALIDATOR_REFERENCE_LABEL,
} from "@apex/protocol";
import type { QueryMaker, Researcher } from "./llm-adapter.js";
import type { Logger } from "./logger.js";
import type { ValidatorMetrics } from "./metrics.js";
import {
  deadlineSignal,
  type MinerClient,
  type MinerReply,
  type MissReason,
  missReason,
} from "./miner-client.js";
import type { MinerInfo, MinerSampler } from "./sampler.js";

export interface RoundSettings {
  referenceRate: number;
  redundancyRate: number;
  generatorSampleSize: number;
  discriminatorSampleSize: number;
  /** Time budget for one deep-research reference. */
  referenceTimeoutMs: number;
  /**
   * Largest discriminator body a generation may need (pipeline.deliverability_check). A longer generation is a
   * failed generation, and a round where most discriminators refused the body as too large does not pay its
   * generator. null = upstream: anything is forwarded and g = 1 − Σd even when no discriminator could read it.
   */
  maxDiscriminatorBodyBytes: number | null;
  /** A reply that makes upstream lose the round: `safe` scores it wrong, `upstream` drops the round. */
  dropRoundPolicy?: DropRoundPolicy;
}

export interface RoundContext {
  settings: RoundSettings;
  sampler: MinerSampler;
  client: MinerClient;
  makeQuery: QueryMaker;
  research: Researcher;
  store: ResultsStore;
  clock: Clock;
  rng: () => number;
  logger: Logger;
  metrics?: ValidatorMetrics;
}

/** What a round produced beyond the stored record (for listeners and logs). */
export interface RoundEvent {
  round: RoundRecord;
  /** The 0.05 redundancy reference of a generator round: logged only, never scored. */
  redundancyReference: string | null;
  generatorCandidates: Array<{ hotkey: string; uid: number; text: string | null; latencyMs: number }>;
  /** Every asked miner whose answer did not arrive (or was not an answer), and why. */
  missing: MissingAnswer[];
  durationMs: number;
}

export interface MissingAnswer {
  hotkey: string;
  uid: number;
  role: "generator" | "discriminator";
  reason: MissReason;
}

export class NoMinersError extends Error {
  constructor() {
    super(
      "no miners to query: the candidate list is empty (check stake, served axons and the address policy)",
    );
    this.name = "NoMinersError";
  }
}

async function withBudget<T>(
  clock: Clock,
  ms: number,
  run: (signal: AbortSignal) => Promise<T>,
  parent?: AbortSignal,
): Promise<T> {
  const { signal, dispose } = deadlineSignal(clock, ms, parent);
  try {
    // Race as well: a backend that ignores the signal must not hold the round past its budget.
    return await Promise.race([
      run(signal),
      new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      }),
    ]);
  } finally {
    dispose();
  }
}

/** A generation no discriminator could receive is no generation: the generator caused the failure. */
function deliverable(
  settings: RoundSettings,
  query: string,
  reply: MinerReply,
): { reply: MinerReply; undeliverable: boolean } {
  const cap = settings.maxDiscriminatorBodyBytes;
  if (cap === null || reply.text === null) return { reply, undeliverable: false };
  const bytes = discriminatorBodyBytes(query, reply.text);
  if (bytes <= cap) return { reply, undeliverable: false };
  return {
    reply: { ...reply, text: null, error: `undeliverable: the discriminator body would be ${bytes} bytes` },
    undeliverable: true,
  };
}

/** Longest answer kept in the DB besides a label: scoring needs only "0"/"1", the rest is a sample for audit. */
export const STORED_ANSWER_CHARS = 64;
/** Longest shown text kept in the DB (the miners' own cap on a generation: 64 k characters). */
export const STORED_SHOWN_TEXT_CHARS = 64 * 1024;

/** What a discriminator's answer costs to keep: a label as is, anything else clipped (never "0"/"1" by clipping). */
export function storedAnswer(answer: string | null): string | null {
  if (answer === null || answer.length <= STORED_ANSWER_CHARS) return answer;
  return `${answer.slice(0, STORED_ANSWER_CHARS)}…`;
}

/** 413 from a discriminator: the body we forwarded was too large, which only the generator's text can cause. */
const TOO_LARGE = 413;

function recordReply(ctx: RoundContext, role: "generator" | "discriminator", reply: MinerReply): void {
  ctx.metrics?.minerRequests.inc({ role, outcome: reply.text === null ? "no_answer" : "answered" });
  ctx.metrics?.minerLatency.observe({ role }, reply.latencyMs / 1000);
}

export async function playRound(
  ctx: RoundContext,
  opts: { query?: string; signal?: AbortSignal; monotonic?: () => number } = {},
): Promise<RoundEvent> {
  // Wall time on purpose: how long the round took the machine (a metric), never a deadline or a stored time.
  const mono = opts.monotonic ?? (() => performance.now());
  const started = mono();
  const { settings, rng, logger } = ctx;
  const candidates = await ctx.sampler.candidates();
  if (candidates.length === 0) throw new NoMinersError();

  const query = opts.query ?? (await ctx.makeQuery(opts.signal));

  // Coin flip: reference round (GT=0) with probability reference_rate.
  let reference: string | null = null;
  let referenceFailed = false;
  if (rng() < settings.referenceRate) {
    try {
      reference = await withBudget(
        ctx.clock,
        settings.referenceTimeoutMs,
        (s) => ctx.research(query, s),
        opts.signal,
      );
    } catch (err) {
      // Upstream: a failed reference silently becomes a generator round; we count it.
      referenceFailed = true;
      ctx.metrics?.referenceFailures.inc();
      logger.warn({ err }, "reference failed; the round falls back to a generator round");
    }
  }

  let groundTruth: 0 | 1;
  let generators: Array<{ miner: MinerInfo; reply: MinerReply; undeliverable: boolean }> = [];
  let redundancyReference: string | null = null;
  if (reference !== null) {
    groundTruth = 0;
  } else {
    groundTruth = 1;
    const sampled = await ctx.sampler.sample(settings.generatorSampleSize);
    generators = await Promise.all(
      sampled.map(async (miner) => {
        const raw = await ctx.client.generate(miner, query, opts.signal);
        recordReply(ctx, "generator", raw);
        const { reply, undeliverable } = deliverable(settings, query, raw);
        if (undeliverable) logger.info({ generator: miner.hotkey, error: reply.error }, "generation refused");
        return { miner, reply, undeliverable };
      }),
    );
    if (rng() < settings.redundancyRate) {
      try {
        redundancyReference = await withBudget(
          ctx.clock,
          settings.referenceTimeoutMs,
          (s) => ctx.research(query, s),
          opts.signal,
        );
      } catch (err) {
        logger.warn({ err }, "redundancy reference failed (logged only)");
      }
    }
  }

  // Discriminators are sampled independently: the generator may be among them (upstream).
  const discriminators = await ctx.sampler.sample(settings.discriminatorSampleSize);

  // The shown text: a random generator result when GT=1 (failed generators show ""), else the reference.
  let shown: {
    hotkey: string;
    uid: number | null;
    text: string;
    latencyMs: number | null;
    undeliverable: boolean;
  };
  // One draw, only when there is a generator to draw (the RNG sequence is part of a seeded run).
  const g =
    groundTruth === 1 && generators.length > 0
      ? generators[Math.floor(rng() * generators.length)]
      : undefined;
  if (g) {
    shown = {
      hotkey: g.miner.hotkey,
      uid: g.miner.uid,
      text: g.reply.text ?? "",
      latencyMs: g.reply.latencyMs,
      undeliverable: g.undeliverable,
    };
  } else if (groundTruth === 1) {
    throw new NoMinersError();
  } else {
    shown = {
      hotkey: VALIDATOR_REFERENCE_LABEL,
      uid: null,
      text: reference ?? "",
      latencyMs: null,
      undeliverable: false,
    };
  }

  const replies = await Promise.all(
    discriminators.map(async (miner) => {
      const reply = await ctx.client.discriminate(miner, query, shown.text, opts.signal);
      recordReply(ctx, "discriminator", reply);
      return reply;
    }),
  );
  // Under the upstream policy a DropRoundError escapes here: the round is not stored, as upstream loses it.
  const answers = replies.map((r) => parseDiscriminatorAnswer(r.text, settings.dropRoundPolicy));
  // N = the sampled count, not the responders.
  const scores = scoreRound(groundTruth, answers);
  // Safe by default: the generator is not paid for a text it made undeliverable (upstream pays 1 − Σd).
  const tooLarge = replies.filter((r) => r.status === TOO_LARGE).length;
  const generatorCausedFailure =
    settings.maxDiscriminatorBodyBytes !== null &&
    groundTruth === 1 &&
    (shown.undeliverable || tooLarge * 2 > replies.length);
  const generatorScore = generatorCausedFailure ? 0 : scores.generatorScore;
  const results: DiscriminatorResultRecord[] = discriminators.map((miner, i) => ({
    hotkey: miner.hotkey,
    uid: miner.uid,
    answer: storedAnswer(answers[i] ?? null),
    correct: scores.correct[i] ?? false,
    score: scores.discriminatorScores[i] ?? 0,
    latencyMs: Math.round(replies[i]?.latencyMs ?? 0),
  }));

  const missing: MissingAnswer[] = [];
  for (const g of generators) {
    const reason = missReason(g.reply);
    if (reason) missing.push({ hotkey: g.miner.hotkey, uid: g.miner.uid, role: "generator", reason });
  }
  discriminators.forEach((miner, i) => {
    const reply = replies[i];
    if (!reply) throw new Error(`no reply recorded for discriminator ${miner.hotkey}`);
    const answer = answers[i];
    const reason = missReason(reply) ?? (answer === "0" || answer === "1" ? null : "invalid_answer");
    if (reason) missing.push({ hotkey: miner.hotkey, uid: miner.uid, role: "discriminator", reason });
  });

  const round: RoundRecord = {
    id: randomUUID(),
    createdAt: ctx.clock.now(),
    kind: groundTruth === 0 ? "reference" : "generator",
    groundTruth,
    query,
    shownText:
      shown.text.length > STORED_SHOWN_TEXT_CHARS
        ? `${shown.text.slice(0, STORED_SHOWN_TEXT_CHARS)}…`
        : shown.text,
    generatorHotkey: shown.hotkey,
    generatorUid: shown.uid,
    generatorLatencyMs: shown.latencyMs === null ? null : Math.round(shown.latencyMs),
    generatorScore,
    referenceFailed,
    discriminators: results,
  };
  ctx.store.insertRound(round);
  const durationMs = mono() - started;
  ctx.metrics?.rounds.inc({ kind: round.kind });
  ctx.metrics?.roundDuration.observe({ kind: round.kind }, durationMs / 1000);
  return {
    round,
    redundancyReference,
    generatorCandidates: generators.map((g) => ({
      hotkey: g.miner.hotkey,
      uid: g.miner.uid,
      text: g.reply.text,
      latencyMs: g.reply.latencyMs,
    })),
    missing,
    durationMs,
  };
}
