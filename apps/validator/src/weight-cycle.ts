// The weight cycle: every miner_scorer.interval, the scoring window's totals → (peers' totals merged by the weight
// syncer) → weights → set or committed on chain by the weight setter (or a log line in --no-chain mode).
import type { ChainClient } from "@apex/chain";
import type { ResultsStore } from "@apex/db";
import type { Clock, Signer } from "@apex/protocol";
import { addressPolicy, type ValidatorConfig } from "./config.js";
import type { DebugFiles } from "./debug-files.js";
import type { Logger } from "./logger.js";
import type { ValidatorMetrics } from "./metrics.js";
import type { MinerInfo } from "./sampler.js";
import { rewardsToVector, scoreWindow, vectorToU16, type WindowRule, windowStartMs } from "./scorer.js";
import { WeightSyncer } from "./syncer.js";
import { type WeightOutcome, WeightSetter } from "./weight-setter.js";

export interface WeightEvent {
  at: number;
  totals: Record<string, number>;
  outcome: WeightOutcome;
}

export interface WeightCycleParts {
  /** null in --no-chain mode. */
  chain: ChainClient | null;
  hotkey: Signer;
  store: ResultsStore;
  clock: Clock;
  rng: () => number;
  logger: Logger;
  metrics: ValidatorMetrics;
  debug: DebugFiles;
  fetchImpl?: typeof fetch;
  /** The --no-chain miners, whose list positions are the uids the logged weights use. */
  fixed: MinerInfo[];
  /** Told the block of each metagraph the cycle reads. */
  sawMetagraphAt: (block: number) => void;
}

export interface WeightCycle {
  /** Window totals → weights → chain (or a log line in --no-chain mode). */
  scoreAndSetWeights(): Promise<WeightOutcome>;
  /** Reveals a pending commit when its epoch came. */
  revealIfDue(): Promise<WeightOutcome | null>;
  /** True while a commit waits for its reveal. */
  readonly pendingReveal: boolean;
  /** Current window totals (policy applied, before any syncer merge). */
  windowTotals(now?: number): Map<string, number>;
  /** Scores and sets weights, then sleeps miner_scorer.interval, until `signal` aborts. */
  loop(signal: AbortSignal): Promise<void>;
  onWeights(listener: (e: WeightEvent) => void): () => void;
  /** The latest cycle's outcome (null before the first). */
  lastOutcome(): WeightOutcome | null;
  /** The latest raw totals served to peers by the weight syncer, with their time. */
  latestRewards(): { at: number; rewards: Record<string, number> } | null;
}

export function createWeightCycle(config: ValidatorConfig, parts: WeightCycleParts): WeightCycle {
  const { chain, hotkey, store, clock, rng, logger, metrics, debug, fixed } = parts;
  const netuid = config.chain.netuid;
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

  const ws = config.weight_syncer;
  const syncer =
    chain && (ws.enable_receive || ws.enable_send)
      ? new WeightSyncer(chain, hotkey, clock, logger, {
          netuid,
          minAlphaStake: ws.min_alpha_stake,
          stakeMeasure: config.chain.stake,
          verifiedHotkeys: ws.verified_hotkeys,
          timeoutMs: ws.request_timeout * 1000,
          fetchImpl: parts.fetchImpl,
          addressPolicy: addressPolicy(config),
          merge: ws.merge,
          maxPeerShare: ws.max_peer_share,
        })
      : null;

  const weightListeners = new Set<(e: WeightEvent) => void>();
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

  /** --no-chain mode: the weights are logged and recorded as skipped, never sent. */
  function logWeightsOnly(totals: Map<string, number>, now: number): WeightOutcome {
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
    return {
      ok: false,
      mode: "none",
      outcome: "skipped",
      block: null,
      uids: w.uids,
      weights: w.weights,
      attempts: 0,
      error: "no-chain mode",
    };
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
    if (!chain || !setter) outcome = logWeightsOnly(totals, now);
    else {
      try {
        const mg = await chain.metagraph(netuid);
        parts.sawMetagraphAt(mg.block);
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

  async function loop(signal: AbortSignal): Promise<void> {
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

  return {
    scoreAndSetWeights,
    revealIfDue: () => (setter ? setter.revealIfDue() : Promise.resolve(null)),
    get pendingReveal() {
      return Boolean(setter?.pendingReveal);
    },
    windowTotals,
    loop,
    onWeights(listener) {
      weightListeners.add(listener);
      return () => weightListeners.delete(listener);
    },
    lastOutcome: () => lastOutcome,
    latestRewards: () => latest,
  };
}
