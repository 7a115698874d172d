// The incentive game over a simulated day: the strategies that should win do win, and a seed replays exactly.
// (How fast this runs is measured by the localnet benchmark, not asserted here.)
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parseLocalnetArgs, type RunOptions } from "../src/args.js";
import type { LocalnetReport, NeuronReport } from "../src/report.js";
import { runLocalnet } from "../src/run.js";

function runOptions(argv: string[]): RunOptions {
  const parsed = parseLocalnetArgs(["run", ...argv]);
  if (parsed.command !== "run") throw new Error("expected run");
  return parsed.options;
}
const silent = { out: () => undefined, err: () => undefined };

/** Mean reward per round played in that role, over every miner with that strategy part. */
function perRound(report: LocalnetReport, part: "generator" | "discriminator", name: string): number {
  const ms = report.neurons.filter((n: NeuronReport) => {
    const [gen, disc] = (n.strategy ?? "").split("/");
    return n.role === "miner" && (part === "generator" ? gen : disc) === name;
  });
  const reward = ms.reduce(
    (a, n) => a + (part === "generator" ? n.rewardAsGenerator : n.rewardAsDiscriminator),
    0,
  );
  const rounds = ms.reduce(
    (a, n) => a + (part === "generator" ? n.roundsAsGenerator : n.roundsAsDiscriminator),
    0,
  );
  if (rounds === 0) throw new Error(`no ${part} rounds for ${name}`);
  return reward / rounds;
}

/** Runs a node child that spins one core until killed: the run below must not care. */
function cpuHog(): ChildProcess {
  return spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
}

const README_RUN = [
  "--virtual",
  "--hours",
  "22",
  "--miners",
  "16",
  "--seed",
  "1",
  "--no-dashboard",
  "--no-serve-chain",
];

describe("the game over 22 virtual hours with 16 miners (the README's run)", () => {
  let report: LocalnetReport;
  const lines: string[] = [];
  beforeAll(async () => {
    report = await runLocalnet(runOptions(README_RUN), {
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
    });
  }, 420_000);

  it("every built-in miner answers every request, and every miner discriminates in every round", () => {
    expect(report.anomalies).toEqual([]);
    for (const n of report.neurons.filter((x) => x.role === "miner")) expect(n.missing).toEqual({});
    const rounds = lines.filter((l) => /^round \d+:/.test(l));
    expect(rounds.length).toBe(report.rounds);
    // 16 of 16 sampled (the sample size is 50), none silent.
    for (const l of rounds) expect(l).toMatch(/\/16 discriminators correct, 0 silent;/);
    expect(lines.some((l) => l.startsWith("WARNING"))).toBe(false);
  });

  it("pays learned and heuristic discriminators and the offline generator more than the naive ones", () => {
    expect(report.anomalies).toEqual([]);
    expect(report.simulatedHours).toBeGreaterThanOrEqual(22);
    expect(report.rounds).toBeGreaterThan(300); // one round per 240 s, as upstream's producer
    const naive = ["random", "constant-0", "constant-1"].map((d) => perRound(report, "discriminator", d));
    for (const smart of ["learned", "heuristic"]) {
      expect(perRound(report, "discriminator", smart)).toBeGreaterThan(Math.max(...naive));
    }
    // Random discriminators are right about half the time once they are all heard (0.2 when most were silent).
    const random = report.neurons.filter((n) => n.strategy?.endsWith("/random"));
    for (const n of random) expect(n.discriminatorAccuracy).toBeGreaterThan(0.35);
    expect(perRound(report, "generator", "offline")).toBeGreaterThan(perRound(report, "generator", "dummy"));
    // And it shows on chain: the best incentive belongs to a miner that plays both roles well.
    const best = [...report.neurons].sort((a, b) => b.incentive - a.incentive)[0]!;
    expect(best.strategy).toBe("offline/learned");
    expect(report.epochs.length).toBeGreaterThanOrEqual(18);
  });

  it("the same seed gives the same report, byte for byte but the wall time, while another process hogs the CPU", async () => {
    const hog = cpuHog();
    let again: LocalnetReport;
    try {
      again = await runLocalnet(runOptions([...README_RUN, "--quiet"]), silent);
    } finally {
      hog.kill("SIGKILL");
    }
    expect(reportBytes(again)).toBe(reportBytes(report));
  }, 420_000);

  it("is the report this run gave before the one-home refactor: refactors do not change a result", () => {
    // fixtures/readme-run.sha256 was recorded from `apex-localnet run --virtual --hours 22 --miners 16 --seed 1
    // --report r.json` on main before issue 16's refactor. A change that means to change the game's results
    // records the new hash in the same commit and says why (docs/localnet.md § Reproducible runs).
    const recorded = readFileSync(new URL("./fixtures/readme-run.sha256", import.meta.url), "utf8").trim();
    expect(createHash("sha256").update(reportBytes(report)).digest("hex")).toBe(recorded);
  });
});

/** A report's bytes without the one field that measures the machine (wall time). */
function reportBytes(r: LocalnetReport): string {
  return JSON.stringify({ ...r, wallSeconds: 0 }, null, 2);
}

describe("seeds", () => {
  it("the same seed gives the same report; another seed another", async () => {
    const argv = [
      "--virtual",
      "--hours",
      "3",
      "--miners",
      "6",
      "--seed",
      "5",
      "--quiet",
      "--no-dashboard",
      "--no-serve-chain",
    ];
    const a = await runLocalnet(runOptions(argv), silent);
    const b = await runLocalnet(runOptions(argv), silent);
    const strip = (r: LocalnetReport) => ({ ...r, wallSeconds: 0 });
    expect(strip(b)).toEqual(strip(a));
    const other = argv.map((x, i) => (argv[i - 1] === "--seed" ? "6" : x));
    const c = await runLocalnet(runOptions(other), silent);
    expect(strip(c)).not.toEqual(strip(a));
  }, 300_000);
});
