// Miners someone else runs join a localnet: a tiny miner in another language (Python, no SDK) and a separately
// started apex-miner process. Both are queried over real HTTP, scored, and paid at an epoch.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeDevWallet } from "@apex/wallet";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { parseLocalnetArgs, type RunOptions } from "../src/args.js";
import { runLocalnet } from "../src/run.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../..");
const minerCli = join(root, "apps/miner/dist/cli.js");
// Any python3 runs the fixture (it uses the standard library only); APEX_PYTHON picks another interpreter.
const PYTHON = process.env["APEX_PYTHON"] ?? "python3";

function runOptions(argv: string[]): RunOptions {
  const parsed = parseLocalnetArgs(["run", ...argv]);
  if (parsed.command !== "run") throw new Error("expected run");
  return parsed.options;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

describe("outside miners", () => {
  // A must-run test (scripts/test.mjs): without python3 or the built miner it fails saying so, never skips.
  it("a Python miner (--external-miner) and an apex-miner process (--miner-cmd) are queried, scored and paid", async () => {
    expect(spawnSync(PYTHON, ["--version"]).status, `${PYTHON} must run (apt-get install python3)`).toBe(0);
    expect(existsSync(minerCli), `${minerCli} must exist (npm run build)`).toBe(true);
    const port = await freePort();
    const py = spawn(PYTHON, [join(here, "fixtures/tiny_miner.py"), String(port)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(py);
    await new Promise<void>((ok, fail) => {
      py.stdout!.once("data", () => ok());
      py.once("exit", (code) => fail(new Error(`tiny_miner.py exited with ${code}`)));
    });
    // The Python miner is announced under a hotkey of the operator's own wallet (URL=WALLET:HOTKEY).
    const walletRoot = mkdtempSync(join(tmpdir(), "apex-wallets-"));
    onTestFinished(() => rmSync(walletRoot, { recursive: true, force: true }));
    const wallet = await writeDevWallet({
      root: walletRoot,
      wallet: "me",
      hotkey: "tiny",
      uri: "//tiny-miner",
    });
    const lines: string[] = [];
    const cmd = `node ${minerCli} --generator offline --discriminator learned --log-level silent`;
    const report = await runLocalnet(
      runOptions([
        "--virtual",
        "--hours",
        "2",
        "--miners",
        "2",
        "--seed",
        "3",
        "--quiet",
        "--no-dashboard",
        "--chain-port",
        "0",
        "--external-miner",
        `http://127.0.0.1:${port}=me:tiny`,
        "--wallet-path",
        walletRoot,
        "--miner-cmd",
        cmd,
      ]),
      { out: (l) => lines.push(l), err: (l) => lines.push(l) },
    );
    const outside = report.neurons.filter((n) => n.role === "external");
    expect(outside).toHaveLength(2);
    for (const n of outside) {
      expect(n.roundsAsDiscriminator).toBeGreaterThan(0);
      expect(n.windowReward).toBeGreaterThan(0);
      expect(n.incentive).toBeGreaterThan(0);
    }
    const python = outside.find((n) => n.strategy?.startsWith("http://"))!;
    const apexMiner = outside.find((n) => n.strategy?.startsWith("cmd:"))!;
    // The Python miner always says "1": right on generator rounds only. The apex-miner's learned model does better.
    expect(python.discriminatorAccuracy).toBeLessThan(0.7);
    expect(python.hotkey).toBe(wallet.hotkeyAddress);
    expect(apexMiner.discriminatorAccuracy).toBeGreaterThan(0.8);
    expect(lines.some((l) => l.includes(`external miner http://127.0.0.1:${port} registered`))).toBe(true);
  }, 120_000);
});
