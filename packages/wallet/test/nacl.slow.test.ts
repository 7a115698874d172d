// Slow: every test runs Argon2i with the real parameters (ops 8, 512 MiB), several seconds each in wasm.
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createWallet,
  decryptNacl,
  encodeEnvPassword,
  keyfileEncryption,
  loadColdkey,
  passwordEnvVar,
  WalletError,
} from "@apex/wallet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Two derivations (encrypt, then decrypt) take ~9 s alone and over 90 s on a 2-core machine running other suites in
// parallel: the bound only stops a hung test.
const SLOW = 300_000;
// Made by test/fixtures/make_nacl_fixture.py without libsodium (pyca/cryptography Argon2i + Poly1305, XSalsa20
// written from the papers), holding btwallet's public test-vector key.
const FIXTURE = new URL("./fixtures/nacl-coldkey.fixture", import.meta.url);
const FIXTURE_PASSWORD = "fixture-password-not-secret";
const VECTOR_ADDRESS = "5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "apex-nacl-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("$NACL keyfiles (slow)", () => {
  it(
    "decrypts a fixture made by an independent implementation, password from the BT_PW_ variable",
    async () => {
      await mkdir(join(root, "fx"), { recursive: true });
      const coldkey = join(root, "fx", "coldkey");
      await copyFile(FIXTURE, coldkey);
      const varName = passwordEnvVar(coldkey);
      const env = { [varName]: encodeEnvPassword(FIXTURE_PASSWORD, varName) };
      const pair = await loadColdkey({ root, wallet: "fx", env });
      expect(pair.address).toBe(VECTOR_ADDRESS);
    },
    SLOW,
  );

  it(
    "a wrong password is a WalletError naming the file",
    async () => {
      const data = new Uint8Array(await readFile(FIXTURE));
      const err = await decryptNacl(data, "not the password", "/x/coldkey").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WalletError);
      expect((err as WalletError).code).toBe("wrong_password");
      expect((err as WalletError).message).toContain("/x/coldkey");
      expect((err as WalletError).message).not.toContain("not the password");
    },
    SLOW,
  );

  it(
    "round trip: createWallet encrypts the coldkey, loadColdkey asks the prompt and decrypts it",
    async () => {
      const made = await createWallet({ root, wallet: "enc", hotkey: "h", coldkeyPassword: "hunter2 ✓" });
      const raw = new Uint8Array(await readFile(made.paths.coldkey));
      expect(keyfileEncryption(raw)).toBe("nacl");
      expect(Buffer.from(raw).includes(Buffer.from(made.coldkeyMnemonic.split(" ")[0]!))).toBe(false);
      const asked: string[] = [];
      const pair = await loadColdkey({
        root,
        wallet: "enc",
        passwordPrompt: async (q) => {
          asked.push(q);
          return "hunter2 ✓";
        },
      });
      expect(pair.address).toBe(made.coldkeyAddress);
      expect(asked).toEqual([`Password for ${made.paths.coldkey}: `]);
    },
    SLOW,
  );
});
