// The whole loop on one machine: SimChain, real HTTP miners on loopback, a validator, a real SQLite file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openResultsStore } from "@apex/db";
import { VALIDATOR_REFERENCE_LABEL } from "@apex/protocol";
import { describe, expect } from "vitest";
import { parseLocalnetArgs, type RunOptions } from "../src/args.js";
import type { DashboardSnapshot } from "../src/dashboard/types.js";
import { runLocalnet, startLocalnet } from "../src/run.js";
import { it } from "./temp-dir.js";

function runOptions(argv: string[]): RunOptions {
  const parsed = parseLocalnetArgs(["run", ...argv]);
  if (parsed.command !== "run") throw new Error("expected run");
  return parsed.options;
}

const silentIo = { out: () => undefined, err: () => undefined };

describe("localnet whole loop", () => {
  it("plays rounds over real HTTP, stores them, sets weights, and pays incentive at an epoch", async ({
    tmpDir: dir,
  }) => {
    const lines: string[] = [];
    const report = await runLocalnet(
      runOptions([
        "--virtual",
        "--rounds",
        "8",
        "--miners",
        "4",
        "--seed",
        "7",
        "--no-dashboard",
        "--no-serve-chain",
        "--data-dir",
        dir,
        "--report",
        join(dir, "r.json"),
        "--plot",
        join(dir, "plots"),
        "--tempo",
        "20",
      ]),
      { out: (l) => lines.push(l), err: (l) => lines.push(l) },
    );
    expect(report.rounds).toBe(8);
    // The DB holds every round, each with a discriminator row per sampled miner.
    const store = openResultsStore(join(dir, "validator0.db"), { readonly: true });
    try {
      expect(store.roundCount()).toBe(8);
      const rounds = store.recentRounds(8);
      for (const r of rounds) {
        expect(r.discriminators.length).toBe(4);
        // Ground truth 0 is a reference round shown under the Validator label; 1 is a miner's generation.
        expect(r.kind).toBe(r.groundTruth === 0 ? "reference" : "generator");
        expect(r.generatorHotkey === VALIDATOR_REFERENCE_LABEL).toBe(r.groundTruth === 0);
      }
      // The seeded run plays both kinds, so both branches above were checked.
      expect(new Set(rounds.map((r) => r.kind))).toEqual(new Set(["reference", "generator"]));
      const last = store.recentWeightSubmissions(20).find((w) => w.outcome === "ok");
      expect(last?.mode).toBe("set");
      expect(last?.uids.length).toBeGreaterThan(0);
    } finally {
      store.close();
    }
    const miners = report.neurons.filter((n) => n.role === "miner");
    expect(miners).toHaveLength(4);
    expect(Math.max(...miners.map((m) => m.incentive))).toBeGreaterThan(0);
    const validator = report.neurons.find((n) => n.role === "validator");
    expect(validator?.dividends).toBeGreaterThan(0);
    // Report on disk, with the fields scripts rely on.
    const onDisk = JSON.parse(readFileSync(join(dir, "r.json"), "utf8"));
    expect(onDisk.rounds).toBe(8);
    expect(onDisk.neurons[0]).toMatchObject({ uid: 0, role: "owner" });
    expect(readFileSync(join(dir, "r.md"), "utf8")).toContain("| uid | role |");
    // --plot: one SVG line per miner in each chart.
    for (const chart of ["incentive.svg", "reward.svg"]) {
      const svg = readFileSync(join(dir, "plots", chart), "utf8");
      expect(svg.startsWith("<svg"), chart).toBe(true);
      expect(svg.match(/<path d="M/g) ?? [], chart).toHaveLength(4);
    }
    expect(lines.some((l) => l.startsWith("round 1:"))).toBe(true);
    expect(lines.some((l) => l.startsWith("epoch at block"))).toBe(true);
  }, 60_000);

  it("weights the validator set are on chain after settling", async () => {
    const opts = runOptions([
      "--virtual",
      "--miners",
      "3",
      "--no-dashboard",
      "--no-serve-chain",
      "--tempo",
      "20",
    ]);
    const net = await startLocalnet(opts, silentIo);
    try {
      const v = net.validators[0]!;
      for (let i = 0; i < 4; i++) await v.runRound();
      const outcome = await v.scoreAndSetWeights();
      expect(outcome).toMatchObject({ ok: true });
      const mg = await net.chain.metagraph(net.netuid);
      const vuid = mg.neurons.find((n) => n.hotkey === v.hotkey)!.uid;
      const weights = net.chain.weightsOf(net.netuid, vuid);
      expect(weights.length).toBeGreaterThan(0);
      const minerUids = new Set(mg.neurons.filter((n) => n.stake < 24_000 && n.uid !== 0).map((n) => n.uid));
      for (const [uid] of weights) expect(minerUids.has(uid)).toBe(true);
    } finally {
      await net.close();
    }
  }, 60_000);

  it("serves its state to the dashboard: metagraph, rounds with answers, epochs", async () => {
    const opts = runOptions([
      "--virtual",
      "--miners",
      "3",
      "--dashboard-port",
      "0",
      "--no-serve-chain",
      "--tempo",
      "5",
    ]);
    const net = await startLocalnet(opts, silentIo);
    try {
      expect(net.dashboardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
      await net.validators[0]!.runRound();
      await net.validators[0]!.scoreAndSetWeights();
      net.chain.produceBlocks(7);
      await net.state.flushEpochs();
      const snap = (await (
        await fetch(new URL("/api/snapshot", net.dashboardUrl!))
      ).json()) as DashboardSnapshot;
      expect(snap.netuid).toBe(net.netuid);
      expect(snap.neurons.map((n) => n.role)).toEqual(["owner", "validator", "miner", "miner", "miner"]);
      expect(snap.rounds).toHaveLength(1);
      expect(snap.rounds[0]?.discriminators).toHaveLength(3);
      expect(snap.history.length).toBeGreaterThan(0);
      expect(snap.blocksUntilEpoch).toBeGreaterThanOrEqual(0);
      const page = await (await fetch(net.dashboardUrl!)).text();
      expect(page).toContain("<html");
    } finally {
      await net.close();
    }
  }, 60_000);
});
