// One localnet run in its own process: `node localnet-child.js MINERS HOURS`; reports the run's report figures.
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
]);
if (parsed.command !== "run") throw new Error("unexpected localnet command");
const t0 = performance.now();
const report = await runLocalnet(parsed.options, { out: () => {}, err: (l) => console.error(l) });
process.send!(
  {
    wallSeconds: (performance.now() - t0) / 1000,
    simulatedHours: report.simulatedHours,
    rounds: report.rounds,
    rssMb: process.memoryUsage().rss / 2 ** 20,
  },
  () => process.exit(0),
);
