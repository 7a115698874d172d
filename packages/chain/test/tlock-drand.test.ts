// Outside reference for timelocked weight commits: drand's own tlock-js (npm, the library drand publishes)
// against our encapsulation, both ways, at a published quicknet beacon. tlock-js wraps the pairing key in its
// own hashes (H2 "IBE-H2" over its Fp12 bytes, H3, H4) where subtensor's `tle` format uses sha256 over ark
// bytes and AES-GCM; the round identity, the DST, the quicknet key, U = r·G2 and the key e(Q_round, r·P_pub)
// are shared, and those are what this file checks: drand's decryptor opens what our encapsulation locked, and
// our unlock opens what drand's encryptor locked. (Both sit on @noble/curves for the curve arithmetic.)
import { sha256 } from "@noble/hashes/sha2";
import { decryptOnG2, encryptOnG2RFC9380, gtToHash } from "tlock-js/crypto/ibe.js";
import { MAINNET_CHAIN_INFO } from "tlock-js/drand/defaults.js";
import { hashedRoundNumber } from "tlock-js/drand/timelock-encrypter.js";
import { describe, expect, it } from "vitest";
import { ibeEncapsulate, ibeUnlock, QUICKNET, tlockDecrypt, tlockEncrypt } from "../src/subtensor/tlock.js";

// A published drand quicknet beacon: round 1000 and its signature (drand's public API; also the test vector of
// ideal-lab5/timelock's `tlock_encrypt_decrypt_drand_quicknet_works`).
const ROUND = 1000;
const SIGNATURE =
  "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39";
const FR_ORDER = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;

const hex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));
const xor = (a: Uint8Array, b: Uint8Array) => a.map((x, i) => x ^ b[i]!);
const ascii = (s: string) => new TextEncoder().encode(s);
const cat = (...p: Uint8Array[]) => Uint8Array.from(Buffer.concat(p));

// drand's IBE hashes (the FullIdent construction of drand's tlock scheme), written here from its definition;
// tlock-js does not export H3/H4, and its decryptor re-derives r with them to check U.
const h4 = (sigma: Uint8Array, len: number) => sha256(cat(ascii("IBE-H4"), sigma)).slice(0, len);
function h3(sigma: Uint8Array, msg: Uint8Array): bigint {
  const seed = sha256(cat(ascii("IBE-H3"), sigma, msg));
  for (let i = 1; i < 65_535; i++) {
    const data = sha256(cat(Uint8Array.of(i & 0xff, i >> 8), seed));
    data[0] = data[0]! >> 1;
    const n = BigInt(`0x${Buffer.from(data).toString("hex")}`);
    if (n < FR_ORDER) return n;
  }
  throw new Error("h3: no scalar");
}

describe("timelock against drand's tlock-js at quicknet round 1000", () => {
  it("our quicknet constants are drand's (public key, chain hash, genesis, period)", () => {
    expect(MAINNET_CHAIN_INFO.schemeID).toBe("bls-unchained-g1-rfc9380");
    expect(MAINNET_CHAIN_INFO.public_key).toBe(QUICKNET.publicKey);
    expect(MAINNET_CHAIN_INFO.hash).toBe(QUICKNET.chainHash);
    expect(MAINNET_CHAIN_INFO.genesis_time).toBe(QUICKNET.genesisTime);
    expect(MAINNET_CHAIN_INFO.period).toBe(QUICKNET.periodSeconds);
  });

  it("ours encrypts, drand's decrypts: tlock-js opens our encapsulation with the published signature", async () => {
    const msg = ascii("apex weights 16B");
    const sigma = sha256(ascii("sigma for the cross-check")).slice(0, msg.length);
    const { u, key } = ibeEncapsulate(ROUND, h3(sigma, msg));
    const ct = { U: u, V: xor(sigma, gtToHash(key, msg.length)), W: xor(msg, h4(sigma, msg.length)) };
    expect(Buffer.from(await decryptOnG2(hex(SIGNATURE), ct))).toEqual(Buffer.from(msg));
    // Locked to the next round, the same signature must not open it (drand's U check fails).
    const other = ibeEncapsulate(ROUND + 1, h3(sigma, msg));
    const wrong = { U: other.u, V: xor(sigma, gtToHash(other.key, msg.length)), W: ct.W };
    await expect(decryptOnG2(hex(SIGNATURE), wrong)).rejects.toThrow(/rP check failed/);
  });

  it("drand's encrypts, ours decrypts: our unlock opens tlock-js's ciphertext with the published signature", async () => {
    const msg = ascii("sixteen byte key");
    const ct = await encryptOnG2RFC9380(hex(QUICKNET.publicKey), hashedRoundNumber(ROUND), msg);
    const sigma = xor(ct.V, gtToHash(ibeUnlock(SIGNATURE, ct.U), ct.W.length));
    expect(Buffer.from(xor(ct.W, h4(sigma, ct.W.length)))).toEqual(Buffer.from(msg));
    // A ciphertext drand locked to another round does not open with round 1000's signature.
    const later = await encryptOnG2RFC9380(hex(QUICKNET.publicKey), hashedRoundNumber(ROUND + 1), msg);
    const sigma2 = xor(later.V, gtToHash(ibeUnlock(SIGNATURE, later.U), later.W.length));
    expect(Buffer.from(xor(later.W, h4(sigma2, later.W.length)))).not.toEqual(Buffer.from(msg));
  });

  it("the same encapsulation is what our tle-format commit carries (U is the ciphertext's first 96 bytes)", () => {
    const rnd = {
      esk: new Uint8Array(32).fill(4),
      sigmaSeed: new Uint8Array(32).fill(5),
      nonce: new Uint8Array(12),
    };
    const ct = tlockEncrypt(ascii("payload"), ROUND, QUICKNET.publicKey, rnd);
    const sigma = sha256(rnd.sigmaSeed);
    const r = BigInt(`0x${Buffer.from(sha256(cat(sigma, rnd.esk))).toString("hex")}`) % FR_ORDER;
    expect(Buffer.from(ct.subarray(0, 96))).toEqual(Buffer.from(ibeEncapsulate(ROUND, r).u));
    expect(Buffer.from(tlockDecrypt(ct, SIGNATURE)).toString()).toBe("payload");
  });
});
