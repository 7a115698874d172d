import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  canonicalToPolkadotSecret,
  createWallet,
  decodeEnvPassword,
  devKeypair,
  encodeEnvPassword,
  fileMode,
  keyfileEncryption,
  keyfileFromSeed,
  listHotkeys,
  listWallets,
  loadColdkey,
  loadColdkeyPub,
  loadHotkey,
  NACL_MEMLIMIT,
  NACL_OPSLIMIT,
  pairFromKeyfile,
  passwordEnvVar,
  polkadotToCanonicalSecret,
  resolveWalletRoot,
  sodiumReady,
  WalletError,
  writeDevWallet,
} from "@apex/wallet";
import { u8aToHex } from "@polkadot/util";
import { cryptoWaitReady, mnemonicToMiniSecret, signatureVerify } from "@polkadot/util-crypto";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

// btwallet's own test vector (opentensor/btwallet tests/test_keyfile.py).
const VECTOR = {
  mnemonic: "old leopard transfer rib spatial phone calm indicate online fire caution review",
  address: "5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX",
  publicKey: "0xe4359ad3e2716c539a1d663ebd0a51bdc5c98a12e663bb4c4402db47828c9446",
  seed: "0xda3cf5b1e9144931a0f0db65664aab662673b099415a7f8121b7245fb0be4143",
  privateKey:
    "0x1f1995bdf3a17b60626a26cfe6f564b337d46056b7a1281b64c649d592ccda0a9cffd34d9fb01cae1fba61aeed184c817442a2186d5172416729a4b54dd4b84e",
};
const ALICE = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const BOB = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

let root: string;
beforeAll(async () => {
  await cryptoWaitReady();
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "apex-wallet-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function expectWalletError(p: Promise<unknown>, code: string): Promise<WalletError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WalletError);
  expect((err as WalletError).code).toBe(code);
  return err as WalletError;
}

describe("btwallet test vector", () => {
  it("the mnemonic gives the published address and public key; secretSeed is the mini-secret", async () => {
    const pair = await pairFromKeyfile({ secretPhrase: VECTOR.mnemonic }, "vector");
    expect(pair.address).toBe(VECTOR.address);
    expect(u8aToHex(pair.publicKey)).toBe(VECTOR.publicKey);
    expect(u8aToHex(mnemonicToMiniSecret(VECTOR.mnemonic))).toBe(VECTOR.seed);
    expect((await pairFromKeyfile({ secretSeed: VECTOR.seed }, "seed")).address).toBe(VECTOR.address);
  });

  it("writes and reads btwallet's privateKey encoding (schnorrkel canonical bytes)", async () => {
    const kf = keyfileFromSeed(mnemonicToMiniSecret(VECTOR.mnemonic), VECTOR.mnemonic);
    expect(kf.privateKey).toBe(VECTOR.privateKey);
    expect(kf.secretSeed).toBe(VECTOR.seed);
    expect(kf.ss58Address).toBe(VECTOR.address);
    const pair = await pairFromKeyfile({ privateKey: VECTOR.privateKey, publicKey: VECTOR.publicKey }, "pk");
    expect(pair.address).toBe(VECTOR.address);
    const sig = pair.sign(new TextEncoder().encode("hello"));
    expect(signatureVerify("hello", sig, VECTOR.address).isValid).toBe(true);
  });

  it("converts between the canonical and the cofactor-multiplied secret encodings losslessly", () => {
    const canonical = Uint8Array.from(Buffer.from(VECTOR.privateKey.slice(2), "hex"));
    const polkadot = canonicalToPolkadotSecret(canonical);
    expect(u8aToHex(polkadot.subarray(0, 2))).toBe("0xf8c8");
    expect(u8aToHex(polkadotToCanonicalSecret(polkadot))).toBe(VECTOR.privateKey);
  });

  it("precedence is secretPhrase, then secretSeed, then privateKey", async () => {
    const bobSeed = u8aToHex(
      mnemonicToMiniSecret("bottom drive obey lake curtain smoke basket hold race lonely fit walk"),
    );
    const pair = await pairFromKeyfile({ secretPhrase: VECTOR.mnemonic, secretSeed: bobSeed }, "p");
    expect(pair.address).toBe(VECTOR.address);
    const fromSeed = await pairFromKeyfile(
      { secretSeed: VECTOR.seed, privateKey: "0x" + "00".repeat(64) },
      "s",
    );
    expect(fromSeed.address).toBe(VECTOR.address);
  });
});

describe("wallet root", () => {
  it("takes the flag, else BT_WALLET_PATH, else ~/.bittensor/wallets", () => {
    const env = { HOME: "/home/u", BT_WALLET_PATH: "/srv/w" };
    expect(resolveWalletRoot("/flag", env)).toBe("/flag");
    expect(resolveWalletRoot(undefined, env)).toBe("/srv/w");
    expect(resolveWalletRoot(undefined, { HOME: "/home/u" })).toBe("/home/u/.bittensor/wallets");
    expect(resolveWalletRoot("~/x", { HOME: "/home/u" })).toBe("/home/u/x");
  });
});

describe("createWallet", () => {
  it("tightens an existing 0755 wallet folder to 0700 and leaves no temporary file behind", async () => {
    const { mkdir: mk, chmod: ch } = await import("node:fs/promises");
    await mk(join(root, "loose", "hotkeys"), { recursive: true });
    await ch(join(root, "loose"), 0o755);
    await ch(join(root, "loose", "hotkeys"), 0o755);
    await createWallet({ root, wallet: "loose", hotkey: "h", mnemonic: VECTOR.mnemonic });
    expect(await fileMode(join(root, "loose"))).toBe(0o700);
    expect(await fileMode(join(root, "loose", "hotkeys"))).toBe(0o700);
    expect((await readdir(join(root, "loose", "hotkeys"))).sort()).toEqual(["h", "hpub.txt"]);
  });

  it("writes btcli's layout with 0600 files and 0700 folders, and reads it back", async () => {
    const made = await createWallet({ root, wallet: "w", hotkey: "h", mnemonic: VECTOR.mnemonic });
    expect(made.coldkeyAddress).toBe(VECTOR.address);
    expect(made.hotkeyMnemonic.split(" ")).toHaveLength(12);
    expect((await readdir(join(root, "w"))).sort()).toEqual(["coldkey", "coldkeypub.txt", "hotkeys"]);
    expect((await readdir(join(root, "w", "hotkeys"))).sort()).toEqual(["h", "hpub.txt"]);
    for (const f of ["coldkey", "coldkeypub.txt", "hotkeys/h", "hotkeys/hpub.txt"]) {
      expect(await fileMode(join(root, "w", f))).toBe(0o600);
    }
    expect(await fileMode(join(root, "w"))).toBe(0o700);
    expect(await fileMode(join(root, "w", "hotkeys"))).toBe(0o700);

    const pub = JSON.parse(await readFile(join(root, "w", "coldkeypub.txt"), "utf8"));
    expect(Object.keys(pub).sort()).toEqual(["accountId", "publicKey", "ss58Address"]);
    expect(pub.publicKey).toBe(VECTOR.publicKey);
    const cold = JSON.parse(await readFile(join(root, "w", "coldkey"), "utf8"));
    expect(cold).toMatchObject({
      secretPhrase: VECTOR.mnemonic,
      secretSeed: VECTOR.seed,
      privateKey: VECTOR.privateKey,
    });

    expect(await loadColdkeyPub({ root, wallet: "w" })).toBe(VECTOR.address);
    expect((await loadColdkey({ root, wallet: "w" })).address).toBe(VECTOR.address);
    const hot = await loadHotkey({ root, wallet: "w", hotkey: "h" });
    expect(hot.address).toBe(made.hotkeyAddress);
    expect(hot.address).not.toBe(made.coldkeyAddress);
    expect(await listWallets(root)).toEqual(["w"]);
    expect(await listHotkeys(root, "w")).toEqual(["h"]);
  });

  it("refuses to overwrite unless asked", async () => {
    await createWallet({ root, wallet: "w", hotkey: "h" });
    const err = await expectWalletError(createWallet({ root, wallet: "w", hotkey: "h" }), "exists");
    expect(err.message).toContain(join(root, "w", "coldkey"));
    const again = await createWallet({
      root,
      wallet: "w",
      hotkey: "h",
      overwrite: true,
      mnemonic: VECTOR.mnemonic,
    });
    expect(await loadColdkeyPub({ root, wallet: "w" })).toBe(again.coldkeyAddress);
  });

  it("refuses an invalid mnemonic without echoing it", async () => {
    const bad = "old leopard transfer rib spatial phone calm indicate online fire caution caution";
    const err = await expectWalletError(
      createWallet({ root, wallet: "w", hotkey: "h", mnemonic: bad }),
      "bad_mnemonic",
    );
    expect(err.message).not.toContain("leopard");
  });
});

describe("dev wallets", () => {
  it("devKeypair gives the well-known dev addresses", async () => {
    expect((await devKeypair("//Alice")).address).toBe(ALICE);
    expect((await devKeypair("//Bob")).address).toBe(BOB);
  });

  it("writeDevWallet writes unencrypted files that load through the privateKey path", async () => {
    const w = await writeDevWallet({
      root,
      wallet: "alice",
      hotkey: "default",
      uri: "//Alice",
      coldkeyUri: "//Bob",
    });
    expect(w).toMatchObject({ hotkeyAddress: ALICE, coldkeyAddress: BOB });
    const hot = await loadHotkey({ root, wallet: "alice", hotkey: "default" });
    expect(hot.address).toBe(ALICE);
    const sig = hot.sign(new TextEncoder().encode("m"));
    expect(signatureVerify("m", sig, ALICE).isValid).toBe(true);
    expect(await loadColdkeyPub({ root, wallet: "alice" })).toBe(BOB);
    expect(await fileMode(join(root, "alice", "hotkeys", "default"))).toBe(0o600);
  });
});

describe("errors name the file and what is wrong", () => {
  it("a missing wallet lists the wallets that exist", async () => {
    await writeDevWallet({ root, wallet: "alice", hotkey: "default", uri: "//Alice" });
    const err = await expectWalletError(
      loadHotkey({ root, wallet: "nope", hotkey: "default" }),
      "wallet_not_found",
    );
    expect(err.message).toContain(join(root, "nope"));
    expect(err.message).toContain("alice");
  });

  it("a missing hotkey lists the hotkeys that exist", async () => {
    await writeDevWallet({ root, wallet: "alice", hotkey: "miner1", uri: "//Alice" });
    const err = await expectWalletError(
      loadHotkey({ root, wallet: "alice", hotkey: "nope" }),
      "keyfile_not_found",
    );
    expect(err.message).toContain(join(root, "alice", "hotkeys", "nope"));
    expect(err.message).toContain("miner1");
  });

  async function hotkeyFile(content: string | Uint8Array): Promise<string> {
    const dir = join(root, "w", "hotkeys");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "h"), content);
    return join(dir, "h");
  }

  it("unreadable JSON", async () => {
    const file = await hotkeyFile("{not json");
    const err = await expectWalletError(loadHotkey({ root, wallet: "w", hotkey: "h" }), "bad_json");
    expect(err.message).toContain(file);
    expect(err.path).toBe(file);
  });

  it("Ansible-vault and legacy Fernet files say how to convert with btcli", async () => {
    await hotkeyFile("$ANSIBLE_VAULT;1.1;AES256\n6162");
    const a = await expectWalletError(
      loadHotkey({ root, wallet: "w", hotkey: "h" }),
      "unsupported_encryption",
    );
    expect(a.message).toMatch(/Ansible-vault.*btcli wallet regen-hotkey/s);
    await hotkeyFile("gAAAAABfakefernet");
    const f = await expectWalletError(
      loadHotkey({ root, wallet: "w", hotkey: "h" }),
      "unsupported_encryption",
    );
    expect(f.message).toMatch(/Fernet.*btcli/s);
  });

  it("an encrypted file without any password source names the BT_PW_ variable", async () => {
    const file = await hotkeyFile(Buffer.concat([Buffer.from("$NACL"), Buffer.alloc(60)]));
    const err = await expectWalletError(loadHotkey({ root, wallet: "w", hotkey: "h" }), "password_required");
    expect(err.message).toContain(passwordEnvVar(file));
  });

  it("public-only keyfiles, other key types and inconsistent files are refused", async () => {
    await hotkeyFile(JSON.stringify({ ss58Address: ALICE }));
    await expectWalletError(loadHotkey({ root, wallet: "w", hotkey: "h" }), "unsupported_key");
    await hotkeyFile(JSON.stringify({ encoded: "xx", encoding: { content: ["pkcs8", "ed25519"] } }));
    const t = await expectWalletError(loadHotkey({ root, wallet: "w", hotkey: "h" }), "unsupported_key");
    expect(t.message).toContain("ed25519");
    await hotkeyFile(JSON.stringify({ secretPhrase: VECTOR.mnemonic, ss58Address: ALICE }));
    await expectWalletError(loadHotkey({ root, wallet: "w", hotkey: "h" }), "inconsistent_keyfile");
  });

  it("a secret never reaches the message", async () => {
    const bogus = "zebra zebra zebra zebra zebra zebra zebra zebra zebra zebra zebra zebra";
    await hotkeyFile(JSON.stringify({ secretPhrase: bogus }));
    const err = await expectWalletError(loadHotkey({ root, wallet: "w", hotkey: "h" }), "bad_mnemonic");
    expect(err.message).not.toContain("zebra");
    await hotkeyFile(JSON.stringify({ privateKey: VECTOR.privateKey, publicKey: `0x${"11".repeat(32)}` }));
    const pk = await expectWalletError(
      loadHotkey({ root, wallet: "w", hotkey: "h" }),
      "inconsistent_keyfile",
    );
    expect(pk.message).not.toContain(VECTOR.privateKey.slice(2, 20));
  });
});

describe("encryption formats and the BT_PW_ scheme", () => {
  it("detects formats by prefix as btwallet does", () => {
    const b = (s: string) => new TextEncoder().encode(s);
    expect(keyfileEncryption(b("$NACLxxxx"))).toBe("nacl");
    expect(keyfileEncryption(b("$ANSIBLE_VAULT;1.1"))).toBe("ansible");
    expect(keyfileEncryption(b("gAAAAAB"))).toBe("legacy");
    expect(keyfileEncryption(b('{"a":1}'))).toBeNull();
  });

  it("uses argon2i's SENSITIVE limits, not libsodium's generic argon2id ones", async () => {
    const s = await sodiumReady();
    expect(NACL_OPSLIMIT).toBe(s.crypto_pwhash_argon2i_OPSLIMIT_SENSITIVE);
    expect(NACL_MEMLIMIT).toBe(s.crypto_pwhash_argon2i_MEMLIMIT_SENSITIVE);
    expect([NACL_OPSLIMIT, NACL_MEMLIMIT]).toEqual([8, 512 * 1024 * 1024]);
    expect(NACL_MEMLIMIT).not.toBe(s.crypto_pwhash_MEMLIMIT_SENSITIVE);
  });

  it("names the variable after the keyfile path and round-trips the XOR+base64 encoding", () => {
    const name = passwordEnvVar("/root/.bittensor/wallets/my.wallet/coldkey");
    expect(name).toBe("BT_PW__ROOT__BITTENSOR_WALLETS_MY_WALLET_COLDKEY");
    const value = encodeEnvPassword("pässwörd", name);
    expect(Buffer.from(value, "base64").toString()).not.toContain("pässwörd");
    expect(decodeEnvPassword(value, name)).toBe("pässwörd");
    // XOR with the name: the first byte of "a" (0x61) with "B" (0x42) is 0x23.
    expect(Buffer.from(encodeEnvPassword("a", name), "base64")[0]).toBe(0x23);
  });
});
