// MinerSampler (docs/upstream.md § Sampling, plus issue 6): who is a candidate, and which miners a round
// asks.
import { isIP } from "node:net";
import { type Metagraph, type NeuronInfo, type StakeMeasure, stakeOf } from "@apex/chain";
import { ipToU128 } from "@apex/chain/rules";
import type { Clock } from "@apex/protocol";

export interface MinerInfo {
  uid: number;
  hotkey: string;
  coldkey: string;
  /** http://ip:port */
  address: string;
}

export type SampleMode = "random" | "sequential";

export interface CandidateOptions {
  validatorMinStake: number;
  /** Which stake the cut-off compares: alpha (default) or total (upstream's metagraph.stake). */
  stakeMeasure?: StakeMeasure;
  /** Our own hotkey: never sampled. */
  ownHotkey?: string;
  /** public: skip private/loopback/link-local/unroutable addresses (finney, test); any: allow (local, sim). */
  addressPolicy: "public" | "any";
  dedupeIp?: boolean;
  dedupeColdkey?: boolean;
  availableUids?: readonly number[];
  availableAddresses?: readonly string[];
}

/** An address range as the chain's u128 base (one parser: @apex/chain/rules) and its prefix length. */
interface AddressRange {
  base: bigint;
  bits: number;
}

const range = (cidr: string): AddressRange => {
  const [base, bits] = cidr.split("/") as [string, string];
  return { base: ipToU128(base).ip, bits: Number(bits) };
};

const V4_BLOCKED: AddressRange[] = [
  range("0.0.0.0/8"), // "this network"
  range("10.0.0.0/8"),
  range("100.64.0.0/10"), // carrier-grade NAT
  range("127.0.0.0/8"),
  range("169.254.0.0/16"),
  range("172.16.0.0/12"),
  range("192.0.0.0/24"),
  range("192.0.2.0/24"),
  range("192.88.99.0/24"),
  range("192.168.0.0/16"),
  range("198.18.0.0/15"),
  range("198.51.100.0/24"),
  range("203.0.113.0/24"),
  range("224.0.0.0/4"), // multicast
  range("240.0.0.0/4"), // reserved + broadcast
];

/**
 * IPv6 ranges that are not a public host, or that tunnel to an IPv4 address the IPv4 list would refuse: a miner
 * could reach 127.0.0.1 through a NAT64 or 6to4 gateway.
 */
const V6_BLOCKED: AddressRange[] = [
  range("::/96"), // unspecified, loopback, IPv4-compatible
  range("64:ff9b::/96"), // NAT64 (well-known prefix)
  range("64:ff9b:1::/48"), // NAT64 (local use)
  range("100::/64"), // discard
  range("2001::/32"), // Teredo (embeds an IPv4 address)
  range("2001:db8::/32"), // documentation
  range("2002::/16"), // 6to4 (embeds an IPv4 address)
  range("fc00::/7"), // unique local
  range("fe80::/10"), // link-local
  range("fec0::/10"), // site-local (deprecated, still routed privately)
  range("ff00::/8"), // multicast
];

function inRange(ip: bigint, width: 32 | 128, { base, bits }: AddressRange): boolean {
  const shift = BigInt(width - bits);
  return ip >> shift === base >> shift;
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d): the top 80 bits zero, the next 16 all ones. */
const IPV4_MAPPED_TAG = 0xffffn;

/** True when a miner announcing this address could be reached on the public internet. */
export function isPublicAddress(ip: string): boolean {
  // node:net is the gate for what counts as an address: it refuses leading zeros ("01.2.3.4"), which the chain's
  // parser reads as decimal. The zone ("%eth0") names an interface on our side; it is not part of the address.
  if (isIP(ip) === 0) return false;
  let parsed: ReturnType<typeof ipToU128>;
  try {
    parsed = ipToU128(ip.replace(/%.*$/, ""));
  } catch {
    return false;
  }
  const isPublicV4 = (v4: bigint) => !V4_BLOCKED.some((r) => inRange(v4, 32, r));
  if (parsed.ipType === 4) return isPublicV4(parsed.ip);
  // IPv4-mapped: judged as the IPv4 address it reaches (the chain still carries it as ip_type 6).
  if (parsed.ip >> 32n === IPV4_MAPPED_TAG) return isPublicV4(parsed.ip & 0xffffffffn);
  return !V6_BLOCKED.some((r) => inRange(parsed.ip, 128, r));
}

function isServed(n: NeuronInfo): boolean {
  const ip = n.axon.ip;
  return n.axon.port !== 0 && ip !== "" && ip !== "0.0.0.0" && ip !== "::" && isIP(ip) !== 0;
}

function axonUrl(n: NeuronInfo): string {
  const host = n.axon.ipType === 6 || isIP(n.axon.ip) === 6 ? `[${n.axon.ip}]` : n.axon.ip;
  return `http://${host}:${n.axon.port}`;
}

/** Pure candidate selection: stake below the validator threshold, served, not us, address policy, dedupe. */
export function selectCandidates(metagraph: Metagraph, opts: CandidateOptions): MinerInfo[] {
  const pinned = opts.availableUids ? new Map(opts.availableUids.map((u, i) => [u, i])) : null;
  const out: MinerInfo[] = [];
  const seenIp = new Set<string>();
  const seenColdkey = new Set<string>();
  const neurons = [...metagraph.neurons].sort((a, b) => a.uid - b.uid);
  for (const n of neurons) {
    if (stakeOf(n, opts.stakeMeasure ?? "alpha") >= opts.validatorMinStake) continue;
    if (opts.ownHotkey && n.hotkey === opts.ownHotkey) continue;
    const pinIndex = pinned?.get(n.uid);
    if (pinned && pinIndex === undefined) continue;
    const override = pinIndex !== undefined ? opts.availableAddresses?.[pinIndex] : undefined;
    if (override === undefined) {
      if (!isServed(n)) continue;
      if (opts.addressPolicy === "public" && !isPublicAddress(n.axon.ip)) continue;
    }
    if (opts.dedupeIp) {
      if (seenIp.has(n.axon.ip)) continue;
      seenIp.add(n.axon.ip);
    }
    if (opts.dedupeColdkey) {
      if (seenColdkey.has(n.coldkey)) continue;
      seenColdkey.add(n.coldkey);
    }
    out.push({ uid: n.uid, hotkey: n.hotkey, coldkey: n.coldkey, address: override ?? axonUrl(n) });
  }
  return out;
}

function shuffle<T>(items: readonly T[], rng: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const x = a[i];
    const y = a[j];
    if (x === undefined || y === undefined) continue; // never: i and j are both within a
    a[i] = y;
    a[j] = x;
  }
  return a;
}

/** Uniform sample without replacement (size already clamped). */
export function sampleRandom<T>(items: readonly T[], size: number, rng: () => number): T[] {
  return shuffle(items, rng).slice(0, Math.min(size, items.length));
}

const key = (m: MinerInfo) => `${m.uid}:${m.hotkey}`;

/**
 * The sequential "epoch" deque shared by generator and discriminator sampling: every candidate is visited once
 * per epoch. Refills with a fresh shuffle when empty (mid-sample if needed), never repeating a miner within one
 * sample, and drops entries that are no longer candidates.
 */
export class EpochDeque {
  private deque: MinerInfo[] = [];

  take(candidates: readonly MinerInfo[], size: number, rng: () => number): MinerInfo[] {
    const n = Math.min(size, candidates.length);
    const valid = new Map(candidates.map((c) => [key(c), c]));
    const picked: MinerInfo[] = [];
    const chosen = new Set<string>();
    const deferred: MinerInfo[] = [];
    let refills = 0;
    while (picked.length < n) {
      if (this.deque.length === 0) {
        if (refills++ > 2) break; // cannot happen with n ≤ candidates; guards against a bad input loop
        this.deque = shuffle(candidates, rng);
      }
      const next = this.deque.shift();
      if (next === undefined) continue; // just refilled above, unless candidates is empty (then refills run out)
      const current = valid.get(key(next));
      if (!current) continue;
      if (chosen.has(key(current))) {
        deferred.push(current);
        continue;
      }
      chosen.add(key(current));
      picked.push(current);
    }
    // Miners skipped because they were already in this sample go first next time.
    this.deque.unshift(...deferred);
    return picked;
  }

  get remaining(): number {
    return this.deque.length;
  }
}

export interface MinerSource {
  /** Current candidates' raw material; null means a fixed list (test mode). */
  metagraph(): Promise<Metagraph>;
}

export interface MinerSamplerOptions extends CandidateOptions {
  mode: SampleMode;
  candidateTtlMs: number;
  metagraphTtlMs: number;
}

export class MinerSampler {
  private readonly epoch = new EpochDeque();
  private candidatesCache: { at: number; value: MinerInfo[] } | null = null;
  private metagraphCache: { at: number; value: Metagraph } | null = null;

  constructor(
    private readonly source: MinerSource | { fixed: MinerInfo[] },
    private readonly opts: MinerSamplerOptions,
    private readonly clock: Clock,
    private readonly rng: () => number,
  ) {}

  async metagraph(): Promise<Metagraph | null> {
    if ("fixed" in this.source) return null;
    const now = this.clock.now();
    if (this.metagraphCache && now - this.metagraphCache.at < this.opts.metagraphTtlMs)
      return this.metagraphCache.value;
    const value = await this.source.metagraph();
    this.metagraphCache = { at: now, value };
    return value;
  }

  async candidates(): Promise<MinerInfo[]> {
    if ("fixed" in this.source) return this.source.fixed;
    const now = this.clock.now();
    if (this.candidatesCache && now - this.candidatesCache.at < this.opts.candidateTtlMs)
      return this.candidatesCache.value;
    const mg = await this.metagraph();
    const value = mg ? selectCandidates(mg, this.opts) : [];
    this.candidatesCache = { at: now, value };
    return value;
  }

  /** Sample size is clamped to the candidates (upstream only warned). */
  async sample(size: number): Promise<MinerInfo[]> {
    const candidates = await this.candidates();
    if (this.opts.mode === "random") return sampleRandom(candidates, size, this.rng);
    return this.epoch.take(candidates, size, this.rng);
  }

  invalidate(): void {
    this.candidatesCache = null;
    this.metagraphCache = null;
  }
}
