// `npm run bench [-- miner|validator|scorer|localnet|yuma|first-verdict ...]`: runs the benchmarks, prints a summary table and
// writes bench/results/latest.json.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type BenchName, loadBenchConfig } from "./config.js";
import { benchFirstVerdict } from "./first-verdict.js";
import { benchLocalnet } from "./localnet.js";
import { benchMiner } from "./miner.js";
import { type BenchReport, machineInfo } from "./report.js";
import { benchScorer } from "./scorer.js";
import { renderTable } from "./stats.js";
import { SUMMARY_HEADERS, summaryRows } from "./summary.js";
import { benchValidator } from "./validator.js";
import { benchYuma } from "./yuma.js";

const RUNNERS: Record<BenchName, (cfg: ReturnType<typeof loadBenchConfig>) => Promise<BenchReport>> = {
  miner: benchMiner,
  validator: benchValidator,
  scorer: benchScorer,
  localnet: benchLocalnet,
  yuma: benchYuma,
  "first-verdict": benchFirstVerdict,
};

async function main(): Promise<number> {
  let cfg: ReturnType<typeof loadBenchConfig>;
  try {
    cfg = loadBenchConfig(process.argv.slice(2), process.env); // house-rule: env — the process edge hands it to config.ts
  } catch (err) {
    console.error(`bench: ${(err as Error).message}`);
    return 2;
  }
  const machine = machineInfo();
  console.log(
    `bench: ${cfg.benches.join(", ")}${cfg.quick ? " (BENCH_QUICK)" : ""} on ${machine.nproc} × ${machine.cpuModel}, ` +
      `node ${machine.node}, ${machine.totalMemGiB} GiB`,
  );
  const reports: BenchReport[] = [];
  let failed = 0;
  for (const name of cfg.benches) {
    console.log(`\n== ${name} ==`);
    try {
      const report = await RUNNERS[name](cfg);
      reports.push(report);
      console.log(renderTable(SUMMARY_HEADERS, summaryRows([report])));
      for (const n of report.notes) console.log(`  note: ${n}`);
    } catch (err) {
      failed++;
      console.error(`bench ${name} failed: ${(err as Error).stack ?? err}`);
    }
  }
  console.log("\n== summary ==");
  console.log(renderTable(SUMMARY_HEADERS, summaryRows(reports)));
  const out = fileURLToPath(new URL("../results/", import.meta.url));
  mkdirSync(out, { recursive: true });
  // A partial run (npm run bench -- miner) replaces only its own reports in an existing latest.json.
  const kept = previousReports(`${out}latest.json`).filter((r) => !reports.some((x) => x.name === r.name));
  const all = [...kept, ...reports];
  const json = {
    at: new Date().toISOString(),
    machine,
    quick: cfg.quick,
    repeats: cfg.repeats,
    reports: all,
  };
  writeFileSync(`${out}latest.json`, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\nwrote ${out}latest.json`);
  return failed > 0 ? 1 : 0;
}

function previousReports(path: string): BenchReport[] {
  try {
    return (JSON.parse(readFileSync(path, "utf8")) as { reports?: BenchReport[] }).reports ?? [];
  } catch {
    return [];
  }
}

process.exitCode = await main();
