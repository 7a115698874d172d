// `apex-localnet run` on a real subtensor runtime. The flags always; with APEX_SUBTENSOR_SPEC (not in CI: a spec
// embeds an upstream runtime and is never committed) the whole loop on that runtime in chopsticks, which must pay
// some miner incentive, read back from the runtime's own Incentive storage.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { parseLocalnetArgs, type RunOptions, UsageError } from "../src/args.js";
import { main } from "../src/cli.js";
import { describeDifferences, type RealRunReport } from "../src/real-run-report.js";

const SPEC = process.env["APEX_SUBTENSOR_SPEC"];
console.info(
  SPEC
    ? `live run on a real runtime: RUNS on ${SPEC}`
    : "live run on a real runtime: skipped (set APEX_SUBTENSOR_SPEC to a subtensor chain spec)",
);

const run = (argv: string[]) => (parseLocalnetArgs(["run", ...argv]) as { options: RunOptions }).options;

describe("run --network", () => {
  it("defaults to SimChain; takes a ws URL, or subtensor with a spec", () => {
    expect(run([])).toMatchObject({ network: null, spec: null });
    expect(run(["--network", "ws://127.0.0.1:9944"])).toMatchObject({
      network: "ws://127.0.0.1:9944",
      spec: null,
    });
    expect(run(["--network", "subtensor", "--spec", "s.json"])).toMatchObject({
      network: "subtensor",
      spec: "s.json",
    });
  });

  it.each([
    [["--network", "subtensor"], /--network subtensor needs it/],
    [["--spec", "s.json"], /--spec goes with --network subtensor/],
    [["--network", "finney"], /ws:\/\/ URL or "subtensor"/],
    [["--network", "ws://x:1", "--virtual"], /SimChain only/],
    [["--network", "ws://x:1", "--miner-cmd", "x"], /SimChain only/],
  ])("refuses %j", (argv, message) => {
    expect(() => run(argv as string[])).toThrow(UsageError);
    expect(() => run(argv as string[])).toThrow(message);
  });

  it("states each difference from SimChain with this run's numbers", () => {
    const d = describeDifferences({
      blockTimeMs: 1000,
      simBlockTimeMs: 250,
      validatorStakeTao: 1000,
      validatorAlpha: 511.476,
      devBlocks: true,
      epochEmission: 9.02,
    });
    expect(d.join("\n")).toMatch(/block time: 1000 ms.*250 ms/);
    expect(d.join("\n")).toMatch(/1000 TAO per validator became 511\.476 alpha/);
    expect(d.join("\n")).toMatch(/emission: 9\.020000 alpha/);
    expect(d.join("\n")).toMatch(/rate limits/);
    expect(d.join("\n")).toMatch(/dev_newBlock/);
  });
});

describe.skipIf(!SPEC)("run --network subtensor --spec on a real runtime", () => {
  it("plays 20 rounds, exits 0, and the runtime's Incentive storage pays some miner", async () => {
    const dir = mkdtempSync(join(tmpdir(), "apex-real-run-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const reportPath = join(dir, "report.json");
    const out: string[] = [];
    const code = await main(
      [
        "run",
        "--network",
        "subtensor",
        "--spec",
        SPEC!,
        "--rounds",
        "20",
        "--no-dashboard",
        "--report",
        reportPath,
      ],
      { stdout: (s) => out.push(s), stderr: (s) => out.push(s), env: {} },
    );
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(reportPath, "utf8")) as RealRunReport;
    expect(report.rounds).toBeGreaterThanOrEqual(20);
    expect(report.chain.runtime).toMatch(/^node-subtensor \d+$/);
    expect(report.chain.specVersion).toBeGreaterThan(0);
    const minerUids = report.neurons.filter((n) => n.role === "miner").map((n) => n.uid);
    const paid = minerUids.filter((uid) => (report.chain.incentiveFromStorage[uid] ?? 0) > 0);
    console.info(
      `real run: ${report.chain.runtime}, ${report.rounds} rounds in ${report.wallSeconds.toFixed(0)} s, ` +
        `incentive from storage ${JSON.stringify(report.chain.incentiveFromStorage.map((x) => +x.toFixed(4)))}`,
    );
    expect(paid.length).toBeGreaterThan(0);
    expect(out.join("")).toContain("where it differs from SimChain");
  }, 1_200_000);
});
