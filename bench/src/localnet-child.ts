// One localnet run in its own process: `node localnet-child.js MINERS HOURS`; reports the run's report figures,
// or fails when the run had anomalies (a built-in miner missed answers: that run did not measure the subnet).
import { createHash } from "node:crypto";
import { parseLocalnetArgs, runLocalnet } from "@apex/localnet";

const [miners, hours] = process.argv.slice(2);
const parsed = parseLocalnetArgs([
  "run",
  "--virtual",
  "--hours",
  hours ?? "1",
  "--miners",
  miners ?? "16",
  "--no-dashboard",
  "--no-serve-chain",
  "--quiet",
  "--seed",
  "1",
]);
if (parsed.command !== "run") throw new Error("unexpected localnet command");
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const report = await runLocalnet(parsed.options, { out: () => {}, err: (l) => console.error(l) });
const missing = report.anomalies.reduce((a, x) => a + x.count, 0);
// Same seed, same report: the parent compares this digest across the repeats of one size.
const reportSha = createHash("sha256")
  .update(JSON.stringify({ ...report, wallSeconds: 0 }))
  .digest("hex");
console.error(`  localnet ${miners} miners: report sha256 (wallSeconds zeroed) ${reportSha.slice(0, 16)}`);
if (missing > 0) {
  console.error(
    `localnet bench: refusing a run with anomalies: ${JSON.stringify(report.anomalies.slice(0, 5))}`,
  );
  process.exit(1);
}
process.send!(
  {
    wallSeconds: (performance.now() - t0) / 1000,
    // The whole subnet (chain, validator, every miner) runs in this process: its CPU time is the work done,
    // whatever else the shared machine was doing.
    cpuSeconds: ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpu0)),
    simulatedHours: report.simulatedHours,
    rounds: report.rounds,
    rssMb: process.memoryUsage().rss / 2 ** 20,
    missing,
    reportSha,
  },
  () => process.exit(0),
);
