import {
  EPISTULA_HEADERS,
  type EpistulaRejection,
  epistulaMessage,
  epistulaReady,
  ReplayCache,
  secretSignatureStrings,
  sha256Hex,
  signEpistula,
  VirtualClock,
  verifyEpistula,
} from "@apex/protocol";
import { Keyring } from "@polkadot/keyring";
import { stringToU8a, u8aToHex, u8aWrapBytes } from "@polkadot/util";
import { signatureVerify } from "@polkadot/util-crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";

type Pair = ReturnType<Keyring["addFromUri"]>;
let alice: Pair;
let bob: Pair;
let charlie: Pair;
const NOW = 1_755_000_000_000;
const BODY = '{"step": "generator", "query": "caf\\u00e9?"}';

beforeAll(async () => {
  await epistulaReady();
  const keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
  alice = keyring.addFromUri("//Alice");
  bob = keyring.addFromUri("//Bob");
  charlie = keyring.addFromUri("//Charlie");
});

const signed = (body: string | Uint8Array = BODY, nowMs = NOW) =>
  signEpistula(alice, body, { signedFor: bob.address, nowMs });

function rejection(r: ReturnType<typeof verifyEpistula>): EpistulaRejection | "ok" {
  return r.ok ? "ok" : r.reason;
}

describe("sender side", () => {
  it("sends the six headers plus three secret signatures, with exact names and formats", () => {
    const h = signEpistula(alice, BODY, {
      signedFor: bob.address,
      nowMs: NOW,
      uuid: "0b3c4e1a-1d2f-4a5b-8c9d-0e1f2a3b4c5d",
    });
    expect(Object.keys(h).sort()).toEqual(
      [
        "Epistula-Version",
        "Epistula-Timestamp",
        "Epistula-Uuid",
        "Epistula-Signed-By",
        "Epistula-Signed-For",
        "Epistula-Request-Signature",
        "Epistula-Secret-Signature-0",
        "Epistula-Secret-Signature-1",
        "Epistula-Secret-Signature-2",
      ].sort(),
    );
    expect(h[EPISTULA_HEADERS.version]).toBe("2");
    expect(h[EPISTULA_HEADERS.timestamp]).toBe(String(NOW));
    expect(h[EPISTULA_HEADERS.signedBy]).toBe(alice.address);
    expect(h[EPISTULA_HEADERS.signature]).toMatch(/^0x[0-9a-f]{128}$/);
    const msg = `${sha256Hex(BODY)}.0b3c4e1a-1d2f-4a5b-8c9d-0e1f2a3b4c5d.${NOW}.${bob.address}`;
    expect(signatureVerify(msg, h[EPISTULA_HEADERS.signature]!, alice.address).isValid).toBe(true);
  });

  it("uses a fresh uuid v4 and the injected clock", () => {
    const clock = new VirtualClock(NOW + 1234);
    const a = signEpistula(alice, BODY, { signedFor: bob.address, clock });
    const b = signEpistula(alice, BODY, { signedFor: bob.address, clock });
    expect(a[EPISTULA_HEADERS.uuid]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(a[EPISTULA_HEADERS.uuid]).not.toBe(b[EPISTULA_HEADERS.uuid]);
    expect(a[EPISTULA_HEADERS.timestamp]).toBe(String(NOW + 1234));
  });

  it("the secret-signature strings carry Python's trailing .0", () => {
    expect(secretSignatureStrings(1_755_000_009_999, "X")).toEqual([
      "1755000009999.0.X",
      "1755000010000.0.X",
      "1755000010001.0.X",
    ]);
    expect(secretSignatureStrings(1_755_000_010_000, "X")[1]).toBe("1755000010000.0.X");
    expect(secretSignatureStrings(1_755_000_010_001, "X")[1]).toBe("1755000020000.0.X");
    const h = signed(BODY, 1_755_000_009_999);
    const strings = secretSignatureStrings(1_755_000_009_999, bob.address);
    [EPISTULA_HEADERS.secret0, EPISTULA_HEADERS.secret1, EPISTULA_HEADERS.secret2].forEach((name, i) => {
      expect(signatureVerify(strings[i]!, h[name]!, alice.address).isValid).toBe(true);
    });
  });

  it("without a receiver: no Signed-For, no secret signatures, and an empty last field", () => {
    const h = signEpistula(alice, BODY, { nowMs: NOW });
    expect(h[EPISTULA_HEADERS.signedFor]).toBeUndefined();
    expect(h[EPISTULA_HEADERS.secret0]).toBeUndefined();
    const msg = epistulaMessage(BODY, h[EPISTULA_HEADERS.uuid]!, NOW, "");
    expect(msg.endsWith(`.${NOW}.`)).toBe(true);
    expect(signatureVerify(msg, h[EPISTULA_HEADERS.signature]!, alice.address).isValid).toBe(true);
  });

  it("hashes the exact UTF-8 bytes", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("é")).toBe(sha256Hex(new Uint8Array([0xc3, 0xa9])));
  });
});

describe("receiver side", () => {
  it("a request signed here verifies here (plain object, node's lower-case headers, fetch Headers)", () => {
    const h = signed();
    expect(verifyEpistula(h, BODY, bob.address, NOW + 10)).toMatchObject({
      ok: true,
      signedBy: alice.address,
      timestampMs: NOW,
    });
    const lower = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
    expect(rejection(verifyEpistula(lower, BODY, bob.address, NOW))).toBe("ok");
    expect(rejection(verifyEpistula(new Headers(h), new TextEncoder().encode(BODY), bob.address, NOW))).toBe(
      "ok",
    );
  });

  it("non-ASCII text survives: the hash is over the exact bytes received", () => {
    const body = JSON.stringify({ step: "generator", query: "Schrödinger’s 🐈 — ¿qué?" });
    const h = signed(body);
    expect(rejection(verifyEpistula(h, new TextEncoder().encode(body), bob.address, NOW))).toBe("ok");
    // The same text in another normal form is other bytes, so it must fail.
    const nfd = body.normalize("NFD");
    expect(nfd).not.toBe(body);
    expect(rejection(verifyEpistula(h, nfd, bob.address, NOW))).toBe("signature_mismatch");
  });

  it("accepts a signature over the <Bytes>-wrapped message", () => {
    const uuid = "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
    const msg = stringToU8a(epistulaMessage(BODY, uuid, NOW, bob.address));
    const h = {
      "Epistula-Version": "2",
      "Epistula-Timestamp": String(NOW),
      "Epistula-Uuid": uuid,
      "Epistula-Signed-By": alice.address,
      "Epistula-Signed-For": bob.address,
      "Epistula-Request-Signature": u8aToHex(alice.sign(u8aWrapBytes(msg))),
    };
    expect(rejection(verifyEpistula(h, BODY, bob.address, NOW))).toBe("ok");
  });

  describe("the negative matrix: every reason is observed", () => {
    const required = [
      EPISTULA_HEADERS.version,
      EPISTULA_HEADERS.timestamp,
      EPISTULA_HEADERS.uuid,
      EPISTULA_HEADERS.signedBy,
      EPISTULA_HEADERS.signedFor,
      EPISTULA_HEADERS.signature,
    ];
    it.each(required)("missing %s → missing_header, naming it", (name) => {
      const h = signed();
      delete h[name];
      const r = verifyEpistula(h, BODY, bob.address, NOW);
      expect(r).toMatchObject({
        ok: false,
        reason: "missing_header",
        message: expect.stringContaining(name),
      });
      const empty = { ...signed(), [name]: "" };
      expect(rejection(verifyEpistula(empty, BODY, bob.address, NOW))).toBe("missing_header");
    });

    const cases: Array<[string, (h: Record<string, string>) => Record<string, string>, EpistulaRejection]> = [
      ["version 1", () => ({ "Epistula-Version": "1" }), "bad_version"],
      [
        "signed for someone else",
        () => ({ "Epistula-Signed-For": "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y" }),
        "not_for_us",
      ],
      ["timestamp in seconds", () => ({ "Epistula-Timestamp": String(NOW / 1000) }), "stale_timestamp"],
      ["timestamp not a number", () => ({ "Epistula-Timestamp": "12a" }), "stale_timestamp"],
      ["uuid not a uuid", () => ({ "Epistula-Uuid": "not-a-uuid" }), "missing_header"],
      ["signer not ss58", () => ({ "Epistula-Signed-By": "alice" }), "signer_not_allowed"],
      [
        "signer as a hex key",
        () => ({ "Epistula-Signed-By": u8aToHex(alice.publicKey) }),
        "signer_not_allowed",
      ],
      ["signature too short", () => ({ "Epistula-Request-Signature": "0x1234" }), "malformed_signature"],
      [
        "signature bytes that are no sr25519 signature",
        () => ({ "Epistula-Request-Signature": `0x${"ab".repeat(64)}` }),
        "malformed_signature",
      ],
      [
        "signature without 0x",
        (h) => ({ "Epistula-Request-Signature": h["Epistula-Request-Signature"]!.slice(2) }),
        "malformed_signature",
      ],
      [
        "uuid changed",
        () => ({ "Epistula-Uuid": "00000000-0000-4000-8000-000000000000" }),
        "signature_mismatch",
      ],
      ["claims another signer", () => ({ "Epistula-Signed-By": charlie.address }), "signature_mismatch"],
    ];
    it.each(cases)("%s", (_name, mutate, reason) => {
      const h = signed();
      Object.assign(h, mutate(h));
      expect(rejection(verifyEpistula(h, BODY, bob.address, NOW))).toBe(reason);
    });

    it("signed for a different receiver than the one named", () => {
      const h = signEpistula(alice, BODY, { signedFor: charlie.address, nowMs: NOW });
      expect(rejection(verifyEpistula(h, BODY, bob.address, NOW))).toBe("not_for_us");
    });

    it("tampered body → signature_mismatch", () => {
      expect(rejection(verifyEpistula(signed(), `${BODY} `, bob.address, NOW))).toBe("signature_mismatch");
    });

    it("the window is ±8000 ms, in milliseconds, both directions", () => {
      const h = signed();
      expect(rejection(verifyEpistula(h, BODY, bob.address, NOW + 8_000))).toBe("ok");
      expect(rejection(verifyEpistula(h, BODY, bob.address, NOW - 8_000))).toBe("ok");
      expect(rejection(verifyEpistula(h, BODY, bob.address, NOW + 8_001))).toBe("stale_timestamp");
      expect(rejection(verifyEpistula(h, BODY, bob.address, NOW - 8_001))).toBe("stale_timestamp");
      expect(rejection(verifyEpistula(h, BODY, bob.address, NOW + 2_000, { allowedDeltaMs: 1_000 }))).toBe(
        "stale_timestamp",
      );
    });

    it("a replayed uuid is refused; a failed attempt does not poison the cache", () => {
      const cache = new ReplayCache();
      const h = signed();
      expect(rejection(verifyEpistula(h, `${BODY}x`, bob.address, NOW, { replayCache: cache }))).toBe(
        "signature_mismatch",
      );
      expect(cache.size).toBe(0);
      expect(rejection(verifyEpistula(h, BODY, bob.address, NOW, { replayCache: cache }))).toBe("ok");
      expect(rejection(verifyEpistula(h, BODY, bob.address, NOW + 1, { replayCache: cache }))).toBe(
        "replayed_uuid",
      );
      expect(cache.size).toBe(1);
    });

    it("a replay at exactly +2·delta is refused: first seen at ts − 8000, replayed at ts + 8000", () => {
      const cache = new ReplayCache();
      const h = signed();
      expect(rejection(verifyEpistula(h, BODY, bob.address, NOW - 8_000, { replayCache: cache }))).toBe("ok");
      expect(rejection(verifyEpistula(h, BODY, bob.address, NOW + 8_000, { replayCache: cache }))).toBe(
        "replayed_uuid",
      );
      // One millisecond later the timestamp itself is out of the window.
      expect(rejection(verifyEpistula(h, BODY, bob.address, NOW + 8_001, { replayCache: cache }))).toBe(
        "stale_timestamp",
      );
    });

    it("recordReplay: false leaves the cache to the caller (a request refused after verification is not kept)", () => {
      const cache = new ReplayCache();
      const h = signed();
      const opts = { replayCache: cache, recordReplay: false };
      expect(rejection(verifyEpistula(h, BODY, bob.address, NOW, opts))).toBe("ok");
      expect(cache.size).toBe(0);
      expect(rejection(verifyEpistula(h, BODY, bob.address, NOW, opts))).toBe("ok");
    });

    it("a signer the caller does not allow → signer_not_allowed", () => {
      const r = verifyEpistula(signed(), BODY, bob.address, NOW, {
        isSignerAllowed: (hk) => hk === charlie.address,
      });
      expect(rejection(r)).toBe("signer_not_allowed");
    });
  });

  it("does the cheap checks first: a stale forgery is refused as stale without asking who signed", () => {
    const allowed = vi.fn(() => true);
    const h = signed();
    // A well-formed signature, but by Charlie: only sr25519 can tell.
    h["Epistula-Request-Signature"] = signEpistula(charlie, BODY, { signedFor: bob.address, nowMs: NOW })[
      "Epistula-Request-Signature"
    ]!;
    expect(rejection(verifyEpistula(h, BODY, bob.address, NOW + 60_000, { isSignerAllowed: allowed }))).toBe(
      "stale_timestamp",
    );
    expect(allowed).not.toHaveBeenCalled();
    expect(rejection(verifyEpistula(h, BODY, bob.address, NOW, { isSignerAllowed: allowed }))).toBe(
      "signature_mismatch",
    );
    expect(allowed).toHaveBeenCalledWith(alice.address);
  });
});

describe("ReplayCache", () => {
  it("forgets after the window (2 × 8000 ms by default)", () => {
    const c = new ReplayCache();
    expect(c.check("k", 0)).toBe(true);
    expect(c.check("k", 15_999)).toBe(false);
    // Inclusive, like the timestamp window: exactly 2·delta later is still a replay.
    expect(c.check("k", 16_000)).toBe(false);
    expect(c.check("k", 16_001)).toBe(true);
  });

  it("prunes expired entries as time passes and stays bounded", () => {
    const c = new ReplayCache(1_000, 3);
    for (let i = 0; i < 5; i++) c.add(`k${i}`, i);
    expect(c.size).toBe(3);
    expect(c.has("k0", 10)).toBe(false); // evicted as the oldest when full
    expect(c.has("k4", 10)).toBe(true);
    expect(c.has("k4", 5_000)).toBe(false);
    expect(c.size).toBe(0);
  });
});
