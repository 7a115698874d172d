import { describe, expect, it } from "vitest";
import {
  encodeWeightsPayload,
  QUICKNET,
  revealRound,
  tlockDecrypt,
  tlockEncrypt,
  verifyBeacon,
} from "../src/subtensor/tlock.js";

// A published drand quicknet beacon: round 1000 and its signature (also the test vector of ideal-lab5/timelock's
// `tlock_encrypt_decrypt_drand_quicknet_works`).
const ROUND = 1000;
const SIGNATURE =
  "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39";

describe("drand quicknet timelock (tle format)", () => {
  it("recognises the published beacon signature for round 1000 and rejects it for another round", () => {
    expect(verifyBeacon(ROUND, SIGNATURE)).toBe(true);
    expect(verifyBeacon(ROUND + 1, SIGNATURE)).toBe(false);
  });

  it("encrypts to a round and decrypts with that round's beacon signature", () => {
    const payload = encodeWeightsPayload(new Uint8Array(32).fill(7), [0, 2], [65535, 1000], 42);
    const ct = tlockEncrypt(payload, ROUND);
    expect(Buffer.from(tlockDecrypt(ct, SIGNATURE))).toEqual(Buffer.from(payload));
  });

  it("lays the ciphertext out as ark TLECiphertext: G2 U, V, W, AES body, cipher suite", () => {
    const ct = tlockEncrypt(new Uint8Array([1, 2, 3]), ROUND);
    const view = new DataView(ct.buffer, ct.byteOffset);
    expect(ct[0]! & 0x80).toBe(0x80); // compressed-point flag of the 96-byte G2 element
    expect(view.getBigUint64(96, true)).toBe(32n); // V
    expect(view.getBigUint64(96 + 8 + 32, true)).toBe(32n); // W
    const bodyLen = Number(view.getBigUint64(96 + 80, true));
    // AES output: Vec(ciphertext ‖ 16-byte tag) then Vec(12-byte nonce)
    expect(bodyLen).toBe(8 + 3 + 16 + 8 + 12);
    const suite = ct.subarray(96 + 88 + bodyLen + 8);
    expect(Buffer.from(suite).toString()).toBe("AES_GCM_");
    expect(ct.length).toBe(96 + 88 + bodyLen + 8 + 8);
  });

  it("refuses to decrypt with another round's signature or a tampered body", () => {
    const ct = tlockEncrypt(new Uint8Array([9, 9, 9]), ROUND + 1);
    expect(() => tlockDecrypt(ct, SIGNATURE)).toThrow(/wrong signature/);
    const good = tlockEncrypt(new Uint8Array([9, 9, 9]), ROUND);
    const tampered = Uint8Array.from(good);
    tampered[96 + 88 + 8]! ^= 1; // first byte of the AES ciphertext
    expect(() => tlockDecrypt(tampered, SIGNATURE)).toThrow();
  });

  it("is deterministic for fixed randomness and differs across randomness", () => {
    const rnd = {
      esk: new Uint8Array(32).fill(2),
      sigmaSeed: new Uint8Array(32).fill(3),
      nonce: new Uint8Array(12),
    };
    const a = tlockEncrypt(new Uint8Array([5]), ROUND, QUICKNET.publicKey, rnd);
    const b = tlockEncrypt(new Uint8Array([5]), ROUND, QUICKNET.publicKey, rnd);
    const c = tlockEncrypt(new Uint8Array([5]), ROUND);
    expect(Buffer.from(a)).toEqual(Buffer.from(b));
    expect(Buffer.from(a)).not.toEqual(Buffer.from(c));
  });
});

describe("WeightsTlockPayload SCALE", () => {
  it("encodes hotkey, uids, values and version_key as subtensor decodes them", () => {
    const bytes = encodeWeightsPayload(Uint8Array.of(0xaa, 0xbb), [1, 256], [65535, 0], 5);
    expect(Buffer.from(bytes).toString("hex")).toBe(
      ["08aabb", "08" + "0100" + "0001", "08" + "ffff" + "0000", "0500000000000000"].join(""),
    );
  });

  it("rejects values that are not u16", () => {
    expect(() => encodeWeightsPayload(new Uint8Array(32), [1], [70000], 0)).toThrow(/u16/);
  });
});

describe("reveal round", () => {
  it("targets the first block of epoch commit_epoch + reveal_period, minus the pulse delay", () => {
    // tempo 360, netuid 1, block 1000: epoch = floor(1002/361) = 2, reveal epoch 3 → block 3*361-2 = 1081.
    const now = QUICKNET.genesisTime + 3000;
    const r = revealRound({
      tempo: 360,
      currentBlock: 1000,
      netuid: 1,
      revealPeriodEpochs: 1,
      blockTimeSeconds: 12,
      nowSeconds: now,
    });
    expect(r.revealBlock).toBe(1081);
    expect(r.revealRound).toBe(Math.ceil((3000 + 81 * 12) / 3) - 24);
  });

  it("pushes the reveal one epoch later when the pulse could not be on chain in time", () => {
    // tempo 10, netuid 2, block 8: epoch floor(11/11)=1, reveal epoch 2 → block 19: 11 blocks * 1 s < 72 s.
    const r = revealRound({
      tempo: 10,
      currentBlock: 8,
      netuid: 2,
      revealPeriodEpochs: 1,
      blockTimeSeconds: 1,
      nowSeconds: QUICKNET.genesisTime + 300,
    });
    expect((r.revealBlock + 3) % 11).toBe(0);
    expect(r.revealBlock - 8).toBeGreaterThanOrEqual(72);
  });
});
