// The incentive game over a simulated day: the strategies that should win do win, and a seed replays exactly.
// (How fast this runs is measured by the localnet benchmark, not asserted here.)
import { describe, expect, it } from "vitest";
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

describe("the game over 22 virtual hours with 16 miners", () => {
  it("pays learned and heuristic discriminators and the offline generator more than the naive ones", async () => {
    const report = await runLocalnet(
      runOptions([
        "--virtual",
        "--hours",
        "22",
        "--miners",
        "16",
        "--seed",
        "1",
        "--quiet",
        "--no-dashboard",
        "--no-serve-chain",
      ]),
      silent,
    );
    expect(report.simulatedHours).toBeGreaterThanOrEqual(22);
    expect(report.rounds).toBeGreaterThan(300); // one round per 240 s, as upstream's producer
    const naive = ["random", "constant-0", "constant-1"].map((d) => perRound(report, "discriminator", d));
    for (const smart of ["learned", "heuristic"]) {
      expect(perRound(report, "discriminator", smart)).toBeGreaterThan(Math.max(...naive));
    }
    expect(perRound(report, "generator", "offline")).toBeGreaterThan(perRound(report, "generator", "dummy"));
    // And it shows on chain: the best incentive belongs to a miner that plays both roles well.
    const best = [...report.neurons].sort((a, b) => b.incentive - a.incentive)[0]!;
    expect(best.strategy).toBe("offline/learned");
    expect(report.epochs.length).toBeGreaterThanOrEqual(18);
  }, 180_000);

  it("the same seed gives the same report", async () => {
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
  }, 120_000);
});
