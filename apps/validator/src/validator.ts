// createValidator: wires sampler, miner client, rounds, scorer and weight setter on injected dependencies, and
// runs upstream's producer/consumer pipeline and scorer loop on the injected clock.
import type { ChainClient } from "@apex/chain";
import type { ResultsStore, RoundRecord } from "@apex/db";
import type { TextBackend, WebSearch } from "@apex/llm";
import { type Clock, MINER_MAX_BODY_BYTES, mulberry32, type Signer } from "@apex/protocol";
import { addressPolicy, type ValidatorConfig } from "./config.js";
import { debugFiles } from "./debug-files.js";
import { llmQueryMaker, llmResearcher, type QueryMaker, type Researcher } from "./llm-adapter.js";
import { type Logger, silentLogger } from "./logger.js";
import { createMetrics, type ValidatorMetrics } from "./metrics.js";
import { MinerClient } from "./miner-client.js";
import { playRound, type RoundContext, type RoundEvent } from "./round.js";
import { type MinerInfo, MinerSampler } from "./sampler.js";
import { rewardsToVector, scoreWindow, vectorToU16, type WindowRule, windowStartMs } from "./scorer.js";
import { WeightSyncer } from "./syncer.js";
import { type WeightOutcome, WeightSetter } from "./weight-setter.js";

export interface ValidatorDeps {
  /** null/absent only in --no-chain mode. */
  chain?: ChainClient | null;
  hotkey: Signer;
  store: ResultsStore;
  backend: TextBackend;
  /** Model for the final research report (upstream's final_model); defaults to `backend`. */
  finalBackend?: TextBackend;
  /** Model for the research steps (upstream's research_model); defaults to `backend`. */
  researchBackend?: TextBackend;
  /** Where the debug files go (pipeline.debug, miner_scorer.debug); default the working directory, as upstream. */
  debugDir?: string;
  search: WebSearch;
  clock: Clock;
  logger?: Logger;
  rng?: () => number;
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

export interface WeightEvent {
  at: number;
  totals: Record<string, number>;
  outcome: WeightOutcome;
}

export interface ValidatorStatus {
  hotkey: string;
  network: string;
  netuid: number;
  noChain: boolean;
  chainHead: number | null;
  running: boolean;
  roundsStored: number;
  roundsThisRun: { reference: number; generator: number; referenceFailed: number; errors: number };
  windowHours: number;
  windowTotals: Record<string, number>;
  lastWeightSubmission: ReturnType<ResultsStore["lastWeightSubmission"]>;
  lastWeightOutcome: WeightOutcome | null;
  /** Answers that did not arrive this run, by miner hotkey and reason (see MissReason). */
  missing: Record<string, Record<string, number>>;
  recentRounds: RoundRecord[];
  tempo: number | null;
  /** The metagraph as last read (null without a chain). */
  neurons: Array<{
    uid: number;
    hotkey: string;
    stake: number;
    validatorPermit: boolean;
    incentive: number;
    dividends: number;
    emission: number;
    axon: { ip: string; port: number };
  }> | null;
}

export interface Validator {
  readonly config: ValidatorConfig;
  readonly metrics: ValidatorMetrics;
  readonly sampler: MinerSampler;
  readonly store: ResultsStore;
  readonly hotkey: string;
  /** The clock of its cadences, deadlines and stored times. */
  readonly clock: Clock;
  /** The clock whose time stamps a request to this miner (Epistula freshness is checked against it). */
  stampClockFor(minerHotkey: string): Clock;
  /** One whole round: query, reference or generator, discriminators, scores, stored. */
  runRound(opts?: { query?: string; signal?: AbortSignal }): Promise<RoundRecord>;
  /** Window totals → weights → chain (or a log line in --no-chain mode). */
  scoreAndSetWeights(): Promise<WeightOutcome>;
  /** Reveals a pending commit when its epoch came (also run on every block after start()). */
  revealIfDue(): Promise<WeightOutcome | null>;
  /** Current window totals (policy applied, before any syncer merge). */
  windowTotals(): Map<string, number>;
  start(): void;
  stop(): Promise<void>;
  /** Resolves when the validator stopped (after stop(), or after pipeline.rounds rounds). */
  done(): Promise<void>;
  onRound(listener: (e: RoundEvent) => void): () => void;
  onWeights(listener: (e: WeightEvent) => void): () => void;
  status(recent?: number): Promise<ValidatorStatus>;
  /** The latest raw totals served to peers by the weight syncer, with their time. */
  latestRewards(): { at: number; rewards: Record<string, number> } | null;
  readonly chainHead: number | null;
  /** The injected clock's time. */
  now(): number;
}

/** Small, fast, seedable PRNG (mulberry32, shared through @apex/protocol). */
export const seededRng: (seed: number) => () => number = mulberry32;

class TaskQueue {
  private items: number[] = [];
  private waiters: Array<(v: number) => void> = [];
  constructor(private readonly bound: number) {}
  /** False when full (the task is dropped, as a bounded asyncio queue would block the producer). */
  push(v: number): boolean {
    const w = this.waiters.shift();
    if (w) {
      w(v);
      return true;
    }
    if (this.items.length >= this.bound) return false;
    this.items.push(v);
    return true;
  }
  take(signal: AbortSignal): Promise<number> {
    const v = this.items.shift();
    if (v !== undefined) return Promise.resolve(v);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiters = this.waiters.filter((x) => x !== wake);
        reject(signal.reason);
      };
      const wake = (x: number) => {
        signal.removeEventListener("abort", onAbort);
        resolve(x);
      };
      if (signal.aborted) return reject(signal.reason);
      this.waiters.push(wake);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
  get length(): number {
    return this.items.length;
  }
}

export function createValidator(config: ValidatorConfig, deps: ValidatorDeps): Validator {
  const { store, clock, hotkey } = deps;
  const logger = deps.logger ?? silentLogger;
  const rng =
    deps.rng ?? (config.pipeline.seed !== undefined ? seededRng(config.pipeline.seed) : Math.random);
  const noChain = config.chain.no_chain;
  const chain = noChain ? null : (deps.chain ?? null);
  if (!noChain && !chain)
    throw new Error("createValidator: a chain client is required unless chain.no_chain is set");
  const netuid = config.chain.netuid;
  const network = Array.isArray(config.chain.network) ? config.chain.network.join(",") : config.chain.network;
  let chainHead: number | null = null;

  const dbSizeBytes = store.dbSizeBytes?.bind(store);
  const metrics = createMetrics(
    () => {
      try {
        return dbSizeBytes ? dbSizeBytes() : 0;
      } catch {
        return 0;
      }
    },
    () => chainHead,
  );

  const sc = config.miner_sampler;
  const fixed: MinerInfo[] = config.chain.miners.map((m, i) => ({
    uid: i,
    hotkey: m.hotkey,
    coldkey: "",
    address: m.url,
  }));
  const sampler = new MinerSampler(
    noChain
      ? { fixed }
      : {
          metagraph: async () => {
            const mg = await chain!.metagraph(netuid);
            chainHead = Math.max(chainHead ?? 0, mg.block);
            return mg;
          },
        },
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
      clock,
    });
  const record = deps.recordReference;
  const research: Researcher = record
    ? async (query, signal) => {
        const reference = await writeReference(query, signal);
        record(query, reference);
        return reference;
      }
    : writeReference;

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

  const setter = chain
    ? new WeightSetter(
        chain,
        hotkey,
        store,
        clock,
        logger,
        {
          netuid,
          versionKey: config.miner_scorer.version_key,
          maxAttempts: config.miner_scorer.max_attempts,
          backoffMs: config.miner_scorer.retry_backoff * 1000,
          rng,
        },
        metrics,
      )
    : null;

  const debug = debugFiles(deps.debugDir ?? process.cwd());

  const ws = config.weight_syncer;
  const syncer =
    chain && (ws.enable_receive || ws.enable_send)
      ? new WeightSyncer(chain, hotkey, clock, logger, {
          netuid,
          minAlphaStake: ws.min_alpha_stake,
          stakeMeasure: config.chain.stake,
          verifiedHotkeys: ws.verified_hotkeys,
          timeoutMs: ws.request_timeout * 1000,
          fetchImpl: deps.fetchImpl,
          addressPolicy: addressPolicy(config),
          merge: ws.merge,
          maxPeerShare: ws.max_peer_share,
        })
      : null;

  const roundListeners = new Set<(e: RoundEvent) => void>();
  const weightListeners = new Set<(e: WeightEvent) => void>();
  const counts = { reference: 0, generator: 0, referenceFailed: 0, errors: 0 };
  const missing = new Map<string, Record<string, number>>();
  let lastOutcome: WeightOutcome | null = null;
  let latest: { at: number; rewards: Record<string, number> } | null = null;

  const windowRule: WindowRule = {
    windowHours: config.miner_scorer.window_hours,
    policy: config.miner_scorer.policy,
    summation: config.miner_scorer.summation,
  };
  const precision = config.miner_scorer.weight_precision;

  function windowTotals(now: number = clock.now()): Map<string, number> {
    return scoreWindow(store, now, windowRule);
  }

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

  async function scoreAndSetWeights(): Promise<WeightOutcome> {
    const now = clock.now();
    let totals = windowTotals(now);
    try {
      store.pruneBefore(windowStartMs(now, windowRule));
    } catch (err) {
      logger.warn({ err }, "pruning old rounds failed; retrying next cycle");
    }
    latest = { at: now, rewards: Object.fromEntries(totals) };
    if (config.miner_scorer.debug) {
      try {
        debug.rewards(now, totals);
      } catch (err) {
        logger.warn({ err }, "cannot write debug_rewards.jsonl");
      }
    }
    if (syncer && ws.enable_receive) {
      try {
        totals = (await syncer.sync(totals)).totals;
      } catch (err) {
        logger.warn({ err }, "weight syncer failed; using our own totals");
      }
    }
    let outcome: WeightOutcome;
    if (!chain || !setter) {
      const w = vectorToU16(rewardsToVector(totals, { neurons: fixed }), precision);
      logger.info({ uids: w.uids, weights: w.weights }, "no-chain mode: the weights I would set");
      store.recordWeightSubmission({
        createdAt: now,
        block: null,
        netuid,
        uids: w.uids,
        weights: w.weights,
        versionKey: config.miner_scorer.version_key,
        mode: "set",
        outcome: "skipped",
        error: "no-chain mode: weights only logged",
      });
      metrics.weightSubmissions.inc({ mode: "set", outcome: "skipped" });
      outcome = {
        ok: false,
        mode: "none",
        outcome: "skipped",
        block: null,
        uids: w.uids,
        weights: w.weights,
        attempts: 0,
        error: "no-chain mode",
      };
    } else {
      try {
        const mg = await chain.metagraph(netuid);
        chainHead = Math.max(chainHead ?? 0, mg.block);
        const burn = config.miner_scorer.burn_share;
        const owner = burn > 0 ? await chain.subnetOwnerHotkey(netuid) : null;
        const w = vectorToU16(
          rewardsToVector(totals, mg, { burnShare: burn, ownerHotkey: owner }),
          precision,
        );
        outcome = await setter.submit(w);
      } catch (err) {
        const error = `weight setting failed: ${(err as Error).message}`;
        logger.error({ err }, error);
        outcome = {
          ok: false,
          mode: "none",
          outcome: "error",
          block: null,
          uids: [],
          weights: [],
          attempts: 0,
          error,
        };
      }
    }
    lastOutcome = outcome;
    for (const l of weightListeners) {
      try {
        l({ at: now, totals: Object.fromEntries(totals), outcome });
      } catch (err) {
        logger.warn({ err }, "weights listener threw");
      }
    }
    return outcome;
  }

  // --- the long-running loops ---
  let abort: AbortController | null = null;
  let loops: Promise<unknown>[] = [];
  let unsubscribe: (() => void) | null = null;
  let resolveDone: () => void = () => {};
  const donePromise = new Promise<void>((r) => {
    resolveDone = r;
  });
  let started = 0;
  let finished = 0;

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

  async function consumer(signal: AbortSignal, queue: TaskQueue, limit: number): Promise<void> {
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
        void stop();
        return;
      }
      try {
        await clock.sleep(config.pipeline.timeout_consumer * 1000, signal);
      } catch {
        return;
      }
    }
  }

  async function scorerLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await scoreAndSetWeights();
      } catch (err) {
        logger.error({ err }, "scorer cycle failed");
      }
      try {
        await clock.sleep(config.miner_scorer.interval * 1000, signal);
      } catch {
        return;
      }
    }
  }

  function start(): void {
    if (abort) return;
    abort = new AbortController();
    const signal = abort.signal;
    const queue = new TaskQueue(config.pipeline.queue_size);
    const limit = config.pipeline.rounds;
    loops = [producer(signal, queue), scorerLoop(signal)];
    for (let i = 0; i < config.pipeline.num_consumers; i++) loops.push(consumer(signal, queue, limit));
    if (chain) {
      unsubscribe = chain.onBlock((block) => {
        chainHead = block;
        if (setter?.pendingReveal)
          setter.revealIfDue().catch((err) => logger.warn({ err }, "reveal attempt failed"));
      });
    }
    logger.info({ hotkey: hotkey.address, network, netuid, noChain }, "validator started");
  }

  let stopping: Promise<void> | null = null;
  function stop(): Promise<void> {
    if (stopping) return stopping;
    stopping = (async () => {
      abort?.abort(new Error("validator stopped"));
      unsubscribe?.();
      await Promise.allSettled(loops);
      client.close();
      logger.info({ rounds: finished }, "validator stopped");
      resolveDone();
    })();
    return stopping;
  }

  async function status(recent = 20): Promise<ValidatorStatus> {
    let tempo: number | null = null;
    let neurons: ValidatorStatus["neurons"] = null;
    if (chain) {
      try {
        chainHead = await chain.currentBlock();
        tempo = (await chain.hyperparameters(netuid)).tempo;
        const mg = await sampler.metagraph();
        neurons =
          mg?.neurons.map((n) => ({
            uid: n.uid,
            hotkey: n.hotkey,
            stake: n.stake,
            validatorPermit: n.validatorPermit,
            incentive: n.incentive,
            dividends: n.dividends,
            emission: n.emission,
            axon: { ip: n.axon.ip, port: n.axon.port },
          })) ?? null;
      } catch (err) {
        logger.debug({ err }, "status: chain read failed");
      }
    }
    return {
      hotkey: hotkey.address,
      network: noChain ? "none" : network,
      netuid,
      noChain,
      chainHead,
      running: abort !== null && !abort.signal.aborted,
      roundsStored: store.roundCount(),
      roundsThisRun: { ...counts },
      windowHours: config.miner_scorer.window_hours,
      windowTotals: Object.fromEntries(windowTotals()),
      lastWeightSubmission: store.lastWeightSubmission(),
      lastWeightOutcome: lastOutcome,
      missing: Object.fromEntries([...missing].map(([h, r]) => [h, { ...r }])),
      recentRounds: store.recentRounds(recent),
      tempo,
      neurons,
    };
  }

  return {
    config,
    metrics,
    sampler,
    store,
    hotkey: hotkey.address,
    clock,
    stampClockFor: (minerHotkey) => client.stampClockFor(minerHotkey),
    runRound,
    scoreAndSetWeights,
    revealIfDue: () => (setter ? setter.revealIfDue() : Promise.resolve(null)),
    windowTotals,
    start,
    stop,
    done: () => donePromise,
    onRound(listener) {
      roundListeners.add(listener);
      return () => roundListeners.delete(listener);
    },
    onWeights(listener) {
      weightListeners.add(listener);
      return () => weightListeners.delete(listener);
    },
    status,
    latestRewards: () => latest,
    now: () => clock.now(),
    get chainHead() {
      return chainHead;
    },
  };
}
