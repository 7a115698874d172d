// One notion of time per run: which clock each part of a localnet got, the outside-miner exception (wall-clock
// Epistula stamps, checked by a plain Node miner against its own wall clock), and a run that leaves no temp
// folder behind on any way out.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { systemClock, VirtualClock } from "@apex/protocol";
import { DEFAULT_IDLE_SOCKET_TIMEOUT_MS } from "@apex/validator";
import { afterAll, describe, expect, it } from "vitest";
import { parseLocalnetArgs, type RunOptions } from "../src/args.js";
import { runExitCode, STRICT_ANOMALY_EXIT } from "../src/cli.js";
import { findAnomalies, type NeuronReport, renderAnomalyWarning, renderEpochTable } from "../src/report.js";
import { runLocalnet, startLocalnet } from "../src/run.js";
import { RunContext, VIRTUAL_EPOCH_MS } from "../src/run-context.js";

const here = dirname(fileURLToPath(import.meta.url));
const cli = resolve(here, "../dist/cli.js");

function runOptions(argv: string[]): RunOptions {
  const parsed = parseLocalnetArgs(["run", ...argv]);
  if (parsed.command !== "run") throw new Error("expected run");
  return parsed.options;
}
const silent = { out: () => undefined, err: () => undefined };
const OUTSIDE = "http://127.0.0.3:9";
const quietNet = ["--quiet", "--no-dashboard", "--no-serve-chain"];

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe("the run context", () => {
  it("gives every part inside a virtual subnet the one virtual clock; outside miners are stamped with wall time", async () => {
    const net = await startLocalnet(
      runOptions(["--virtual", "--miners", "2", "--external-miner", OUTSIDE, ...quietNet]),
      silent,
    );
    try {
      const clock = net.context.clock;
      expect(clock).toBeInstanceOf(VirtualClock);
      expect(clock.now()).toBeGreaterThanOrEqual(VIRTUAL_EPOCH_MS);
      expect(net.clock).toBe(clock);
      expect(net.chain.clock).toBe(clock);
      expect(net.miners).toHaveLength(2);
      for (const m of net.miners) expect(m.clock).toBe(clock);
      // Wall time where it belongs: a miner's idle sockets outlive the validator's (no reuse/close race).
      for (const m of net.miners)
        expect(m.app.server.keepAliveTimeout).toBeGreaterThan(DEFAULT_IDLE_SOCKET_TIMEOUT_MS);
      const outside = net.state.neuronReports().then((ns) => ns.find((n) => n.role === "external")!);
      const ours = (await net.state.neuronReports()).filter((n) => n.role === "miner");
      for (const v of net.validators) {
        expect(v.clock).toBe(clock);
        for (const m of ours) expect(v.stampClockFor(m.hotkey)).toBe(clock);
        expect(v.stampClockFor((await outside).hotkey)).toBe(systemClock);
      }
    } finally {
      await net.close();
    }
  });

  it("puts everything on the system clock in real time", async () => {
    const net = await startLocalnet(runOptions(["--miners", "1", ...quietNet]), silent);
    try {
      expect(net.clock).toBe(systemClock);
      expect(net.chain.clock).toBe(systemClock);
      for (const m of net.miners) expect(m.clock).toBe(systemClock);
      for (const v of net.validators) expect(v.clock).toBe(systemClock);
      expect(() => net.context.virtualClock).toThrow(/system clock/);
    } finally {
      await net.close();
    }
  });

  it("stamps only hotkeys marked as outside miners with wall time", () => {
    const ctx = new RunContext(true);
    ctx.addOutsideMiner("5Outside");
    expect(ctx.stampClockFor("5Outside")).toBe(systemClock);
    expect(ctx.stampClockFor("5Ours")).toBe(ctx.clock);
    const before = ctx.clock.now();
    ctx.advance(12_000);
    expect(ctx.clock.now()).toBe(before + 12_000);
  });
});

describe("an outside miner in a virtual run", () => {
  it("a plain Node miner checking Epistula freshness on its wall clock (--miner-cmd) is answered, scored and paid", async () => {
    const cmd = `node ${join(here, "fixtures/fresh_miner.mjs")}`;
    const report = await runLocalnet(
      runOptions([
        "--virtual",
        "--hours",
        "2",
        "--miners",
        "3",
        "--seed",
        "4",
        "--quiet",
        "--no-dashboard",
        "--chain-port",
        "0",
        "--miner-cmd",
        cmd,
      ]),
      silent,
    );
    const outside = report.neurons.find((n) => n.role === "external")!;
    // Stamped with virtual time (a date months ago) it would answer 401 to every request: missing http_401.
    expect(outside.missing).toEqual({});
    expect(outside.roundsAsDiscriminator).toBeGreaterThan(20);
    expect(outside.windowReward).toBeGreaterThan(0);
    expect(outside.incentive).toBeGreaterThan(0);
    expect(report.anomalies).toEqual([]);
  }, 300_000);
});

describe("the data folder", () => {
  it("is removed after a normal run, after an interrupt and after a failed start; --keep keeps it", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "apex-tmp-"));
    temps.push(tmp);
    const prev = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      await runLocalnet(runOptions(["--virtual", "--hours", "0.2", "--miners", "1", ...quietNet]), silent);
      expect(readdirSync(tmp)).toEqual([]);

      const ctrl = new AbortController();
      const interrupted = runLocalnet(
        runOptions(["--virtual", "--hours", "100", "--miners", "1", ...quietNet]),
        {
          ...silent,
          signal: ctrl.signal,
        },
      );
      setTimeout(() => ctrl.abort(new Error("interrupted")), 300);
      await interrupted;
      expect(readdirSync(tmp)).toEqual([]);

      // A start that fails half-way (an outside miner's wallet that does not exist).
      await expect(
        startLocalnet(
          runOptions([
            "--miners",
            "1",
            "--external-miner",
            `${OUTSIDE}=nope:nope`,
            "--wallet-path",
            tmp,
            ...quietNet,
          ]),
          silent,
        ),
      ).rejects.toThrow();
      expect(readdirSync(tmp)).toEqual([]);

      const lines: string[] = [];
      await runLocalnet(runOptions(["--virtual", "--hours", "0.1", "--miners", "1", "--keep", ...quietNet]), {
        out: (l) => lines.push(l),
        err: (l) => lines.push(l),
      });
      const kept = readdirSync(tmp);
      expect(kept).toHaveLength(1);
      expect(lines.some((l) => l.includes(join(tmp, kept[0]!)))).toBe(true);
      expect(existsSync(join(tmp, kept[0]!, "validator0.db"))).toBe(true);
    } finally {
      process.env.TMPDIR = prev;
      if (prev === undefined) delete process.env.TMPDIR;
    }
  }, 300_000);

  it.skipIf(!existsSync(cli))(
    "is removed when a second Ctrl-C ends the process at once",
    async () => {
      const tmp = mkdtempSync(join(tmpdir(), "apex-tmp-"));
      temps.push(tmp);
      const child = spawn(process.execPath, [cli, "run", "--miners", "1", ...quietNet], {
        env: { ...process.env, TMPDIR: tmp },
        stdio: ["ignore", "pipe", "pipe"],
      });
      await new Promise<void>((ok, fail) => {
        child.stdout!.on("data", (d: Buffer) => {
          if (d.toString().includes("localnet: subnet")) ok();
        });
        child.once("exit", (code) => fail(new Error(`exited early with ${code}`)));
      });
      expect(readdirSync(tmp)).toHaveLength(1);
      const exited = new Promise<number | null>((ok) => child.once("exit", (code) => ok(code)));
      // The second Ctrl-C right after the first said "stopping": process.exit(130), no graceful close.
      child.stderr!.on("data", (d: Buffer) => {
        if (d.toString().includes("stopping")) child.kill("SIGINT");
      });
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(readdirSync(tmp)).toEqual([]);
    },
    60_000,
  );
});

describe("anomalies", () => {
  const neuron = (
    uid: number,
    role: NeuronReport["role"],
    missing: Record<string, number>,
  ): NeuronReport => ({
    uid,
    hotkey: `5H${uid}`,
    role,
    strategy: role === "miner" ? "offline/learned" : null,
    roundsAsGenerator: 0,
    roundsAsDiscriminator: 0,
    discriminatorAccuracy: null,
    rewardAsGenerator: 0,
    rewardAsDiscriminator: 0,
    windowReward: 0,
    weight: 0,
    incentive: 0,
    dividends: 0,
    emission: 0,
    stake: 0,
    missing,
  });

  it("are a built-in miner's missing answers; an outside miner's are counted but are its own business", () => {
    const neurons = [
      neuron(1, "validator", {}),
      neuron(2, "miner", { timeout: 1, http_429: 12 }),
      neuron(3, "miner", {}),
      neuron(4, "external", { http_401: 5 }),
    ];
    const anomalies = findAnomalies(neurons);
    expect(anomalies).toEqual([
      { uid: 2, hotkey: "5H2", strategy: "offline/learned", reason: "http_429", count: 12 },
      { uid: 2, hotkey: "5H2", strategy: "offline/learned", reason: "timeout", count: 1 },
    ]);
    expect(renderAnomalyWarning(anomalies)).toMatch(
      /^WARNING: 13 answer\(s\) from 1 built-in miner\(s\).*http_429×12 timeout×1/,
    );
    expect(renderEpochTable(7, neurons)).toMatch(/missing[\s\S]*http_429×12 timeout×1[\s\S]*http_401×5/);
    // --strict turns them into exit 3; without it (or without anomalies) the run exits 0.
    expect(runExitCode({ anomalies }, true)).toBe(STRICT_ANOMALY_EXIT);
    expect(runExitCode({ anomalies }, false)).toBe(0);
    expect(runExitCode({ anomalies: [] }, true)).toBe(0);
  });
});
