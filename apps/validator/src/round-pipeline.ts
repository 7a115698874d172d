// The round pipeline: upstream's producer (one task per timeout_producer) feeding num_consumers consumers through
// a bounded queue; each consumer plays a whole round (round.ts), stores it and tells the listeners.
import type { ResultsStore, RoundRecord } from "@apex/db";
import type { TextBackend, WebSearch } from "@apex/llm";
import { type Clock, MINER_MAX_BODY_BYTES, type Signer } from "@apex/protocol";
import { addressPolicy, type ValidatorConfig } from "./config.js";
import type { DebugFiles } from "./debug-files.js";
import { llmQueryMaker, llmResearcher, type QueryMaker, type Researcher } from "./llm-adapter.js";
import type { Logger } from "./logger.js";
import type { ValidatorMetrics } from "./metrics.js";
import { MinerClient } from "./miner-client.js";
import { playRound, type RoundContext, type RoundEvent } from "./round.js";
import { type MinerInfo, MinerSampler, type MinerSource } from "./sampler.js";
import type { TaskQueue } from "./task-queue.js";

/** What the pipeline needs from the validator's injected dependencies. */
export interface RoundPipelineDeps {
  hotkey: Signer;
  store: ResultsStore;
  backend: TextBackend;
  /** Model for the final research report (upstream's final_model); defaults to `backend`. */
  finalBackend?: TextBackend;
  /** Model for the research steps (upstream's research_model); defaults to `backend`. */
  researchBackend?: TextBackend;
  search: WebSearch;
  clock: Clock;
  fetchImpl?: typeof fetch;
  /** Overrides for the query and reference makers (default: built from backend + search). */
  makeQuery?: QueryMaker;
  research?: Researcher;
  /** Told each reference the researcher wrote (the localnet records them with --record-references). */
  recordReference?: (query: string, reference: string) => void;
  /**
   * Clock for Epistula timestamps (default: `clock`), or one per miner hotkey: a localnet on a virtual clock
   * stamps its own miners with virtual time and outside miners with wall time.
   */
  stampClock?: Clock | ((minerHotkey: string) => Clock);
  /** Real-time source for latencies (default performance.now). */
  monotonic?: () => number;
}

/** What the pipeline shares with the rest of the validator. */
export interface RoundPipelineParts {
  /** Where the sampler reads its miners: the fixed list in --no-chain mode, else the chain's metagraph. */
  source: MinerSource | { fixed: MinerInfo[] };
  rng: () => number;
  logger: Logger;
  metrics: ValidatorMetrics;
  debug: DebugFiles;
}

export interface RoundCounts {
  reference: number;
  generator: number;
  referenceFailed: number;
  errors: number;
}

export interface RoundPipeline {
  readonly sampler: MinerSampler;
  readonly client: MinerClient;
  /** One whole round: query, reference or generator, discriminators, scores, stored. */
  runRound(opts?: { query?: string; signal?: AbortSignal }): Promise<RoundRecord>;
  onRound(listener: (e: RoundEvent) => void): () => void;
  /** Upstream's producer: one task every timeout_producer seconds into `queue`, until `signal` aborts. */
  producer(signal: AbortSignal, queue: TaskQueue): Promise<void>;
  /**
   * One consumer: takes a task, plays a round, rests timeout_consumer seconds, until `signal` aborts. Calls
   * `onLimitReached` once pipeline.rounds rounds finished (0: no limit).
   */
  consumer(signal: AbortSignal, queue: TaskQueue, onLimitReached: () => void): Promise<void>;
  /** Rounds this run, by kind, with the reference failures and the rounds that failed. */
  counts(): RoundCounts;
  /** Answers that did not arrive this run, by miner hotkey and reason. */
  missing(): Record<string, Record<string, number>>;
  /** Rounds the consumers finished this run. */
  readonly finished: number;
}

/** The miners of `chain.miners` (the --no-chain list), with their list position as uid. */
export function fixedMiners(config: ValidatorConfig): MinerInfo[] {
  return config.chain.miners.map((m, i) => ({ uid: i, hotkey: m.hotkey, coldkey: "", address: m.url }));
}

function researcher(config: ValidatorConfig, deps: RoundPipelineDeps, rng: () => number) {
  const makeQuery =
    deps.makeQuery ??
    llmQueryMaker({
      backend: deps.backend,
      search: deps.search,
      rng,
      maxResults: config.websearch.max_results,
      maxTokens: config.llm.max_tokens,
      temperature: config.llm.temperature,
    });
  const writeReference =
    deps.research ??
    llmResearcher({
      backend: deps.researchBackend ?? deps.backend,
      finalBackend: deps.finalBackend,
      search: deps.search,
      maxSteps: config.deep_research.max_steps,
      // Leave a fifth of the budget for the final report; the round's hard deadline is the whole budget.
      deadlineMs: config.deep_research.timeout * 800,
      maxTokens: config.deep_research.max_tokens_total,
      clock: deps.clock,
    });
  const record = deps.recordReference;
  const research: Researcher = record
    ? async (query, signal) => {
        const reference = await writeReference(query, signal);
        record(query, reference);
        return reference;
      }
    : writeReference;
  return { makeQuery, research };
}

export function createRoundPipeline(
  config: ValidatorConfig,
  deps: RoundPipelineDeps,
  parts: RoundPipelineParts,
): RoundPipeline {
  const { store, clock, hotkey } = deps;
  const { rng, logger, metrics, debug } = parts;
  const sc = config.miner_sampler;
  const sampler = new MinerSampler(
    parts.source,
    {
      mode: sc.sample_mode,
      validatorMinStake: sc.validator_min_stake,
      stakeMeasure: config.chain.stake,
      ownHotkey: hotkey.address,
      addressPolicy: addressPolicy(config),
      dedupeIp: sc.dedupe_ip,
      dedupeColdkey: sc.dedupe_coldkey,
      availableUids: sc.available_uids,
      availableAddresses: sc.available_addresses,
      candidateTtlMs: sc.candidate_ttl * 1000,
      metagraphTtlMs: sc.metagraph_ttl * 1000,
    },
    clock,
    rng,
  );

  const client = new MinerClient(hotkey, clock, {
    timeoutMs: sc.request_timeout * 1000,
    maxResponseBytes: sc.max_response_bytes,
    maxConcurrency: sc.max_concurrency,
    monotonic: deps.monotonic,
    fetchImpl: deps.fetchImpl,
    stampClock: deps.stampClock,
  });

  const { makeQuery, research } = researcher(config, deps, rng);
  const ctx: RoundContext = {
    settings: {
      referenceRate: config.pipeline.reference_rate,
      redundancyRate: config.pipeline.redundancy_rate,
      generatorSampleSize: sc.generator_sample_size,
      discriminatorSampleSize: sc.discriminator_sample_size,
      referenceTimeoutMs: config.deep_research.timeout * 1000,
      maxDiscriminatorBodyBytes: config.pipeline.deliverability_check
        ? Math.min(sc.max_discriminator_body_bytes, MINER_MAX_BODY_BYTES)
        : null,
      dropRoundPolicy: config.pipeline.drop_round_replies,
    },
    sampler,
    client,
    makeQuery,
    research,
    store,
    clock,
    rng,
    logger,
    metrics,
  };

  const roundListeners = new Set<(e: RoundEvent) => void>();
  const counts: RoundCounts = { reference: 0, generator: 0, referenceFailed: 0, errors: 0 };
  const missing = new Map<string, Record<string, number>>();
  let started = 0;
  let finished = 0;

  async function runRound(opts: { query?: string; signal?: AbortSignal } = {}): Promise<RoundRecord> {
    const event = await playRound(ctx, { ...opts, monotonic: deps.monotonic });
    if (config.pipeline.debug) {
      try {
        debug.round(clock.now(), event);
      } catch (err) {
        logger.warn({ err }, "cannot write the pipeline debug log");
      }
    }
    counts[event.round.kind]++;
    if (event.round.referenceFailed) counts.referenceFailed++;
    for (const m of event.missing) {
      const byReason = missing.get(m.hotkey) ?? {};
      byReason[m.reason] = (byReason[m.reason] ?? 0) + 1;
      missing.set(m.hotkey, byReason);
      metrics.missingAnswers.inc({ role: m.role, reason: m.reason });
    }
    logger.info(
      {
        round: event.round.id,
        kind: event.round.kind,
        generator: event.round.generatorHotkey,
        g: event.round.generatorScore,
        answered: event.round.discriminators.filter((d) => d.answer !== null).length,
        sampled: event.round.discriminators.length,
        missing: event.missing.length,
        ms: Math.round(event.durationMs),
      },
      "round stored",
    );
    for (const l of roundListeners) {
      try {
        l(event);
      } catch (err) {
        logger.warn({ err }, "round listener threw");
      }
    }
    return event.round;
  }

  async function producer(signal: AbortSignal, queue: TaskQueue): Promise<void> {
    let id = 0;
    while (!signal.aborted) {
      if (!queue.push(id++)) logger.warn({ size: queue.length }, "task queue full; dropping a task");
      try {
        await clock.sleep(config.pipeline.timeout_producer * 1000, signal);
      } catch {
        return;
      }
    }
  }

  async function consumer(signal: AbortSignal, queue: TaskQueue, onLimitReached: () => void): Promise<void> {
    const limit = config.pipeline.rounds;
    while (!signal.aborted) {
      try {
        await queue.take(signal);
      } catch {
        return;
      }
      if (limit > 0 && started >= limit) return;
      started++;
      try {
        await runRound({ signal });
        finished++;
      } catch (err) {
        if (signal.aborted) return;
        counts.errors++;
        started--; // a failed round does not count toward --rounds
        logger.error({ err }, "round failed");
      }
      if (limit > 0 && finished >= limit) {
        onLimitReached();
        return;
      }
      try {
        await clock.sleep(config.pipeline.timeout_consumer * 1000, signal);
      } catch {
        return;
      }
    }
  }

  return {
    sampler,
    client,
    runRound,
    onRound(listener) {
      roundListeners.add(listener);
      return () => roundListeners.delete(listener);
    },
    producer,
    consumer,
    counts: () => ({ ...counts }),
    missing: () => Object.fromEntries([...missing].map(([h, r]) => [h, { ...r }])),
    get finished() {
      return finished;
    },
  };
}
