// Attack 7 (security.md §7): a mnemonic passed as --hotkey-uri (or APEX_MINER_HOTKEY_URI) used to be accepted and
// logged at info with the whole config. It is refused before anything is logged, with a message that says where a
// secret belongs, and never appears in the output. The built CLI runs as a real process.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
// The BIP-39 test mnemonic (public): stands for a real one.
const MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const TRUSTED = "5GrwvaF2PnSvc7ENfqNv7Z3QXqQf3GyJ7NxT9XUkjzbQeeTg";

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (output += c.toString("utf8")));
    // A miner that accepted the key would run until stopped: give it time to log, then stop it.
    const timer = setTimeout(() => child.kill("SIGTERM"), 8_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const base = ["--no-chain", "--trusted-validators", TRUSTED, "--host", "127.0.0.1", "--port", "0"];

describe("secrets never reach the command line's log", () => {
  it("a mnemonic as --hotkey-uri is refused, says where it belongs, and is never printed", async () => {
    const r = await run([...base, "--hotkey-uri", MNEMONIC]);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/dev key URI such as \/\/Alice/);
    expect(r.output).toMatch(/wallet/);
    expect(r.output).not.toContain("abandon");
  }, 30_000);

  it("the same through APEX_MINER_HOTKEY_URI, and a hex seed, are refused the same way", async () => {
    const env = await run(base, { APEX_MINER_HOTKEY_URI: MNEMONIC });
    expect(env.code).not.toBe(0);
    expect(env.output).not.toContain("abandon");
    const seed = `0x${"ab".repeat(32)}`;
    const hex = await run([...base, "--hotkey-uri", seed]);
    expect(hex.code).not.toBe(0);
    expect(hex.output).not.toContain("abab");
  }, 30_000);

  it("a //dev URI is refused on a public network", async () => {
    const r = await run(["--network", "ws://127.0.0.1:9944", "--netuid", "1", "--hotkey-uri", "//Alice"]);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/local chains/);
  }, 30_000);
});
