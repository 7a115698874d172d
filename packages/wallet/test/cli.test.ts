import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type WalletCliIo, walletCommand, writeDevWallet } from "@apex/wallet";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "apex-wcli-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function io(env: Record<string, string> = {}, prompt?: WalletCliIo["prompt"]) {
  const out: string[] = [];
  const err: string[] = [];
  const value: WalletCliIo = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    env,
    ...(prompt ? { prompt } : {}),
  };
  return { value, out: () => out.join(""), err: () => err.join("") };
}

describe("wallet CLI", () => {
  it("create --no-password --json then show --json agree on the addresses; no mnemonic printed", async () => {
    const c = io({ BT_WALLET_PATH: root });
    expect(
      await walletCommand(["create", "--name", "w", "--hotkey", "h", "--no-password", "--json"], c.value),
    ).toBe(0);
    const made = JSON.parse(c.out());
    expect(made).toMatchObject({ wallet: "w", hotkey: "h", encrypted: false, path: join(root, "w") });
    expect(made.coldkeyMnemonic).toBeUndefined();
    expect(c.out()).not.toMatch(/(\b[a-z]+\b ){11}\b[a-z]+\b/);

    const s = io();
    expect(
      await walletCommand(["wallet", "show", "--name=w", `--wallet-path=${root}`, "--json"], s.value),
    ).toBe(0);
    expect(JSON.parse(s.out())).toEqual({
      wallet: "w",
      path: join(root, "w"),
      coldkey: made.coldkey,
      hotkeys: { h: made.hotkeyAddress },
    });
  });

  it("create asks for the password twice and refuses a mismatch", async () => {
    const answers = ["one", "two"];
    const c = io({ BT_WALLET_PATH: root }, async () => answers.shift()!);
    expect(await walletCommand(["create", "--name", "w", "--hotkey", "h"], c.value)).toBe(2);
    expect(c.err()).toContain("differ");
  });

  it("create without a terminal and without --no-password is refused with a hint", async () => {
    const c = io({ BT_WALLET_PATH: root });
    expect(await walletCommand(["create", "--name", "w", "--hotkey", "h"], c.value)).toBe(2);
    expect(c.err()).toContain("--no-password");
  });

  it("show prints text, and a missing wallet lists the existing ones", async () => {
    await writeDevWallet({ root, wallet: "alice", hotkey: "default", uri: "//Alice" });
    const s = io({ BT_WALLET_PATH: root });
    expect(await walletCommand(["show", "--name", "alice"], s.value)).toBe(0);
    expect(s.out()).toContain("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
    const m = io({ BT_WALLET_PATH: root });
    expect(await walletCommand(["show", "--name", "bob"], m.value)).toBe(1);
    expect(m.err()).toContain("alice");
  });

  it("--help is truthful and unknown flags are usage errors", async () => {
    const h = io();
    expect(await walletCommand(["--help"], h.value)).toBe(0);
    for (const flag of ["--name", "--hotkey", "--wallet-path", "--no-password", "--json", "BT_WALLET_PATH"]) {
      expect(h.out()).toContain(flag);
    }
    const u = io();
    expect(await walletCommand(["create", "--bogus"], u.value)).toBe(2);
    expect(u.err()).toContain("Unknown option '--bogus'");
    expect(await walletCommand(["frobnicate"], io().value)).toBe(2);
  });

  it("takes btcli's --wallet-name/--wallet-hotkey spellings; each subcommand takes only its own flags", async () => {
    const c = io({ BT_WALLET_PATH: root });
    expect(
      await walletCommand(
        ["create", "--wallet-name=w", "--wallet-hotkey", "h", "--no-password", "--json"],
        c.value,
      ),
    ).toBe(0);
    expect(JSON.parse(c.out())).toMatchObject({ wallet: "w", hotkey: "h" });
    const s = io({ BT_WALLET_PATH: root });
    expect(await walletCommand(["show", "--name", "w", "--overwrite"], s.value)).toBe(2);
    expect(s.err()).toContain("Unknown option '--overwrite'");
    const v = io();
    expect(await walletCommand(["show", "--name"], v.value)).toBe(2);
    expect(v.err()).toContain("--name <value>' argument missing");
  });

  it("exit codes: 1 for a failure after a good command line (files in the way), 2 for usage", async () => {
    const c = io({ BT_WALLET_PATH: root });
    const create = ["create", "--name", "w", "--hotkey", "h", "--no-password"];
    expect(await walletCommand(create, c.value)).toBe(0);
    const again = io({ BT_WALLET_PATH: root });
    expect(await walletCommand(create, again.value)).toBe(1);
    // A failure is not a usage problem: no usage text after the message.
    expect(again.err()).not.toContain("Usage:");
    expect(await walletCommand(["create", "--name", "x"], io({ BT_WALLET_PATH: root }).value)).toBe(2);
  });
});
