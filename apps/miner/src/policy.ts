// Who may query this miner: a fixed trusted set (--no-chain), or validators from the metagraph (permit or stake).
import { type ChainClient, type Metagraph, type StakeMeasure, stakeOf } from "@apex/chain";
import type { Clock } from "@apex/protocol";

export interface VerifyPolicy {
  /** Synchronous and cheap: called for every request after the cheap Epistula checks. */
  isAllowed(hotkey: string): boolean;
  readonly description: string;
  close?(): void;
}

export function trustedSetPolicy(hotkeys: Iterable<string>): VerifyPolicy {
  const set = new Set(hotkeys);
  return {
    isAllowed: (h) => set.has(h),
    description: `trusted set of ${set.size} hotkey(s)`,
  };
}

/** Signers allowed by a metagraph: a validator permit, or stake ≥ minStake (whole units, by `measure`). */
export function allowedFromMetagraph(
  mg: Metagraph,
  minStake: number,
  measure: StakeMeasure = "alpha",
): Set<string> {
  const out = new Set<string>();
  for (const n of mg.neurons) if (n.validatorPermit || stakeOf(n, measure) >= minStake) out.add(n.hotkey);
  return out;
}

export interface MetagraphPolicyOptions {
  chain: ChainClient;
  netuid: number;
  minStake: number;
  /** Which stake minStake compares (default alpha). */
  stakeMeasure?: StakeMeasure;
  clock: Clock;
  /** How often to refresh; default: once per tempo, from the chain's hyperparameters. */
  refreshMs?: number;
  /** An unknown signer triggers an early refresh, at most this often (ms). Default 10 s. */
  unknownSignerRefreshMs?: number;
  onError?: (err: Error) => void;
}

/**
 * Caches the allowed set and refreshes it in the background at least once per tempo; a request from an unknown
 * signer is refused but triggers an early refresh, so a freshly permitted validator is accepted soon after.
 */
export class MetagraphPolicy implements VerifyPolicy {
  private allowed = new Set<string>();
  private lastRefresh = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private readonly stop = new AbortController();
  refreshMs = 60_000;
  readonly description: string;

  constructor(private readonly opts: MetagraphPolicyOptions) {
    this.description = `metagraph of netuid ${opts.netuid} (validator permit or stake ≥ ${opts.minStake})`;
  }

  /** First load (throws if the chain cannot be read), then the background loop. */
  async start(): Promise<void> {
    if (this.opts.refreshMs !== undefined) this.refreshMs = this.opts.refreshMs;
    else {
      const hp = await this.opts.chain.hyperparameters(this.opts.netuid);
      this.refreshMs = Math.max(1_000, hp.tempo * hp.blockTimeMs);
    }
    await this.refresh();
    void this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.stop.signal.aborted) {
      try {
        await this.opts.clock.sleep(this.refreshMs, this.stop.signal);
      } catch {
        return;
      }
      await this.refresh().catch((e: Error) => this.opts.onError?.(e));
    }
  }

  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const mg = await this.opts.chain.metagraph(this.opts.netuid);
        this.allowed = allowedFromMetagraph(mg, this.opts.minStake, this.opts.stakeMeasure);
        this.lastRefresh = this.opts.clock.now();
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  isAllowed(hotkey: string): boolean {
    if (this.allowed.has(hotkey)) return true;
    const every = this.opts.unknownSignerRefreshMs ?? 10_000;
    if (this.opts.clock.now() - this.lastRefresh >= every && !this.refreshing) {
      this.refresh().catch((e: Error) => this.opts.onError?.(e));
    }
    return false;
  }

  get size(): number {
    return this.allowed.size;
  }

  close(): void {
    this.stop.abort();
  }
}

/** Token bucket per signer: `burst` requests at once, refilled at `perMinute`. Bounded in memory. */
export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly maxKeys = 10_000,
  ) {}

  take(key: string, nowMs: number): boolean {
    if (this.perMinute <= 0) return true;
    const b = this.refill(key, nowMs);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Whether `take` would succeed now, without taking. */
  available(key: string, nowMs: number): boolean {
    if (this.perMinute <= 0) return true;
    const b = this.buckets.get(key);
    if (!b) return true;
    return Math.min(this.burst, b.tokens + (Math.max(0, nowMs - b.at) * this.perMinute) / 60_000) >= 1;
  }

  private refill(key: string, nowMs: number): { tokens: number; at: number } {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next(); // Maps iterate in insertion order
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
      b = { tokens: this.burst, at: nowMs };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + (Math.max(0, nowMs - b.at) * this.perMinute) / 60_000);
    b.at = nowMs;
    return b;
  }
}
