// Timelock encryption of weight commits, in the byte format subtensor decrypts (coinbase/reveal_commits.rs):
// `TLECiphertext<TinyBLS381>` of the `tle` crate (ideal-lab5/timelock @ 5416406c) serialised with ark-serialize
// (compressed), wrapping an AES-256-GCM body, against drand quicknet (BLS12-381, signatures on G1, key on G2).
//
// Scheme (Boneh–Franklin FullIdent as `tle` implements it):
//   identity Q = hash_to_G1(sha256(round as u64 BE)), DST BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_
//   sigma = sha256(random), r = Fr(sha256(sigma ‖ esk)) (big-endian, mod order), U = r·G2
//   V = sigma ⊕ sha256(ark(e(Q, r·P_pub))), W = esk ⊕ sha256(sigma)
//   body = AES-256-GCM(esk, 12-byte nonce, plaintext) (ciphertext ‖ tag)
// Decryption with the round's signature S: sigma = V ⊕ sha256(ark(e(S, U))), esk = W ⊕ sha256(sigma), check U.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { bls12_381 as bls } from "@noble/curves/bls12-381";
import { sha256 } from "@noble/hashes/sha2";
import { epochIndex, firstBlockOfEpoch } from "../epoch.js";

/** drand quicknet (bittensor-drand constants.rs; drand's published chain info). */
export const QUICKNET = {
  publicKey:
    "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a",
  chainHash: "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
  genesisTime: 1_692_803_367,
  periodSeconds: 3,
  dst: "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_",
} as const;

/** Rounds subtensor's drand pallet lags behind drand (bittensor-drand `SUBTENSOR_PULSE_DELAY`). */
export const SUBTENSOR_PULSE_DELAY = 24;

const CIPHER_SUITE = new TextEncoder().encode("AES_GCM_");
const G2 = bls.G2.ProjectivePoint;
const G1 = bls.G1.ProjectivePoint;
type Fp12 = ReturnType<typeof bls.pairing>;

function hexToBytes(hex: string): Uint8Array {
  const clean = hex.startsWith("0x") ? hex.slice(2) : hex;
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw new Error("invalid hex string");
  return Uint8Array.from(Buffer.from(clean, "hex"));
}

function xor32(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length < 32 || b.length < 32) throw new Error("tlock: xor needs 32-byte inputs");
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0); // i < 32 ≤ both lengths
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** ark-serialize of an Fp element: 48 bytes little-endian. */
function fpLE(x: bigint): Uint8Array {
  const out = new Uint8Array(48);
  let v = x;
  for (let i = 0; i < 48; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** ark-serialize of an Fp12 (GT) element: c0 then c1, recursively down to Fp, 576 bytes. */
export function serializeGt(gt: Fp12): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f6 of [gt.c0, gt.c1]) {
    for (const f2 of [f6.c0, f6.c1, f6.c2]) parts.push(fpLE(f2.c0), fpLE(f2.c1));
  }
  return concat(...parts);
}

const h2 = (gt: Fp12) => sha256(serializeGt(gt));

function h3(sigma: Uint8Array, message: Uint8Array): bigint {
  const digest = sha256(concat(sigma, message));
  const n = BigInt(`0x${Buffer.from(digest).toString("hex")}`);
  return bls.fields.Fr.create(n);
}

/** ark-serialize `Vec<u8>`: u64 little-endian length, then the bytes. */
function arkBytes(b: Uint8Array): Uint8Array {
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(b.length), true);
  return concat(len, b);
}

class Reader {
  private at = 0;
  constructor(private readonly buf: Uint8Array) {}
  take(n: number): Uint8Array {
    if (this.at + n > this.buf.length) throw new Error("tlock: ciphertext truncated");
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  vec(): Uint8Array {
    const len = new DataView(this.take(8).slice().buffer).getBigUint64(0, true);
    if (len > BigInt(this.buf.length)) throw new Error("tlock: bad length prefix");
    return this.take(Number(len));
  }
  done(): boolean {
    return this.at === this.buf.length;
  }
}

/** The drand identity of a round: sha256(round as u64 big-endian), hashed to G1. */
function roundIdentity(round: bigint | number) {
  const be = new Uint8Array(8);
  new DataView(be.buffer).setBigUint64(0, BigInt(round), false);
  return bls.G1.hashToCurve(sha256(be), { DST: QUICKNET.dst }) as InstanceType<typeof G1>;
}

/** True when `signature` (48-byte compressed G1) is the beacon's signature for `round` under `publicKey`. */
export function verifyBeacon(
  round: bigint | number,
  signature: string,
  publicKey: string = QUICKNET.publicKey,
) {
  const sig = G1.fromHex(hexToBytes(signature));
  const pk = G2.fromHex(hexToBytes(publicKey));
  return bls.fields.Fp12.eql(bls.pairing(sig, G2.BASE), bls.pairing(roundIdentity(round), pk));
}

/** The pairing value both sides derive: a sender from (round, r), a holder of the round's beacon from U. */
export type IbeKey = Fp12;

/**
 * The identity-based key encapsulation under the format: U = r·G2 (96-byte compressed) and the key
 * e(Q_round, r·P_pub). drand's own tlock-js encapsulates the same way; only the hashing around it differs.
 */
export function ibeEncapsulate(
  round: bigint | number,
  r: bigint,
  publicKey: string = QUICKNET.publicKey,
): { u: Uint8Array; key: IbeKey } {
  const pPub = G2.fromHex(hexToBytes(publicKey));
  return {
    u: G2.BASE.multiply(r).toRawBytes(true),
    key: bls.pairing(roundIdentity(round), pPub.multiply(r)),
  };
}

/** The key again from U and the round's beacon signature: e(S, U) (what the chain computes on reveal). */
export function ibeUnlock(signature: string, u: Uint8Array): IbeKey {
  return bls.pairing(G1.fromHex(hexToBytes(signature)), G2.fromHex(u));
}

export interface TlockRandomness {
  /** 32 bytes: the AES key. */
  esk: Uint8Array;
  /** 32 bytes hashed into sigma. */
  sigmaSeed: Uint8Array;
  /** 12 bytes: the AES-GCM nonce. */
  nonce: Uint8Array;
}

/**
 * Encrypts `plaintext` to a drand round; returns the bytes of ark `TLECiphertext<TinyBLS381>::serialize_compressed`.
 * `randomness` is for tests only; production draws it from the OS.
 */
export function tlockEncrypt(
  plaintext: Uint8Array,
  round: bigint | number,
  publicKey: string = QUICKNET.publicKey,
  randomness?: TlockRandomness,
): Uint8Array {
  const esk = randomness?.esk ?? Uint8Array.from(randomBytes(32));
  const sigma = sha256(randomness?.sigmaSeed ?? Uint8Array.from(randomBytes(32)));
  const nonce = randomness?.nonce ?? Uint8Array.from(randomBytes(12));
  const { u, key } = ibeEncapsulate(round, h3(sigma, esk), publicKey);
  const v = xor32(sigma, h2(key));
  const w = xor32(esk, sha256(sigma));

  const cipher = createCipheriv("aes-256-gcm", esk, nonce);
  const sealed = concat(cipher.update(plaintext), cipher.final(), cipher.getAuthTag());
  const body = concat(arkBytes(sealed), arkBytes(nonce));

  return concat(u, arkBytes(v), arkBytes(w), arkBytes(body), arkBytes(CIPHER_SUITE));
}

/** Decrypts a `tlockEncrypt` ciphertext with the round's beacon signature (what the chain does on reveal). */
export function tlockDecrypt(ciphertext: Uint8Array, signature: string): Uint8Array {
  const reader = new Reader(ciphertext);
  const uBytes = reader.take(96);
  const u = G2.fromHex(uBytes);
  const v = reader.vec();
  const w = reader.vec();
  const body = reader.vec();
  const suite = reader.vec();
  if (!reader.done()) throw new Error("tlock: trailing bytes after the ciphertext");
  if (Buffer.compare(Buffer.from(suite), Buffer.from(CIPHER_SUITE)) !== 0) {
    throw new Error(`tlock: unsupported cipher suite "${Buffer.from(suite).toString()}"`);
  }
  const sigma = xor32(v, h2(ibeUnlock(signature, uBytes)));
  const esk = xor32(w, sha256(sigma));
  if (!G2.BASE.multiply(h3(sigma, esk)).equals(u)) {
    throw new Error("tlock: wrong signature for this ciphertext (U check failed)");
  }
  const bodyReader = new Reader(body);
  const sealed = bodyReader.vec();
  const nonce = bodyReader.vec();
  if (nonce.length !== 12 || sealed.length < 16) throw new Error("tlock: malformed AES-GCM body");
  const decipher = createDecipheriv("aes-256-gcm", esk, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return concat(decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final());
}

/** SCALE compact length prefix. */
function compactLen(n: number): Uint8Array {
  if (n < 1 << 6) return Uint8Array.of(n << 2);
  if (n < 1 << 14) return Uint8Array.of(((n << 2) | 1) & 0xff, n >> 6);
  if (n < 1 << 30) {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, ((n << 2) | 2) >>> 0, true);
    return out;
  }
  throw new Error("SCALE: length too large");
}

function u16Vec(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v > 65535) throw new Error(`weights payload: ${v} is not a u16`);
    view.setUint16(i * 2, v, true);
  });
  return concat(compactLen(values.length), out);
}

/** SCALE of `WeightsTlockPayload { hotkey: Vec<u8>, uids: Vec<u16>, values: Vec<u16>, version_key: u64 }`. */
export function encodeWeightsPayload(
  hotkeyPublicKey: Uint8Array,
  uids: readonly number[],
  values: readonly number[],
  versionKey: number | bigint,
): Uint8Array {
  const vk = new Uint8Array(8);
  new DataView(vk.buffer).setBigUint64(0, BigInt(versionKey), true);
  return concat(compactLen(hotkeyPublicKey.length), hotkeyPublicKey, u16Vec(uids), u16Vec(values), vk);
}

export interface RevealRoundInput {
  tempo: number;
  currentBlock: number;
  netuid: number;
  /** RevealPeriodEpochs of the subnet. */
  revealPeriodEpochs: number;
  /** Seconds per block as the chain runs (12 on finney). */
  blockTimeSeconds: number;
  /** Unix seconds now (from the injected clock). */
  nowSeconds: number;
}

/**
 * The drand round a commit must target so the chain can reveal it in epoch `commit_epoch + reveal_period`
 * (bittensor-drand `generate_commit`; the epoch schedule is ../epoch.ts).
 */
export function revealRound(input: RevealRoundInput): { revealRound: number; revealBlock: number } {
  const currentEpoch = epochIndex(input.netuid, input.tempo, input.currentBlock);
  let revealEpoch = currentEpoch + input.revealPeriodEpochs;
  const blockOf = (epoch: number) => firstBlockOfEpoch(input.netuid, input.tempo, epoch);
  const secondsUntil = (epoch: number) =>
    Math.max(0, blockOf(epoch) - input.currentBlock) * input.blockTimeSeconds;
  // Leave the chain's drand pallet time to ingest the pulse before the reveal block.
  while (secondsUntil(revealEpoch) < SUBTENSOR_PULSE_DELAY * QUICKNET.periodSeconds) revealEpoch++;
  const revealTime = input.nowSeconds + secondsUntil(revealEpoch);
  const round =
    Math.ceil((revealTime - QUICKNET.genesisTime) / QUICKNET.periodSeconds) - SUBTENSOR_PULSE_DELAY;
  return { revealRound: Math.max(1, round), revealBlock: blockOf(revealEpoch) };
}
