// Weight syncer (apex-v3-reference §3.4): validators share their raw window totals over an Epistula-signed
// POST /v1/get_rewards, and each merges what it got, weighted by stake.
import type { ChainClient, Metagraph } from "@apex/chain";
import type { Clock, Signer } from "@apex/protocol";
import { signEpistula } from "@apex/protocol";
import type { Logger } from "./logger.js";
import { Semaphore } from "./miner-client.js";

export const GET_REWARDS_ROUTE = "/v1/get_rewards";

export interface PeerRewards {
  hotkey: string;
  stake: number;
  rewards: Record<string, number>;
}

/**
 * r(h) = (r_self(h)·S_self + Σ_v r_v(h)·S_v) / (S_self + Σ_v S_v); missing entries count as 0 and hotkeys seen
 * only by peers are included. With zero total stake our own totals are returned unchanged.
 */
export function mergeRewards(
  own: ReadonlyMap<string, number>,
  ownStake: number,
  peers: readonly PeerRewards[],
): Map<string, number> {
  const valid = peers.filter((p) => Number.isFinite(p.stake) && p.stake > 0);
  const total = Math.max(0, ownStake) + valid.reduce((a, p) => a + p.stake, 0);
  if (total <= 0 || (ownStake <= 0 && valid.length === 0)) return new Map(own);
  const keys = new Set<string>(own.keys());
  for (const p of valid) for (const h of Object.keys(p.rewards)) keys.add(h);
  const out = new Map<string, number>();
  for (const h of keys) {
    let sum = (own.get(h) ?? 0) * Math.max(0, ownStake);
    for (const p of valid) {
      const v = p.rewards[h];
      if (typeof v === "number" && Number.isFinite(v)) sum += v * p.stake;
    }
    out.set(h, sum / total);
  }
  return out;
}

/** Only finite, non-negative numbers keyed by strings survive; anything else from a peer is dropped. */
export function sanitizeRewards(body: unknown): Record<string, number> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return {};
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const n = typeof v === "string" ? Number(v) : v;
    if (typeof n === "number" && Number.isFinite(n) && n >= 0) out[k] = n;
  }
  return out;
}

export interface SyncerOptions {
  netuid: number;
  minAlphaStake: number;
  verifiedHotkeys: ReadonlyArray<{ hotkey: string; address?: string }>;
  timeoutMs: number;
  fetchImpl: typeof fetch;
  maxResponseBytes?: number;
}

/** Who may ask us for rewards, and whom we ask: stake ≥ threshold with a validator permit, or a verified hotkey. */
export function isPeerValidator(
  hotkey: string,
  metagraph: Metagraph,
  opts: Pick<SyncerOptions, "minAlphaStake" | "verifiedHotkeys">,
): boolean {
  if (opts.verifiedHotkeys.some((v) => v.hotkey === hotkey)) return true;
  const n = metagraph.neurons.find((x) => x.hotkey === hotkey);
  return !!n && n.validatorPermit && n.stake >= opts.minAlphaStake;
}

export class WeightSyncer {
  constructor(
    private readonly chain: ChainClient,
    private readonly hotkey: Signer,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly opts: SyncerOptions,
  ) {}

  async ownStake(): Promise<number> {
    const mg = await this.chain.metagraph(this.opts.netuid);
    return mg.neurons.find((n) => n.hotkey === this.hotkey.address)?.stake ?? 0;
  }

  /** Asks every peer validator for its totals; failures and empty replies are ignored. */
  async collect(): Promise<PeerRewards[]> {
    const mg = await this.chain.metagraph(this.opts.netuid);
    const sem = new Semaphore(8);
    const peers = mg.neurons.filter(
      (n) => n.hotkey !== this.hotkey.address && isPeerValidator(n.hotkey, mg, this.opts),
    );
    const results = await Promise.all(
      peers.map(async (n) => {
        const verified = this.opts.verifiedHotkeys.find((v) => v.hotkey === n.hotkey);
        const address = verified?.address ?? (n.axon.port ? `${n.axon.ip}:${n.axon.port}` : null);
        if (!address) return null;
        const release = await sem.acquire();
        try {
          const rewards = await this.ask(address, n.hotkey);
          return rewards && Object.keys(rewards).length > 0
            ? { hotkey: n.hotkey, stake: n.stake, rewards }
            : null;
        } finally {
          release();
        }
      }),
    );
    return results.filter((r): r is PeerRewards => r !== null);
  }

  private async ask(address: string, hotkey: string): Promise<Record<string, number> | null> {
    const body = "{}";
    const headers = {
      ...signEpistula(this.hotkey, body, { signedFor: hotkey, nowMs: this.clock.now() }),
      "Content-Type": "application/json",
    };
    const url = `${address.startsWith("http") ? address : `http://${address}`}${GET_REWARDS_ROUTE}`;
    try {
      const res = await this.opts.fetchImpl(url, {
        method: "POST",
        body,
        headers,
        redirect: "manual",
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      if (!res.ok) return null;
      const text = await res.text();
      if (text.length > (this.opts.maxResponseBytes ?? 4 * 1024 * 1024)) return null;
      return sanitizeRewards(JSON.parse(text));
    } catch (err) {
      this.logger.debug({ err, address }, "peer did not share rewards");
      return null;
    }
  }
}
