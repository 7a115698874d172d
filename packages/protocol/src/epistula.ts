// Epistula v2: signed HTTP requests between validators and miners (docs/upstream.md § Epistula). The receiver
// hashes the raw bytes it received, never a re-serialised object.
import { createHash, randomUUID } from "node:crypto";
import { hexToU8a, stringToU8a, u8aToHex } from "@polkadot/util";
import { cryptoWaitReady, decodeAddress } from "@polkadot/util-crypto";
import type { Clock } from "./clock.js";
import { EPISTULA_ALLOWED_DELTA_MS } from "./constants.js";
import type { Signer } from "./signer.js";
import { isSr25519SignatureShape, sr25519Ready, sr25519VerifyAny } from "./sr25519.js";

export const EPISTULA_HEADERS = {
  version: "Epistula-Version",
  timestamp: "Epistula-Timestamp",
  uuid: "Epistula-Uuid",
  signedBy: "Epistula-Signed-By",
  signedFor: "Epistula-Signed-For",
  signature: "Epistula-Request-Signature",
  secret0: "Epistula-Secret-Signature-0",
  secret1: "Epistula-Secret-Signature-1",
  secret2: "Epistula-Secret-Signature-2",
} as const;

/** Must be awaited once before signing or verifying (loads the sr25519 wasm). */
export async function epistulaReady(): Promise<boolean> {
  const [a, b] = await Promise.all([cryptoWaitReady(), sr25519Ready()]);
  return a && b;
}

function bodyBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === "string" ? stringToU8a(body) : body;
}

/** Lowercase hex SHA-256 of the exact bytes (a string is taken as its UTF-8 bytes). */
export function sha256Hex(body: Uint8Array | string): string {
  return createHash("sha256").update(bodyBytes(body)).digest("hex");
}

/** The string that is signed: sha256hex(body).uuid.timestamp.signedFor */
export function epistulaMessage(
  body: Uint8Array | string,
  uuid: string,
  timestampMs: number,
  signedFor: string,
) {
  return `${sha256Hex(body)}.${uuid}.${timestampMs}.${signedFor}`;
}

/** Python formats the float I = ceil(ms/1e4)·1e4 with a trailing ".0"; receivers that check it expect that. */
export function secretSignatureStrings(timestampMs: number, signedFor: string): [string, string, string] {
  const i = secretSignatureBucket(timestampMs);
  const py = (n: number) => `${n}.0`;
  return [`${py(i - 1)}.${signedFor}`, `${py(i)}.${signedFor}`, `${py(i + 1)}.${signedFor}`];
}

/** The 10 s bucket I = ceil(ms/1e4)·1e4 that the three secret signatures are made for. */
export function secretSignatureBucket(timestampMs: number): number {
  return Math.ceil(timestampMs / 10_000) * 10_000;
}

/**
 * Remembers the three secret signatures per (signer, 10 s bucket, receiver): they sign only strings made of the
 * bucket and the receiver, so within a bucket a sender need not sign them again for the same miner (three of the
 * four sr25519 signatures a request costs). sr25519 signatures are randomised, so a remembered one is exactly as
 * valid as a fresh one. Bounded: entries of buckets older than the previous one are dropped whenever a newer
 * bucket is asked for, and past `maxEntries` the oldest go first.
 */
export class SecretSignatureCache {
  private entries = new Map<string, readonly [string, string, string]>();
  /** Bucket of each key, so old buckets can be dropped without parsing keys. */
  private buckets = new Map<number, Set<string>>();
  private newestBucket = Number.NEGATIVE_INFINITY;
  private hitCount = 0;
  private missCount = 0;

  constructor(private readonly maxEntries: number = 4096) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new Error(`SecretSignatureCache: maxEntries must be a positive integer, got ${maxEntries}`);
    }
  }

  /** The three hex signatures for this signer, time and receiver: remembered, or signed now and remembered. */
  get(signer: Signer, timestampMs: number, signedFor: string): readonly [string, string, string] {
    const bucket = secretSignatureBucket(timestampMs);
    const key = `${signer.address}\n${bucket}\n${signedFor}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.hitCount++;
      return hit;
    }
    this.missCount++;
    const [s0, s1, s2] = secretSignatureStrings(timestampMs, signedFor);
    const sigs = [
      u8aToHex(signer.sign(stringToU8a(s0))),
      u8aToHex(signer.sign(stringToU8a(s1))),
      u8aToHex(signer.sign(stringToU8a(s2))),
    ] as const;
    if (bucket > this.newestBucket) {
      this.newestBucket = bucket;
      // Keep the previous bucket: requests stamped just before the edge may still be signed after it.
      for (const [b, keys] of this.buckets) {
        if (b >= bucket - 10_000) continue;
        for (const k of keys) this.entries.delete(k);
        this.buckets.delete(b);
      }
    }
    this.entries.set(key, sigs);
    let keys = this.buckets.get(bucket);
    if (!keys) {
      keys = new Set();
      this.buckets.set(bucket, keys);
    }
    keys.add(key);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
      for (const [b, ks] of this.buckets) {
        if (ks.delete(oldest)) {
          if (ks.size === 0) this.buckets.delete(b);
          break;
        }
      }
    }
    return sigs;
  }

  get size(): number {
    return this.entries.size;
  }

  /** How many `get` calls were answered from memory and how many signed (for metrics and tests). */
  get stats(): { hits: number; misses: number } {
    return { hits: this.hitCount, misses: this.missCount };
  }

  clear(): void {
    this.entries.clear();
    this.buckets.clear();
    this.newestBucket = Number.NEGATIVE_INFINITY;
  }
}

export interface SignOptions {
  /** Receiver hotkey; empty when there is none. */
  signedFor?: string;
  /** Signing time in ms; else `clock.now()`; else the system time. */
  nowMs?: number;
  clock?: Clock;
  uuid?: string;
  /** Emit the three secret-signature headers (upstream validators always do). Default true. */
  secretSignatures?: boolean;
  /** Reuse the three secret signatures within their 10 s bucket (see SecretSignatureCache). */
  secretCache?: SecretSignatureCache;
  /** Lowercase hex SHA-256 of `body`, when the caller already has it (one body sent to many receivers). */
  bodySha256?: string;
}

/** Builds the Epistula headers for `body` (the exact bytes that will be sent). */
export function signEpistula(
  signer: Signer,
  body: Uint8Array | string,
  opts: SignOptions = {},
): Record<string, string> {
  const timestamp = Math.round(opts.nowMs ?? opts.clock?.now() ?? Date.now());
  const uuid = opts.uuid ?? randomUUID();
  const signedFor = opts.signedFor ?? "";
  const message =
    opts.bodySha256 !== undefined
      ? `${opts.bodySha256}.${uuid}.${timestamp}.${signedFor}`
      : epistulaMessage(body, uuid, timestamp, signedFor);
  const headers: Record<string, string> = {
    [EPISTULA_HEADERS.version]: "2",
    [EPISTULA_HEADERS.timestamp]: String(timestamp),
    [EPISTULA_HEADERS.uuid]: uuid,
    [EPISTULA_HEADERS.signedBy]: signer.address,
    [EPISTULA_HEADERS.signature]: u8aToHex(signer.sign(stringToU8a(message))),
  };
  if (signedFor) {
    headers[EPISTULA_HEADERS.signedFor] = signedFor;
    if (opts.secretSignatures !== false) {
      let sigs: readonly [string, string, string];
      if (opts.secretCache) sigs = opts.secretCache.get(signer, timestamp, signedFor);
      else {
        const [s0, s1, s2] = secretSignatureStrings(timestamp, signedFor);
        sigs = [
          u8aToHex(signer.sign(stringToU8a(s0))),
          u8aToHex(signer.sign(stringToU8a(s1))),
          u8aToHex(signer.sign(stringToU8a(s2))),
        ];
      }
      headers[EPISTULA_HEADERS.secret0] = sigs[0];
      headers[EPISTULA_HEADERS.secret1] = sigs[1];
      headers[EPISTULA_HEADERS.secret2] = sigs[2];
    }
  }
  return headers;
}

export type EpistulaRejection =
  | "missing_header"
  | "bad_version"
  | "not_for_us"
  | "stale_timestamp"
  | "replayed_uuid"
  | "signer_not_allowed"
  | "malformed_signature"
  | "signature_mismatch";

export type EpistulaResult =
  | { ok: true; signedBy: string; uuid: string; timestampMs: number }
  | { ok: false; reason: EpistulaRejection; message: string };

/**
 * Remembers request ids for the time window so a captured request cannot be replayed. Entries older than
 * the ttl are forgotten on every call (oldest first, so the cost is amortised O(1)); the size is capped, and
 * when full of fresh entries the oldest go first. Only requests that passed every check are recorded, so
 * junk cannot fill it.
 */
export class ReplayCache {
  private seen = new Map<string, number>();
  constructor(
    /** ±delta on the timestamp means a request can be accepted at most 2·delta apart. */
    private readonly ttlMs: number = 2 * EPISTULA_ALLOWED_DELTA_MS,
    private readonly maxEntries: number = 100_000,
  ) {}

  /**
   * True when `key` was recorded at most the ttl ago. Inclusive, like the timestamp check: a request accepted at
   * ts − delta can come back at exactly ts + delta, 2·delta later, and must still be refused.
   */
  has(key: string, nowMs: number): boolean {
    this.prune(nowMs);
    const at = this.seen.get(key);
    return at !== undefined && nowMs - at <= this.ttlMs;
  }

  add(key: string, nowMs: number): void {
    this.seen.delete(key); // re-insert at the end so insertion order stays time order
    this.seen.set(key, nowMs);
    while (this.seen.size > this.maxEntries) {
      const first = this.seen.keys().next().value;
      if (first === undefined) break;
      this.seen.delete(first);
    }
  }

  /** Records the key; false when it was already seen within the window. */
  check(key: string, nowMs: number): boolean {
    if (this.has(key, nowMs)) return false;
    this.add(key, nowMs);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(nowMs: number): void {
    for (const [k, at] of this.seen) {
      if (nowMs - at <= this.ttlMs) break;
      this.seen.delete(k);
    }
  }
}

export interface VerifyOptions {
  allowedDeltaMs?: number;
  replayCache?: ReplayCache;
  /**
   * Record a verified request in the replay cache (default true). A caller that may still refuse the request
   * (a rate limit) passes false and records it with `epistulaReplayKey` once it is served.
   */
  recordReplay?: boolean;
  /** Called after the cheap checks and before the signature: may this hotkey talk to us at all? */
  isSignerAllowed?: (hotkey: string) => boolean;
}

type HeaderBag = Record<string, string | string[] | undefined> | Headers;

/** Header lookup that ignores case, for fetch `Headers`, node's lower-cased headers and plain objects. */
function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  let v = headers[name] ?? headers[name.toLowerCase()];
  if (v === undefined) {
    const lower = name.toLowerCase();
    for (const k of Object.keys(headers)) if (k.toLowerCase() === lower) v = headers[k];
  }
  return Array.isArray(v) ? v[0] : v;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SIG_RE = /^0x[0-9a-fA-F]{128}$/;

function publicKeyOf(address: string): Uint8Array | undefined {
  // decodeAddress also takes raw hex keys; a hotkey header must be ss58 so metagraph lookups can match it.
  if (address.startsWith("0x")) return undefined;
  try {
    const pk = decodeAddress(address);
    return pk.length === 32 ? pk : undefined;
  } catch {
    return undefined;
  }
}

/** The replay cache's key for a request: signer and uuid (case-folded). */
export function epistulaReplayKey(signedBy: string, uuid: string): string {
  return `${signedBy}:${uuid.toLowerCase()}`;
}

export interface EpistulaFields {
  signedBy: string;
  signedFor: string;
  uuid: string;
  timestampMs: number;
  signature: string;
  publicKey: Uint8Array;
}

/**
 * The checks that cost nothing: headers present, version, signed for us, timestamp window, shapes. A server
 * runs these before anything that costs a chain read or a signature verification.
 */
export function checkEpistulaHeaders(
  headers: HeaderBag,
  ownHotkey: string,
  nowMs: number,
  allowedDeltaMs: number = EPISTULA_ALLOWED_DELTA_MS,
): { ok: true; fields: EpistulaFields } | Extract<EpistulaResult, { ok: false }> {
  const version = header(headers, EPISTULA_HEADERS.version);
  const timestamp = header(headers, EPISTULA_HEADERS.timestamp);
  const uuid = header(headers, EPISTULA_HEADERS.uuid);
  const signedBy = header(headers, EPISTULA_HEADERS.signedBy);
  const signedFor = header(headers, EPISTULA_HEADERS.signedFor);
  const signature = header(headers, EPISTULA_HEADERS.signature);
  // Absent and empty headers are both missing.
  if (!version || !timestamp || !uuid || !signedBy || !signedFor || !signature) {
    const missing = [
      [EPISTULA_HEADERS.version, version],
      [EPISTULA_HEADERS.timestamp, timestamp],
      [EPISTULA_HEADERS.uuid, uuid],
      [EPISTULA_HEADERS.signedBy, signedBy],
      [EPISTULA_HEADERS.signedFor, signedFor],
      [EPISTULA_HEADERS.signature, signature],
    ]
      .filter(([, v]) => !v)
      .map(([n]) => n);
    return reject("missing_header", `missing header(s): ${missing.join(", ")}`);
  }
  if (version !== "2") return reject("bad_version", `Epistula-Version must be "2", got "${clip(version)}"`);
  if (signedFor !== ownHotkey) {
    return reject("not_for_us", `Epistula-Signed-For is ${clip(signedFor)}, not this hotkey ${ownHotkey}`);
  }
  if (!/^\d{1,16}$/.test(timestamp)) {
    return reject("stale_timestamp", "Epistula-Timestamp must be an integer number of milliseconds");
  }
  const ts = Number(timestamp);
  const delta = allowedDeltaMs;
  if (Math.abs(nowMs - ts) > delta) {
    return reject("stale_timestamp", `timestamp is ${nowMs - ts} ms from our clock, outside ±${delta} ms`);
  }
  if (!UUID_RE.test(uuid)) return reject("missing_header", "Epistula-Uuid is not a uuid");
  const publicKey = publicKeyOf(signedBy);
  if (!publicKey) return reject("signer_not_allowed", "Epistula-Signed-By is not an ss58 address");
  if (!SIG_RE.test(signature)) {
    return reject("malformed_signature", "Epistula-Request-Signature must be 0x + 64 bytes of hex");
  }
  return {
    ok: true,
    fields: {
      signedBy,
      signedFor,
      uuid,
      timestampMs: ts,
      signature,
      publicKey,
    },
  };
}

/**
 * Receiver-side check, cheapest first: headers present, version, signed-for is us, timestamp window (ms),
 * header shapes, replay, signer allowed, and only then the sr25519 signature, over the raw message or the
 * `<Bytes>`-wrapped one. The request is recorded in the replay cache only once it verified.
 */
export function verifyEpistula(
  headers: HeaderBag,
  rawBody: Uint8Array | string,
  ownHotkey: string,
  nowMs: number,
  opts: VerifyOptions = {},
): EpistulaResult {
  const cheap = checkEpistulaHeaders(headers, ownHotkey, nowMs, opts.allowedDeltaMs);
  if (!cheap.ok) return cheap;
  const { signedBy, signedFor, uuid, timestampMs: ts, signature, publicKey } = cheap.fields;
  const replayKey = epistulaReplayKey(signedBy, uuid);
  if (opts.replayCache?.has(replayKey, nowMs)) {
    return reject("replayed_uuid", "this request (signer and uuid) was already received");
  }
  if (opts.isSignerAllowed && !opts.isSignerAllowed(signedBy)) {
    return reject("signer_not_allowed", "signer is not a permitted validator");
  }
  const message = stringToU8a(epistulaMessage(rawBody, uuid, ts, signedFor));
  const sig = hexToU8a(signature);
  let valid = false;
  try {
    if (!isSr25519SignatureShape(sig))
      return reject("malformed_signature", "bytes are not an sr25519 signature");
    valid = sr25519VerifyAny(message, sig, publicKey);
  } catch {
    return reject("malformed_signature", "signature could not be decoded");
  }
  if (!valid) return reject("signature_mismatch", "signature does not match the body and headers");
  if (opts.recordReplay !== false) opts.replayCache?.add(replayKey, nowMs);
  return { ok: true, signedBy, uuid, timestampMs: ts };
}

function clip(s: string): string {
  return s.length > 64 ? `${s.slice(0, 64)}…` : s;
}

function reject(reason: EpistulaRejection, message: string): Extract<EpistulaResult, { ok: false }> {
  return { ok: false, reason, message };
}
