// 4. Localnet: 22 simulated hours (the scoring window) on the virtual clock with 16, 64 and 254 miners, each run
// in its own process, start-up included, against real time (1 simulated second per second) as the baseline.
// A run where a built-in miner missed an answer measures a broken subnet: the child refuses it (no figure).
import { forkChild } from "./children.js";
import type { BenchConfig } from "./config.js";
import type { BenchReport, Figure } from "./report.js";
import { fmt, median } from "./stats.js";

/**
 * Simulated hours per run: the whole 22 h window at every size. A localnet subnet holds 256 neurons (owner +
 * validator + 254 miners), so the largest is 254.
 */
export const LOCALNET_HOURS: Record<number, number> = { 16: 22, 64: 22, 254: 22 };
/** Wall-time targets for a 22 h run. */
const TARGET_S: Record<number, number> = { 64: 30, 254: 120 };

interface Run {
  wallSeconds: number;
  cpuSeconds: number;
  simulatedHours: number;
  rounds: number;
  rssMb: number;
  /** Answers from built-in miners that did not arrive (the child refuses a run with any). */
  missing: number;
  /** sha256 of the report with wallSeconds zeroed: the same for every run of one size (same seed). */
  reportSha: string;
}

async function once(miners: number, hours: number, profileDir?: string): Promise<Run> {
  const child = await forkChild("localnet-child", [String(miners), String(hours)], {
    timeoutMs: 900_000,
    execArgv: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
  });
  await child.stop();
  return child.hello as unknown as Run;
}

export async function benchLocalnet(cfg: BenchConfig): Promise<BenchReport> {
  const started = Date.now();
  const figures: Figure[] = [];
  const sizes = Object.keys(LOCALNET_HOURS).map(Number);
  const runs = new Map<number, Run[]>(sizes.map((n) => [n, []]));
  // Interleave sizes round by round so drift on the shared machine hits each alike.
  for (let r = 0; r < cfg.repeats; r++) {
    for (const n of sizes) {
      const run = await once(n, LOCALNET_HOURS[n]!);
      runs.get(n)!.push(run);
      console.log(
        `  localnet ${n} miners: ${run.simulatedHours.toFixed(2)} h in ${run.wallSeconds.toFixed(1)} s ` +
          `(CPU ${run.cpuSeconds.toFixed(1)} s) ` +
          `(${run.rounds} rounds, RSS ${run.rssMb.toFixed(0)} MB)`,
      );
    }
  }
  for (const n of sizes) {
    const list = runs.get(n)!;
    const digests = new Set(list.map((x) => x.reportSha));
    if (digests.size > 1)
      throw new Error(`localnet ${n} miners: the same seed gave ${digests.size} different reports`);
    const rates = list.map((x) => x.simulatedHours / x.wallSeconds);
    const rate = median(rates);
    figures.push({
      case: `${n} miners`,
      metric: "simulated h per wall s",
      value: rate,
      unit: "h/s",
      samples: rates,
      baseline: { name: "real time", value: 1 / 3600 },
      ratio: rate * 3600,
      ratioNote: "× real time",
    });
    const wall = list.map((x) => (22 / x.simulatedHours) * x.wallSeconds);
    const target = TARGET_S[n];
    figures.push({
      case: `${n} miners, 22 h`,
      metric: "wall time",
      value: median(wall),
      unit: "s",
      samples: wall,
      ...(target ? { target: `< ${target} s`, met: median(wall) < target } : {}),
    });
    const cpu = list.map((x) => (22 / x.simulatedHours) * x.cpuSeconds);
    figures.push({
      case: `${n} miners, 22 h`,
      metric: "CPU time (all of the run's process)",
      value: median(cpu),
      unit: "s",
      samples: cpu,
    });
  }
  return {
    name: "localnet",
    command: "npm run bench -- localnet",
    figures,
    notes: [
      `runLocalnet --virtual --hours H --no-dashboard --no-serve-chain --quiet --seed 1 with H = ` +
        `${sizes.map((n) => `${LOCALNET_HOURS[n]} h at ${n} miners`).join(", ")}; wall time includes start-up; ` +
        `rounds per run: ${sizes.map((n) => fmt(median(runs.get(n)!.map((x) => x.rounds)))).join(" / ")}; ` +
        "every run had 0 anomalies (every built-in miner answered every request; the child refuses any other run) " +
        "and the repeats of each size gave byte-identical reports but wallSeconds (the bench refuses otherwise)",
    ],
    seconds: (Date.now() - started) / 1000,
  };
}
