import {
  EPISTULA_HEADERS,
  epistulaReady,
  fastSigner,
  ReplayCache,
  SecretSignatureCache,
  type Signer,
  secretSignatureBucket,
  secretSignatureStrings,
  sha256Hex,
  signEpistula,
  verifyEpistula,
} from "@apex/protocol";
import { Keyring } from "@polkadot/keyring";
import { signatureVerify } from "@polkadot/util-crypto";
import { beforeAll, describe, expect, it } from "vitest";

type Pair = ReturnType<Keyring["addFromUri"]>;
let alice: Pair;
let bob: Pair;
let charlie: Pair;
const BODY = '{"step": "discriminator", "query": "q", "generation": "g"}';
// 2 s into a bucket that ends at 1_755_000_010_000.
const T = 1_755_000_002_000;
const SECRET_NAMES = [EPISTULA_HEADERS.secret0, EPISTULA_HEADERS.secret1, EPISTULA_HEADERS.secret2] as const;

beforeAll(async () => {
  await epistulaReady();
  const keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
  alice = keyring.addFromUri("//Alice");
  bob = keyring.addFromUri("//Bob");
  charlie = keyring.addFromUri("//Charlie");
});

/** Wraps a signer to count sr25519 signatures. */
function counting(inner: Signer): Signer & { calls: number } {
  const s = {
    address: inner.address,
    publicKey: inner.publicKey,
    calls: 0,
    sign(message: Uint8Array) {
      s.calls++;
      return inner.sign(message);
    },
  };
  return s;
}

function secrets(h: Record<string, string>): string[] {
  return SECRET_NAMES.map((n) => h[n]!);
}

function secretsVerify(h: Record<string, string>, timestampMs: number, receiver: string, signer: string) {
  const strings = secretSignatureStrings(timestampMs, receiver);
  return SECRET_NAMES.map((n, i) => signatureVerify(strings[i]!, h[n]!, signer).isValid);
}

describe("SecretSignatureCache", () => {
  it("reuses the three secret signatures within a bucket; the cached headers still verify", () => {
    const cache = new SecretSignatureCache();
    const signer = counting(fastSigner(alice));
    const a = signEpistula(signer, BODY, { signedFor: bob.address, nowMs: T, secretCache: cache });
    expect(signer.calls).toBe(4);
    const b = signEpistula(signer, BODY, { signedFor: bob.address, nowMs: T + 5_000, secretCache: cache });
    // Only the request signature is new.
    expect(signer.calls).toBe(5);
    expect(secrets(b)).toEqual(secrets(a));
    expect(b[EPISTULA_HEADERS.signature]).not.toBe(a[EPISTULA_HEADERS.signature]);
    expect(cache.stats).toEqual({ hits: 1, misses: 1 });
    // Both requests verify in full at the receiver, and so do their (shared) secret signatures.
    const replay = new ReplayCache();
    expect(verifyEpistula(a, BODY, bob.address, T, { replayCache: replay }).ok).toBe(true);
    expect(verifyEpistula(b, BODY, bob.address, T + 5_000, { replayCache: replay }).ok).toBe(true);
    expect(secretsVerify(b, T + 5_000, bob.address, alice.address)).toEqual([true, true, true]);
  });

  it("a new 10 s bucket gets new signatures, over the new bucket's strings", () => {
    const cache = new SecretSignatureCache();
    const a = signEpistula(alice, BODY, { signedFor: bob.address, nowMs: T, secretCache: cache });
    const later = T + 10_000;
    expect(secretSignatureBucket(later)).toBe(secretSignatureBucket(T) + 10_000);
    const b = signEpistula(alice, BODY, { signedFor: bob.address, nowMs: later, secretCache: cache });
    for (const i of [0, 1, 2]) expect(secrets(b)[i]).not.toBe(secrets(a)[i]);
    expect(secretsVerify(b, later, bob.address, alice.address)).toEqual([true, true, true]);
    // The old bucket's signatures do not pass for the new bucket's strings.
    expect(secretsVerify(a, later, bob.address, alice.address)).toEqual([false, false, false]);
    expect(cache.stats.misses).toBe(2);
  });

  it("the bucket edge follows ceil: ms 10_000·k belongs to bucket k, ms 10_000·k + 1 to the next", () => {
    const cache = new SecretSignatureCache();
    const edge = 1_755_000_010_000;
    const a = signEpistula(alice, BODY, { signedFor: bob.address, nowMs: edge - 9_999, secretCache: cache });
    const b = signEpistula(alice, BODY, { signedFor: bob.address, nowMs: edge, secretCache: cache });
    const c = signEpistula(alice, BODY, { signedFor: bob.address, nowMs: edge + 1, secretCache: cache });
    expect(secrets(b)).toEqual(secrets(a));
    expect(secrets(c)[1]).not.toBe(secrets(b)[1]);
    expect(secretsVerify(c, edge + 1, bob.address, alice.address)).toEqual([true, true, true]);
  });

  it("keeps receivers and signers apart", () => {
    const cache = new SecretSignatureCache();
    const toBob = signEpistula(alice, BODY, { signedFor: bob.address, nowMs: T, secretCache: cache });
    const toCharlie = signEpistula(alice, BODY, { signedFor: charlie.address, nowMs: T, secretCache: cache });
    const fromBob = signEpistula(bob, BODY, { signedFor: charlie.address, nowMs: T, secretCache: cache });
    expect(secrets(toCharlie)[1]).not.toBe(secrets(toBob)[1]);
    expect(secretsVerify(toCharlie, T, charlie.address, alice.address)).toEqual([true, true, true]);
    expect(secretsVerify(fromBob, T, charlie.address, bob.address)).toEqual([true, true, true]);
    expect(cache.size).toBe(3);
  });

  it("stays bounded: old buckets are dropped and maxEntries is a hard cap", () => {
    const cache = new SecretSignatureCache(2);
    const signer = counting(fastSigner(alice));
    for (const who of [bob, charlie, alice]) cache.get(signer, T, who.address);
    expect(cache.size).toBe(2);
    // The oldest (bob) went first: asking again signs again.
    signer.calls = 0;
    cache.get(signer, T, bob.address);
    expect(signer.calls).toBe(3);

    const wide = new SecretSignatureCache(100);
    wide.get(signer, T, bob.address);
    wide.get(signer, T + 10_000, bob.address); // previous bucket kept
    expect(wide.size).toBe(2);
    wide.get(signer, T + 20_000, charlie.address); // bucket T is two behind: dropped
    expect(wide.size).toBe(2);
    signer.calls = 0;
    wide.get(signer, T + 10_000, bob.address);
    expect(signer.calls).toBe(0);
  });

  it("refuses a size that is not a positive integer", () => {
    expect(() => new SecretSignatureCache(0)).toThrow(/maxEntries must be a positive integer/);
  });

  it("bodySha256 stands in for hashing the body and gives the same signed message", () => {
    const h = signEpistula(alice, BODY, {
      signedFor: bob.address,
      nowMs: T,
      bodySha256: sha256Hex(BODY),
      secretSignatures: false,
    });
    expect(verifyEpistula(h, BODY, bob.address, T).ok).toBe(true);
    expect(verifyEpistula(h, `${BODY} `, bob.address, T).ok).toBe(false);
  });
});
