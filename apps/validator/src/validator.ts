// createValidator: wires the round pipeline (round-pipeline.ts), the weight cycle (weight-cycle.ts) and the status
// view (status-view.ts) on injected dependencies, and runs upstream's producer/consumer pipeline and scorer loop on
// the injected clock.
import type { ChainClient } from "@apex/chain";
import type { ResultsStore, RoundRecord } from "@apex/db";
import { type Clock, mulberry32 } from "@apex/protocol";
import type { ValidatorConfig } from "./config.js";
import { debugFiles } from "./debug-files.js";
import { type Logger, silentLogger } from "./logger.js";
import { createMetrics, type ValidatorMetrics } from "./metrics.js";
import type { RoundEvent } from "./round.js";
import { createRoundPipeline, fixedMiners, type RoundPipelineDeps } from "./round-pipeline.js";
import type { MinerSampler } from "./sampler.js";
import { readStatus, type ValidatorStatus } from "./status-view.js";
import { TaskQueue } from "./task-queue.js";
import { createWeightCycle, type WeightEvent } from "./weight-cycle.js";
import type { WeightOutcome } from "./weight-setter.js";

export interface ValidatorDeps extends RoundPipelineDeps {
  /** null/absent only in --no-chain mode. */
  chain?: ChainClient | null;
  /** Where the debug files go (pipeline.debug, miner_scorer.debug); default the working directory, as upstream. */
  debugDir?: string;
  logger?: Logger;
  rng?: () => number;
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
  const sawMetagraphAt = (block: number) => {
    chainHead = Math.max(chainHead ?? 0, block);
  };

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
  const debug = debugFiles(deps.debugDir ?? process.cwd());
  const fixed = fixedMiners(config);

  const pipeline = createRoundPipeline(config, deps, {
    // chain is null exactly in --no-chain mode (checked above).
    source: !chain
      ? { fixed }
      : {
          metagraph: async () => {
            const mg = await chain.metagraph(netuid);
            sawMetagraphAt(mg.block);
            return mg;
          },
        },
    rng,
    logger,
    metrics,
    debug,
  });
  const weights = createWeightCycle(config, {
    chain,
    hotkey,
    store,
    clock,
    rng,
    logger,
    metrics,
    debug,
    fetchImpl: deps.fetchImpl,
    fixed,
    sawMetagraphAt,
  });

  // --- the long-running loops ---
  let abort: AbortController | null = null;
  let loops: Promise<unknown>[] = [];
  let unsubscribe: (() => void) | null = null;
  let resolveDone: () => void = () => {};
  const donePromise = new Promise<void>((r) => {
    resolveDone = r;
  });

  function start(): void {
    if (abort) return;
    abort = new AbortController();
    const signal = abort.signal;
    const queue = new TaskQueue(config.pipeline.queue_size);
    // Started in this order (producer, scorer, consumers): on a virtual clock the order decides who runs first.
    loops = [pipeline.producer(signal, queue), weights.loop(signal)];
    for (let i = 0; i < config.pipeline.num_consumers; i++)
      loops.push(pipeline.consumer(signal, queue, () => void stop()));
    if (chain) {
      unsubscribe = chain.onBlock((block) => {
        chainHead = block;
        if (weights.pendingReveal)
          weights.revealIfDue().catch((err) => logger.warn({ err }, "reveal attempt failed"));
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
      pipeline.client.close();
      logger.info({ rounds: pipeline.finished }, "validator stopped");
      resolveDone();
    })();
    return stopping;
  }

  const statusSources = {
    hotkey: hotkey.address,
    network,
    netuid,
    noChain,
    windowHours: config.miner_scorer.window_hours,
    chain,
    store,
    sampler: pipeline.sampler,
    logger,
    chainHead: () => chainHead,
    setChainHead: (block: number) => {
      chainHead = block;
    },
    running: () => abort !== null && !abort.signal.aborted,
    roundsThisRun: pipeline.counts,
    missing: pipeline.missing,
    windowTotals: () => weights.windowTotals(),
    lastWeightOutcome: weights.lastOutcome,
  };

  return {
    config,
    metrics,
    sampler: pipeline.sampler,
    store,
    hotkey: hotkey.address,
    clock,
    stampClockFor: (minerHotkey) => pipeline.client.stampClockFor(minerHotkey),
    runRound: pipeline.runRound,
    scoreAndSetWeights: weights.scoreAndSetWeights,
    revealIfDue: weights.revealIfDue,
    windowTotals: weights.windowTotals,
    start,
    stop,
    done: () => donePromise,
    onRound: pipeline.onRound,
    onWeights: weights.onWeights,
    status: (recent = 20) => readStatus(statusSources, recent),
    latestRewards: weights.latestRewards,
    now: () => clock.now(),
    get chainHead() {
      return chainHead;
    },
  };
}
