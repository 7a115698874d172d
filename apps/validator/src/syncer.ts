// Weight syncer (docs/upstream.md § Weight syncer): validators share their raw window totals over an
// Epistula-signed POST /v1/get_rewards, and each merges what it got, weighted by stake.
import { isIP } from "node:net";
import {
  axonParams,
  type ChainClient,
  type Metagraph,
  type NeuronInfo,
  type ServeAxonParams,
  type StakeMeasure,
  sameAxon,
  stakeOf,
} from "@apex/chain";
import type { Clock, Signer } from "@apex/protocol";
import { fastSigner, signEpistula } from "@apex/protocol";
import type { Logger } from "./logger.js";
import { deadlineSignal, Semaphore } from "./miner-client.js";
import { isPublicAddress } from "./sampler.js";

export const GET_REWARDS_ROUTE = "/v1/get_rewards";

/** Upstream's REWARD_EXPIRATION_SEC: totals older than this are not served (503). */
export const REWARD_EXPIRY_SECONDS = 3600;

export interface PeerRewards {
  hotkey: string;
  stake: number;
  rewards: Record<string, number>;
}

export interface VerifiedHotkey {
  hotkey: string;
  /** host:port (or a full http URL) to ask instead of the metagraph axon. */
  address?: string;
}

/**
 * r(h) = (r_self(h)·S_self + Σ_v r_v(h)·S_v) / (S_self + Σ_v S_v); missing entries count as 0 and hotkeys seen
 * only by peers are included. `ownStake` null means our hotkey is not in the metagraph: like upstream, our own
 * totals are then returned unchanged, as they are when the total stake is 0.
 */
export function mergeRewards(
  own: ReadonlyMap<string, number>,
  ownStake: number | null,
  peers: readonly PeerRewards[],
): Map<string, number> {
  if (ownStake === null || !Number.isFinite(ownStake)) return new Map(own);
  const self = Math.max(0, ownStake);
  // A peer with no stake adds nothing to either sum; dropping it keeps NaN and negatives out.
  const valid = peers.filter((p) => Number.isFinite(p.stake) && p.stake > 0);
  const total = self + valid.reduce((a, p) => a + p.stake, 0);
  if (total <= 0) return new Map(own);
  const keys = new Set<string>(own.keys());
  for (const p of valid) for (const h of Object.keys(p.rewards)) keys.add(h);
  const out = new Map<string, number>();
  for (const h of keys) {
    let sum = (own.get(h) ?? 0) * self;
    for (const p of valid) {
      const v = p.rewards[h];
      if (typeof v === "number" && Number.isFinite(v)) sum += v * p.stake;
    }
    out.set(h, sum / total);
  }
  return out;
}

/** How peers' totals are merged: `bounded` (default, safe) or `upstream` (v3.0.6's raw stake-weighted mean). */
export type MergeMode = "bounded" | "upstream";

export interface BoundedMergeOptions {
  /** Only these hotkeys may receive weight from a peer (the metagraph's). */
  isKnownHotkey: (hotkey: string) => boolean;
  /** Largest share of the merged result any one peer can hold, 0..1 (weight_syncer.max_peer_share). */
  maxPeerShare: number;
}

/** A map scaled to sum 1 over known hotkeys with finite, non-negative values; empty when nothing is left. */
function normalised(rewards: Readonly<Record<string, number>>, known: (h: string) => boolean) {
  const out = new Map<string, number>();
  let sum = 0;
  for (const [h, v] of Object.entries(rewards)) {
    if (!known(h) || typeof v !== "number" || !Number.isFinite(v) || v <= 0) continue;
    out.set(h, v);
    sum += v;
  }
  if (!Number.isFinite(sum) || sum <= 0) return new Map<string, number>();
  for (const [h, v] of out) out.set(h, v / sum);
  return out;
}

/**
 * The safe merge: every validator's map (ours included) is scaled to sum 1 over metagraph hotkeys, so a peer
 * votes with its stake and never with the size of its numbers; each peer's share is capped at `maxPeerShare`,
 * the rest staying with us. The result sums to at most 1 and is always finite. Same inputs as `mergeRewards`:
 * with our hotkey unknown (`ownStake` null) or no stake anywhere, our own totals come back unchanged.
 */
export function mergeRewardsBounded(
  own: ReadonlyMap<string, number>,
  ownStake: number | null,
  peers: readonly PeerRewards[],
  opts: BoundedMergeOptions,
): Map<string, number> {
  if (ownStake === null || !Number.isFinite(ownStake)) return new Map(own);
  const self = Math.max(0, ownStake);
  const valid = peers.filter((p) => Number.isFinite(p.stake) && p.stake > 0);
  const total = self + valid.reduce((a, p) => a + p.stake, 0);
  if (!Number.isFinite(total) || total <= 0) return new Map(own);
  const cap = Math.min(1, Math.max(0, opts.maxPeerShare));
  let ownShare = 1;
  const out = new Map<string, number>();
  const add = (map: Map<string, number>, share: number) => {
    for (const [h, v] of map) out.set(h, (out.get(h) ?? 0) + v * share);
  };
  for (const p of valid) {
    const map = normalised(p.rewards, opts.isKnownHotkey);
    if (map.size === 0) continue; // nothing usable: the peer is skipped and its stake counts for us
    const share = Math.min(cap, p.stake / total);
    ownShare -= share;
    add(map, share);
  }
  add(normalised(Object.fromEntries(own), opts.isKnownHotkey), Math.max(0, ownShare));
  return out;
}

/** Only finite, non-negative numbers keyed by strings survive; anything else from a peer is dropped. */
export function sanitizeRewards(body: unknown): Record<string, number> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return {};
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
    if (typeof n === "number" && Number.isFinite(n) && n >= 0) out[k] = n;
  }
  return out;
}

export interface SyncerOptions {
  netuid: number;
  minAlphaStake: number;
  verifiedHotkeys: readonly VerifiedHotkey[];
  /** Total deadline per peer request (connect, wait, read). */
  timeoutMs: number;
  fetchImpl?: typeof fetch;
  /** Largest reply read from a peer (default 4 MiB); a longer one is ignored. */
  maxResponseBytes?: number;
  /** "public": skip metagraph axons on private/loopback/unroutable addresses (finney, test). Default "any". */
  addressPolicy?: "public" | "any";
  /** Parallel peer requests (default 8). */
  maxConcurrency?: number;
  /** How peers' totals are merged (default "bounded"; "upstream" = v3.0.6's raw stake-weighted mean). */
  merge?: MergeMode;
  /** The bounded merge's cap on one peer's share (default 0.5). */
  maxPeerShare?: number;
  /** Stake for the thresholds and the merge: alpha (default) or total (upstream's metagraph.stake). */
  stakeMeasure?: StakeMeasure;
}

type PeerPolicy = Pick<SyncerOptions, "minAlphaStake" | "verifiedHotkeys" | "stakeMeasure">;

/** Whom we ask (upstream's client): a verified hotkey, or stake ≥ threshold together with a validator permit. */
export function isPeerValidator(hotkey: string, metagraph: Metagraph, opts: PeerPolicy): boolean {
  if (opts.verifiedHotkeys.some((v) => v.hotkey === hotkey)) return true;
  const n = metagraph.neurons.find((x) => x.hotkey === hotkey);
  return !!n && n.validatorPermit && stakeOf(n, opts.stakeMeasure ?? "alpha") >= opts.minAlphaStake;
}

/**
 * Who may ask us (upstream's server check): a verified hotkey, or a hotkey in the metagraph with stake ≥ the
 * threshold (no permit needed). Without a metagraph (no-chain mode) only verified hotkeys pass.
 */
export function mayRequestRewards(hotkey: string, metagraph: Metagraph | null, opts: PeerPolicy): boolean {
  if (opts.verifiedHotkeys.some((v) => v.hotkey === hotkey)) return true;
  const n = metagraph?.neurons.find((x) => x.hotkey === hotkey);
  return !!n && stakeOf(n, opts.stakeMeasure ?? "alpha") >= opts.minAlphaStake;
}

/** The base URL to ask a peer at: its verified address if configured, else its served axon; null when none. */
export function peerBaseUrl(
  n: Pick<NeuronInfo, "axon">,
  verified: VerifiedHotkey | undefined,
  policy: "public" | "any" = "any",
): string | null {
  if (verified?.address) {
    const a = verified.address.replace(/\/+$/, "");
    return /^https?:\/\//.test(a) ? a : `http://${a}`;
  }
  const { ip, port } = n.axon;
  const kind = isIP(ip);
  if (kind === 0 || port <= 0 || ip === "0.0.0.0" || ip === "::") return null;
  if (policy === "public" && !isPublicAddress(ip)) return null;
  return `http://${kind === 6 ? `[${ip}]` : ip}:${port}`;
}

export interface SyncResult {
  /** The totals to set weights from: merged, or our own when the merge does not apply. */
  totals: Map<string, number>;
  /** Null when our hotkey is not in the metagraph (then `totals` are our own). */
  ownStake: number | null;
  /** Peers that answered with a non-empty map. */
  peers: PeerRewards[];
  /** Peers we asked. */
  asked: number;
}

export class WeightSyncer {
  private readonly signer: Signer;

  constructor(
    private readonly chain: ChainClient,
    hotkey: Signer,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly opts: SyncerOptions,
  ) {
    // Four signatures per request: sign through the wasm build when it is loaded (falls back to the pair).
    this.signer = fastSigner(hotkey);
  }

  /** Reads the metagraph once, asks every peer validator, and merges by stake (our own totals included). */
  async sync(own: ReadonlyMap<string, number>): Promise<SyncResult> {
    const mg = await this.chain.metagraph(this.opts.netuid);
    const me = mg.neurons.find((n) => n.hotkey === this.signer.address);
    const ownStake = me ? this.stake(me) : null;
    const { peers, asked } = await this.collectFrom(mg);
    if ((this.opts.merge ?? "bounded") === "upstream") {
      const usable = this.withoutOverflow(own, ownStake, peers);
      return { totals: mergeRewards(own, ownStake, usable), ownStake, peers: usable, asked };
    }
    const known = new Set(mg.neurons.map((n) => n.hotkey));
    for (const p of peers)
      if (!Object.keys(p.rewards).some((h) => known.has(h)))
        this.logger.warn({ peer: p.hotkey }, "peer rewards name no hotkey of the metagraph; peer skipped");
    const totals = mergeRewardsBounded(own, ownStake, peers, {
      isKnownHotkey: (h) => known.has(h),
      maxPeerShare: this.opts.maxPeerShare ?? 0.5,
    });
    return { totals, ownStake, peers, asked };
  }

  /**
   * Upstream's merge with one guard: a peer whose numbers overflow the stake-weighted sum (`1e308` × stake) would
   * make every weight vector non-finite and stop weight setting; it is logged and skipped instead.
   */
  private withoutOverflow(
    own: ReadonlyMap<string, number>,
    ownStake: number | null,
    peers: PeerRewards[],
  ): PeerRewards[] {
    const finite = (m: Map<string, number>) => [...m.values()].every(Number.isFinite);
    const usable: PeerRewards[] = [];
    for (const p of peers) {
      if (finite(mergeRewards(own, ownStake, [...usable, p]))) usable.push(p);
      else this.logger.warn({ peer: p.hotkey }, "peer rewards overflow the merge; peer skipped");
    }
    return usable;
  }

  /** Asks every peer validator for its totals; failures and empty replies are ignored. */
  async collect(): Promise<PeerRewards[]> {
    return (await this.collectFrom(await this.chain.metagraph(this.opts.netuid))).peers;
  }

  async ownStake(): Promise<number | null> {
    const mg = await this.chain.metagraph(this.opts.netuid);
    const me = mg.neurons.find((n) => n.hotkey === this.signer.address);
    return me ? this.stake(me) : null;
  }

  private stake(n: NeuronInfo): number {
    return stakeOf(n, this.opts.stakeMeasure ?? "alpha");
  }

  private async collectFrom(mg: Metagraph): Promise<{ peers: PeerRewards[]; asked: number }> {
    const sem = new Semaphore(this.opts.maxConcurrency ?? 8);
    const targets: Array<{ n: NeuronInfo; url: string }> = [];
    for (const n of mg.neurons) {
      if (n.hotkey === this.signer.address || !isPeerValidator(n.hotkey, mg, this.opts)) continue;
      const verified = this.opts.verifiedHotkeys.find((v) => v.hotkey === n.hotkey);
      const url = peerBaseUrl(n, verified, this.opts.addressPolicy);
      if (url) targets.push({ n, url });
    }
    const results = await Promise.all(
      targets.map(async ({ n, url }) => {
        const release = await sem.acquire();
        try {
          const rewards = await this.ask(url, n.hotkey);
          return rewards && Object.keys(rewards).length > 0
            ? { hotkey: n.hotkey, stake: this.stake(n), rewards }
            : null;
        } finally {
          release();
        }
      }),
    );
    const peers = results.filter((r): r is PeerRewards => r !== null);
    this.logger.info(
      { asked: targets.length, answered: peers.length },
      "weight syncer collected peer rewards",
    );
    return { peers, asked: targets.length };
  }

  /** One peer request: `{}` signed for the peer's hotkey; null on any failure. */
  async ask(baseUrl: string, hotkey: string): Promise<Record<string, number> | null> {
    const body = "{}";
    const headers = {
      ...signEpistula(this.signer, body, { signedFor: hotkey, nowMs: this.clock.now() }),
      "Content-Type": "application/json",
    };
    const url = `${baseUrl.replace(/\/+$/, "")}${GET_REWARDS_ROUTE}`;
    const { signal, dispose } = deadlineSignal(this.clock, this.opts.timeoutMs);
    try {
      const res = await (this.opts.fetchImpl ?? fetch)(url, {
        method: "POST",
        body,
        headers,
        redirect: "manual",
        signal,
      });
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => {});
        this.logger.debug({ url, status: res.status }, "peer refused to share rewards");
        return null;
      }
      const text = await readCapped(res, this.opts.maxResponseBytes ?? 4 * 1024 * 1024);
      return sanitizeRewards(JSON.parse(text));
    } catch (err) {
      this.logger.debug({ err, url }, "peer did not share rewards");
      return null;
    } finally {
      dispose();
    }
  }
}

/** Reads a fetch body as strict UTF-8, giving up once it passes `max` bytes. */
async function readCapped(res: Response, max: number): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new Error(`reply larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
}

/**
 * Upstream announces the validator's syncer endpoint as its axon (protocol 4) so peers find it in the
 * metagraph. `port` is the port that serves GET_REWARDS_ROUTE (our status server).
 */
export function syncerAxonParams(netuid: number, ip: string, port: number): ServeAxonParams {
  const kind = isIP(ip);
  if (kind === 0)
    throw new Error(`syncer axon: "${ip}" is not an IP address; give the validator's external IP`);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new Error(`syncer axon: port ${port} must be 1..65535 (the status server's port)`);
  return axonParams(netuid, ip, port);
}

/**
 * Announces the syncer endpoint on chain, as upstream's validator does at start, unless the chain already holds
 * exactly that axon for our hotkey (as the Python SDK skips an unchanged serve). Returns what happened.
 */
export async function announceSyncerAxon(
  chain: ChainClient,
  hotkey: Signer,
  params: ServeAxonParams,
): Promise<"served" | "unchanged"> {
  const mg = await chain.metagraph(params.netuid);
  const me = mg.neurons.find((n) => n.hotkey === hotkey.address);
  if (!me) {
    throw new Error(
      `syncer axon: hotkey ${hotkey.address} is not registered on subnet ${params.netuid}; register it first`,
    );
  }
  if (sameAxon(me.axon, params)) return "unchanged";
  await chain.serveAxon(hotkey, params);
  return "served";
}
