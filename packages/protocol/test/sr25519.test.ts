import { fastSigner, sr25519Ready, sr25519VerifyAny } from "@apex/protocol";
import { Keyring } from "@polkadot/keyring";
import { stringToU8a, u8aWrapBytes } from "@polkadot/util";
import { cryptoWaitReady, signatureVerify } from "@polkadot/util-crypto";
import { beforeAll, describe, expect, it } from "vitest";

describe("sr25519 through wasm", () => {
  let keyring: Keyring;
  beforeAll(async () => {
    await cryptoWaitReady();
    await sr25519Ready();
    keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
  });

  it("verifies signatures made by @polkadot/keyring, raw and <Bytes>-wrapped, and refuses others", () => {
    const alice = keyring.addFromUri("//Alice");
    const bob = keyring.addFromUri("//Bob");
    const msg = stringToU8a("abc.uuid.1755000000000.5F…");
    expect(sr25519VerifyAny(msg, alice.sign(msg), alice.address)).toBe(true);
    expect(sr25519VerifyAny(msg, alice.sign(u8aWrapBytes(msg)), alice.address)).toBe(true);
    expect(sr25519VerifyAny(msg, alice.sign(msg), bob.address)).toBe(false);
    expect(sr25519VerifyAny(stringToU8a("other"), alice.sign(msg), alice.address)).toBe(false);
    expect(sr25519VerifyAny(msg, "0x1234", alice.address)).toBe(false);
    expect(sr25519VerifyAny(msg, alice.sign(msg), "not-an-address")).toBe(false);
  });

  it("fastSigner signs what @polkadot/util-crypto verifies, for the same address", () => {
    const pair = keyring.addFromUri("//apex//miner0//hot");
    const fast = fastSigner(pair);
    expect(fast).not.toBe(pair);
    expect(fast.address).toBe(pair.address);
    const msg = stringToU8a("hello");
    expect(signatureVerify(msg, fast.sign(msg), pair.address).isValid).toBe(true);
    // Derived from a mnemonic too.
    const m = keyring.addFromMnemonic(
      "bottom drive obey lake curtain smoke basket hold race lonely fit walk",
    );
    expect(signatureVerify(msg, fastSigner(m).sign(msg), m.address).isValid).toBe(true);
  });

  it("leaves anything it cannot take over unchanged", () => {
    const ed = new Keyring({ type: "ed25519" }).addFromUri("//Alice");
    expect(fastSigner(ed)).toBe(ed);
    const plain = { address: "x", publicKey: new Uint8Array(32), sign: () => new Uint8Array(64) };
    expect(fastSigner(plain)).toBe(plain);
  });
});
