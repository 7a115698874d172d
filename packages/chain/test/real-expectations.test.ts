// SimChain held to what a real subtensor runtime did, in every CI run. The files in fixtures/real-runtime/ are
// measurements: each scenario run on the runtime named in its `recorded` block (spec file, sha256, how it was run),
// written by scripts/record-real-scenarios.mjs. Here SimChain runs the same scenario on the same inputs and must take
// the same steps with the same error names and produce the same Yuma vectors and emission shares within
// DEFAULT_COMPARE_TOLERANCE. When SimChain changes on purpose, re-record against a spec and commit the new files.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  compareScenarioReports,
  expectedReport,
  parseExpectation,
  runScenario,
  SCENARIOS,
  SimChain,
  simOptionsMatching,
  vacuityProblems,
} from "../src/index.js";

const DIR = join(import.meta.dirname, "fixtures/real-runtime");

describe("SimChain against the recorded real runtime", () => {
  it.each(SCENARIOS)("%s: same steps, error names, Yuma vectors and emission shares", async (name) => {
    const file = join(DIR, `${name}.json`);
    const expected = parseExpectation(JSON.parse(await readFile(file, "utf8")), file);
    expect(expected.scenario).toBe(name);
    // A recording that shows nothing (no incentive, no split) would let any SimChain pass.
    expect(vacuityProblems(expectedReport(expected))).toEqual([]);
    const sim = new SimChain();
    try {
      const report = await runScenario(name, sim, {
        advanceBlocks: (n) => void sim.produceBlocks(n),
        runtime: "SimChain",
        ...simOptionsMatching(expectedReport(expected)),
      });
      expect(compareScenarioReports(expectedReport(expected), report)).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it("refuses a file that is not a recording", () => {
    expect(() => parseExpectation({ format: "other" }, "x.json")).toThrow(/x.json: format is other/);
    const ok = { format: "apex-real-runtime-scenario/v1", scenario: "errors", recorded: { runtime: "r" } };
    expect(() => parseExpectation({ ...ok, steps: [] })).toThrow(/no steps/);
    expect(() => parseExpectation({ ...ok, steps: [{ name: "s", ok: "yes", error: null }] })).toThrow(
      /bad step/,
    );
    expect(() => parseExpectation({ ...ok, scenario: "nope", steps: [] })).toThrow(/unknown scenario/);
  });

  it("a drifted SimChain is caught: one changed error name or one u16 step too many fails the comparison", async () => {
    const errors = expectedReport(
      parseExpectation(JSON.parse(await readFile(join(DIR, "errors.json"), "utf8"))),
    );
    const failing = errors.steps.findIndex((s) => !s.ok);
    const drifted = {
      ...errors,
      steps: errors.steps.map((s, i) => (i === failing ? { ...s, error: "SomethingElse" } : s)),
    };
    expect(compareScenarioReports(errors, drifted)).toHaveLength(1);
    const split = expectedReport(
      parseExpectation(JSON.parse(await readFile(join(DIR, "yuma-split.json"), "utf8"))),
    );
    const result = split.result as { neurons: Array<{ incentive: number }>; uids: { miner: number } };
    const nudged = structuredClone(result);
    nudged.neurons[result.uids.miner]!.incentive += 10 / 65535;
    expect(compareScenarioReports(split, { ...split, result: nudged }).length).toBeGreaterThan(0);
  });
});
