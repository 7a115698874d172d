// Setting weights on a real chain's terms: registration, version key, rate limit, commit-reveal, retries within
// the tempo. Every attempt is recorded in the store; a failed call is never taken for success.
import {
  type ChainClient,
  ChainError,
  commitHash,
  epochIndex,
  firstBlockOfEpoch,
  type Hyperparameters,
} from "@apex/chain";
import type { ResultsStore, WeightMode, WeightSubmissionRecord } from "@apex/db";
import type { Clock, Signer, U16Weights } from "@apex/protocol";
import type { Logger } from "./logger.js";
import type { ValidatorMetrics } from "./metrics.js";

export interface WeightOutcome {
  ok: boolean;
  mode: WeightMode | "none";
  outcome: "ok" | "error" | "skipped";
  block: number | null;
  uids: number[];
  weights: number[];
  attempts: number;
  error: string | null;
  /** Chain error name when the chain refused. */
  chainError?: string;
}

interface PendingReveal {
  uids: number[];
  values: number[];
  salt: number[];
  versionKey: number;
  commitBlock: number;
  revealEpoch: number;
}

const FATAL = new Set([
  "IncorrectWeightVersionKey",
  "HotKeyNotRegisteredInNetwork",
  "HotKeyNotRegisteredInSubNet",
  "NotRegistered",
  "NeuronNoValidatorPermit",
  "NotEnoughStakeToSetWeights",
  "WeightVecLengthIsLow",
  "UidVecContainInvalidOne",
  "DuplicateUids",
  "MaxWeightExceeded",
  "SubNetworkDoesNotExist",
]);

export interface WeightSetterOptions {
  /** auto: timelocked when the chain client supports it, else hash-based; hash: always hash-based. */
  commitMode?: "auto" | "hash";
  netuid: number;
  versionKey: number;
  maxAttempts: number;
  backoffMs: number;
  rng: () => number;
}

export class WeightSetter {
  private pending: PendingReveal | null = null;
  private revealing = false;

  constructor(
    private readonly chain: ChainClient,
    private readonly hotkey: Signer,
    private readonly store: ResultsStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly opts: WeightSetterOptions,
    private readonly metrics?: ValidatorMetrics,
  ) {}

  get pendingReveal(): Readonly<PendingReveal> | null {
    return this.pending;
  }

  private record(
    mode: WeightMode,
    outcome: WeightSubmissionRecord["outcome"],
    block: number | null,
    w: { uids: number[]; weights: number[] },
    error: string | null,
  ): void {
    this.store.recordWeightSubmission({
      createdAt: this.clock.now(),
      block,
      netuid: this.opts.netuid,
      uids: w.uids,
      weights: w.weights,
      versionKey: this.opts.versionKey,
      mode,
      outcome,
      error,
    });
    this.metrics?.weightSubmissions.inc({ mode, outcome });
    const log = outcome === "ok" ? this.logger.info : this.logger.warn;
    log.call(this.logger, { mode, outcome, block, n: w.uids.length, error }, "weight submission");
  }

  /** Submits u16 weights, retrying within one tempo. */
  async submit(w: U16Weights): Promise<WeightOutcome> {
    const { netuid, versionKey } = this.opts;
    const started = this.clock.now();
    let attempts = 0;
    let last: WeightOutcome | null = null;
    const done = (o: Omit<WeightOutcome, "attempts" | "uids" | "weights">): WeightOutcome => ({
      ...o,
      attempts,
      uids: w.uids,
      weights: w.weights,
    });

    while (attempts < this.opts.maxAttempts) {
      attempts++;
      let hp: Hyperparameters;
      let block: number;
      let lastUpdate: number;
      try {
        hp = await this.chain.hyperparameters(netuid);
        const mg = await this.chain.metagraph(netuid);
        block = mg.block;
        const me = mg.neurons.find((n) => n.hotkey === this.hotkey.address);
        if (!me) {
          const error = `HotKeyNotRegisteredInNetwork: hotkey ${this.hotkey.address} has no uid on subnet ${netuid} (deregistered or never registered); register it again before setting weights`;
          this.record("set", "error", block, w, error);
          return done({
            ok: false,
            mode: "set",
            outcome: "error",
            block,
            error,
            chainError: "HotKeyNotRegisteredInNetwork",
          });
        }
        lastUpdate = me.lastUpdate;
      } catch (err) {
        const error = `cannot read the chain: ${(err as Error).message}`;
        this.record("set", "error", null, w, error);
        last = done({ ok: false, mode: "set", outcome: "error", block: null, error });
        if (!(await this.backoff(attempts, started, null))) return last;
        continue;
      }

      if (versionKey < hp.weightsVersion) {
        const error = `IncorrectWeightVersionKey: our version key ${versionKey} is below the subnet's weights_version ${hp.weightsVersion}; upgrade apex-ts (or set miner_scorer.version_key if you know better)`;
        this.record("set", "error", block, w, error);
        return done({
          ok: false,
          mode: "set",
          outcome: "error",
          block,
          error,
          chainError: "IncorrectWeightVersionKey",
        });
      }
      if (w.uids.length === 0) {
        const error = "nothing to set: no miner earned anything in the window";
        this.record("set", "skipped", block, w, error);
        return done({ ok: false, mode: "none", outcome: "skipped", block, error });
      }

      if (hp.commitRevealEnabled) return this.commit(w, hp, block, attempts);

      const since = block - lastUpdate;
      if (lastUpdate > 0 && since < hp.weightsRateLimit) {
        const waitBlocks = hp.weightsRateLimit - since;
        const error = `SettingWeightsTooFast: ${since} blocks since our last update, the subnet allows one every ${hp.weightsRateLimit}; ${waitBlocks} to go`;
        this.record("set", "skipped", block, w, error);
        last = done({
          ok: false,
          mode: "set",
          outcome: "skipped",
          block,
          error,
          chainError: "SettingWeightsTooFast",
        });
        if (!(await this.backoff(attempts, started, hp, waitBlocks * hp.blockTimeMs))) return last;
        continue;
      }

      try {
        const tx = await this.chain.setWeights(this.hotkey, {
          netuid,
          uids: w.uids,
          weights: w.weights,
          versionKey,
        });
        this.record("set", "ok", tx.block, w, null);
        return done({ ok: true, mode: "set", outcome: "ok", block: tx.block, error: null });
      } catch (err) {
        const name = err instanceof ChainError ? err.chainError : undefined;
        const error = (err as Error).message;
        this.record("set", "error", block, w, error);
        last = done({ ok: false, mode: "set", outcome: "error", block, error, chainError: name });
        if (name && FATAL.has(name)) return last;
        // CommitRevealEnabled: the hyperparameter changed under us; the next attempt re-reads it.
        if (name === "CommitRevealEnabled") continue;
        if (!(await this.backoff(attempts, started, hp))) return last;
      }
    }
    return last ?? done({ ok: false, mode: "set", outcome: "error", block: null, error: "no attempt made" });
  }

  /** Sleeps before the next attempt; false when that would leave the tempo (or no attempts remain). */
  private async backoff(
    attempt: number,
    started: number,
    hp: Hyperparameters | null,
    minWaitMs = 0,
  ): Promise<boolean> {
    if (attempt >= this.opts.maxAttempts) return false;
    const wait = Math.max(minWaitMs, this.opts.backoffMs * 2 ** (attempt - 1));
    const budget = hp ? hp.tempo * hp.blockTimeMs : this.opts.backoffMs * 2 ** this.opts.maxAttempts;
    if (this.clock.now() - started + wait > budget) return false;
    await this.clock.sleep(wait);
    return true;
  }

  private async commit(
    w: U16Weights,
    hp: Hyperparameters,
    block: number,
    attempts: number,
  ): Promise<WeightOutcome> {
    const { netuid, versionKey } = this.opts;
    const base = { uids: w.uids, weights: w.weights, attempts };
    if (this.pending) {
      // One outstanding commit at a time: reveal it first if its epoch came.
      await this.revealIfDue();
      if (this.pending) {
        const error = `a commit from block ${this.pending.commitBlock} waits for its reveal epoch ${this.pending.revealEpoch}`;
        this.record("commit", "skipped", block, w, error);
        return { ...base, ok: false, mode: "commit", outcome: "skipped", block, error };
      }
    }
    // Timelocked (drand) commit when the chain client offers it: the chain reveals by itself, as the SDK does.
    if (this.chain.commitTimelockedWeights && this.opts.commitMode !== "hash") {
      try {
        const tx = await this.chain.commitTimelockedWeights(this.hotkey, {
          netuid,
          uids: w.uids,
          weights: w.weights,
          versionKey,
        });
        this.record("commit", "ok", tx.block, w, null);
        return { ...base, ok: true, mode: "commit", outcome: "ok", block: tx.block, error: null };
      } catch (err) {
        return this.commitFailed(base, block, w, err);
      }
    }
    const salt = Array.from({ length: 8 }, () => Math.floor(this.opts.rng() * 65536));
    const hash = commitHash(this.hotkey.publicKey, netuid, w.uids, w.weights, salt, versionKey);
    try {
      const tx = await this.chain.commitWeights(this.hotkey, netuid, hash);
      this.pending = {
        uids: w.uids,
        values: w.weights,
        salt,
        versionKey,
        commitBlock: tx.block,
        revealEpoch: epochIndex(netuid, hp.tempo, tx.block) + Math.max(1, hp.commitRevealPeriod),
      };
      this.record("commit", "ok", tx.block, w, null);
      return { ...base, ok: true, mode: "commit", outcome: "ok", block: tx.block, error: null };
    } catch (err) {
      return this.commitFailed(base, block, w, err);
    }
  }

  /** A commit the chain refused: recorded, and returned as the outcome with the chain's error name. */
  private commitFailed(
    base: Pick<WeightOutcome, "uids" | "weights" | "attempts">,
    block: number,
    w: U16Weights,
    err: unknown,
  ): WeightOutcome {
    const error = (err as Error).message;
    this.record("commit", "error", block, w, error);
    return {
      ...base,
      ok: false,
      mode: "commit",
      outcome: "error",
      block,
      error,
      chainError: err instanceof ChainError ? err.chainError : undefined,
    };
  }

  /** Blocks until the pending commit may be revealed (0 when due now), or null when nothing is pending. */
  async blocksUntilReveal(): Promise<number | null> {
    if (!this.pending) return null;
    const hp = await this.chain.hyperparameters(this.opts.netuid);
    const block = await this.chain.currentBlock();
    return Math.max(0, firstBlockOfEpoch(this.opts.netuid, hp.tempo, this.pending.revealEpoch) - block);
  }

  /** Reveals the pending commit when its epoch has come; null when there was nothing to do yet. */
  async revealIfDue(): Promise<WeightOutcome | null> {
    const p = this.pending;
    if (!p || this.revealing) return null;
    this.revealing = true;
    try {
      const { netuid } = this.opts;
      const hp = await this.chain.hyperparameters(netuid);
      const block = await this.chain.currentBlock();
      const epoch = epochIndex(netuid, hp.tempo, block);
      const w = { uids: p.uids, weights: p.values };
      const base = { uids: p.uids, weights: p.values, attempts: 1 };
      if (epoch < p.revealEpoch) return null;
      try {
        const tx = await this.chain.revealWeights(this.hotkey, {
          netuid,
          uids: p.uids,
          values: p.values,
          salt: p.salt,
          versionKey: p.versionKey,
        });
        this.pending = null;
        this.record("reveal", "ok", tx.block, w, null);
        return { ...base, ok: true, mode: "reveal", outcome: "ok", block: tx.block, error: null };
      } catch (err) {
        const name = err instanceof ChainError ? err.chainError : undefined;
        const error = (err as Error).message;
        this.record("reveal", "error", block, w, error);
        // Too early: our epoch arithmetic and the chain's disagree by a block; try again on a later block.
        if (name !== "RevealTooEarly") this.pending = null;
        return { ...base, ok: false, mode: "reveal", outcome: "error", block, error, chainError: name };
      }
    } finally {
      this.revealing = false;
    }
  }
}
