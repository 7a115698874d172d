// Cheap refusals before any sr25519 work: a token bucket per client address and, per claimed signer, a budget of
// failed verifications. Refusals are counted and logged as one summary line per interval, never one per request.
import { isIPv6 } from "node:net";
import type { Clock } from "@apex/protocol";
import { RateLimiter } from "./policy.js";

export interface FloodGuardOptions {
  clock: Clock;
  /** Requests per minute per client address (IPv6 by /64); 0 turns the address bucket off. Default 1200. */
  perIpPerMinute?: number;
  /** Failed signature verifications per minute per claimed signer and address before that address is refused. */
  failuresPerMinute?: number;
  /** Addresses remembered per signer as having sent it a verified request. */
  maxKnownAddresses?: number;
}

/** The bucket key of a client address: IPv4 as is, IPv6 by its /64 (one host usually holds a whole /64). */
export function addressKey(ip: string): string {
  const v4 = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
  if (!isIPv6(v4)) return v4;
  const [head = "", tail = ""] = v4.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = v4.includes("::")
    ? [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase())
    .join(":")}::/64`;
}

export type FloodRefusal = "address_rate_limited" | "signer_under_attack";

/**
 * Decides, from headers and the client address only, whether a request may cost a signature verification.
 * The failure budget is per claimed signer AND address, so a forger naming a validator spends only its own
 * address's budget and never locks the real validator out from elsewhere; an address the signer has verified
 * from before stays welcome even if a forger shares it (one NAT).
 */
export class FloodGuard {
  private readonly perIp: RateLimiter;
  private readonly failures: RateLimiter;
  private readonly known = new Map<string, Set<string>>();
  private readonly maxKnown: number;

  constructor(private readonly opts: FloodGuardOptions) {
    const perIp = opts.perIpPerMinute ?? 1200;
    this.perIp = new RateLimiter(perIp, Math.max(20, Math.ceil(perIp / 6)), 50_000);
    const failures = opts.failuresPerMinute ?? 30;
    this.failures = new RateLimiter(failures, Math.max(1, failures), 50_000);
    this.maxKnown = opts.maxKnownAddresses ?? 16;
  }

  /** Null when the request may go on to verification; else why not. */
  admit(ip: string, claimedSigner: string | undefined): FloodRefusal | null {
    const now = this.opts.clock.now();
    const key = addressKey(ip);
    if (!this.perIp.take(key, now)) return "address_rate_limited";
    if (claimedSigner === undefined || this.known.get(claimedSigner)?.has(key)) return null;
    return this.failures.available(`${claimedSigner} ${key}`, now) ? null : "signer_under_attack";
  }

  /** A signature claiming `signer`, sent from `ip`, failed to verify. */
  failed(claimedSigner: string, ip: string): void {
    this.failures.take(`${claimedSigner} ${addressKey(ip)}`, this.opts.clock.now());
  }

  /** `signer` verified from `ip`: that address stays welcome while forgers spend the signer's budget. */
  verified(signer: string, ip: string): void {
    let set = this.known.get(signer);
    if (!set) {
      if (this.known.size >= 10_000) dropOldest(this.known);
      set = new Set();
      this.known.set(signer, set);
    }
    const key = addressKey(ip);
    if (set.has(key)) return;
    if (set.size >= this.maxKnown) dropOldest(set);
    set.add(key);
  }
}

/** Removes the entry inserted first (Maps and Sets iterate in insertion order), if there is one. */
function dropOldest<K>(entries: { keys(): Iterator<K>; delete(key: K): boolean }): void {
  const oldest = entries.keys().next();
  if (!oldest.done) entries.delete(oldest.value);
}

/** Counts refusals by reason and hands them to `log` at most once per `everyMs` (on the injected clock). */
export class RefusalCounter {
  private counts = new Map<string, number>();
  private since: number;

  constructor(
    private readonly clock: Clock,
    private readonly log: (counts: Record<string, number>, windowMs: number) => void,
    private readonly everyMs = 10_000,
  ) {
    this.since = clock.now();
  }

  count(reason: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
    const now = this.clock.now();
    if (now - this.since >= this.everyMs) this.flush(now);
  }

  /** Logs what was counted so far (also called on close). */
  flush(now = this.clock.now()): void {
    if (this.counts.size > 0) this.log(Object.fromEntries(this.counts), now - this.since);
    this.counts = new Map();
    this.since = now;
  }
}
