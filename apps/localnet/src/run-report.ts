// The end of a localnet run on SimChain: the report built from what the run recorded, written as JSON and
// Markdown (--report), and the incentive and reward charts (--plot).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { heldOutAccuracy } from "@apex/miner";
import type { RunOptions } from "./args.js";
import type { LocalnetHandle } from "./handle.js";
import { findAnomalies, type LocalnetReport, renderLineChartSvg, renderMarkdown } from "./report.js";

export async function buildReport(
  net: LocalnetHandle,
  opts: RunOptions,
  rounds: number,
  wallSeconds: number,
  simStart: number,
): Promise<LocalnetReport> {
  // Each built-in discriminator's figure on the committed held-out set, next to what it earned here.
  const neurons = (await net.state.neuronReports()).map((n) => {
    const disc = n.role === "miner" ? n.strategy?.split("/")[1] : undefined;
    return { ...n, heldOutAccuracy: disc ? heldOutAccuracy(disc) : null };
  });
  const summary = net.stores[0]?.windowSummary(0);
  return {
    version: 2,
    seed: opts.seed,
    clock: opts.virtual ? "virtual" : "real",
    simulatedHours: (net.clock.now() - simStart) / 3_600_000,
    wallSeconds,
    netuid: net.netuid,
    rounds,
    roundsByKind: { reference: summary?.referenceRounds ?? 0, generator: summary?.generatorRounds ?? 0 },
    referenceFailures: summary?.referenceFailures ?? 0,
    references: net.references,
    epochs: net.state.epochs,
    neurons,
    anomalies: findAnomalies(neurons),
  };
}

/** The report as JSON at `path`, and as Markdown next to it (same name, .md). */
export function writeReport(path: string, report: LocalnetReport) {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  const md = path.endsWith(".json") ? `${path.slice(0, -5)}.md` : `${path}.md`;
  writeFileSync(md, renderMarkdown(report));
}

/** incentive.svg and reward.svg in `dir`: each miner's incentive per epoch and window reward over the run. */
export function writePlots(dir: string, report: LocalnetReport) {
  mkdirSync(dir, { recursive: true });
  const label = (uid: number) => {
    const n = report.neurons.find((x) => x.uid === uid);
    return `uid ${uid}${n?.strategy ? ` ${n.strategy}` : ""}`;
  };
  const minerUids = report.neurons
    .filter((n) => n.role === "miner" || n.role === "external")
    .map((n) => n.uid);
  const t0 = report.epochs[0]?.time ?? 0;
  const hours = (t: number) => (t - t0) / 3_600_000;
  const incentive = minerUids.map((uid) => ({
    label: label(uid),
    points: report.epochs.map((e): [number, number] => [hours(e.time), e.incentive[uid] ?? 0]),
  }));
  writeFileSync(join(dir, "incentive.svg"), renderLineChartSvg("Incentive per epoch", "hours", incentive));
  const reward = minerUids.map((uid) => ({
    label: label(uid),
    points: report.epochs.map((e): [number, number] => [hours(e.time), e.rewards[uid] ?? 0]),
  }));
  writeFileSync(join(dir, "reward.svg"), renderLineChartSvg("Window reward per miner", "hours", reward));
}
