// What a real subtensor runtime did in each scenario, kept as a file so every CI run can hold SimChain to it
// without the runtime (a chain spec embeds an upstream binary and is never committed). Pure: no I/O here; the
// recorder script writes these files and the CI test reads them.
import {
  type IncentiveNeuron,
  SCENARIOS,
  type ScenarioName,
  type ScenarioOptions,
  type ScenarioReport,
  type YumaSplitResult,
} from "./report.js";

export const EXPECTATION_FORMAT = "apex-real-runtime-scenario/v1";

/** How a recording was made, so anyone can tell which runtime it speaks for and re-record it. */
export interface RecordingProvenance {
  /** spec_name and spec_version, e.g. "node-subtensor 293". */
  runtime: string;
  /** The chain spec's file name (no directory) and the sha256 of its bytes; null when a running node was used. */
  specFile: string | null;
  specSha256: string | null;
  /** Where the spec came from, as the recorder was told (repository, commit, file). */
  specSource: string | null;
  /** "chopsticks 1.5.1 (Instant mode, dev_newBlock)" or "node ws://…" */
  via: string;
  node: string;
  recordedAt: string;
  /** The command that re-records the file. */
  command: string;
}

export interface ScenarioExpectation {
  format: typeof EXPECTATION_FORMAT;
  scenario: ScenarioName;
  recorded: RecordingProvenance;
  /** Each step's name and outcome on the runtime. */
  steps: Array<{ name: string; ok: boolean; error: string | null }>;
  /** The scenario's result as the runtime produced it (Yuma vectors, emission, stakes), or null. */
  result: unknown;
}

export function toExpectation(report: ScenarioReport, recorded: RecordingProvenance): ScenarioExpectation {
  return {
    format: EXPECTATION_FORMAT,
    scenario: report.scenario,
    recorded,
    steps: report.steps.map(({ name, ok, error }) => ({ name, ok, error })),
    result: report.result,
  };
}

/** Checks the shape of a parsed expectation file; throws naming what is wrong. */
export function parseExpectation(json: unknown, source = "expectation"): ScenarioExpectation {
  const e = json as Partial<ScenarioExpectation> | null;
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what}`);
  };
  if (!e || typeof e !== "object") return fail("not an object");
  if (e.format !== EXPECTATION_FORMAT) fail(`format is ${String(e.format)}, expected ${EXPECTATION_FORMAT}`);
  if (!(SCENARIOS as readonly string[]).includes(String(e.scenario))) fail(`unknown scenario ${e.scenario}`);
  if (!e.recorded || typeof e.recorded.runtime !== "string") fail("no recorded.runtime");
  if (!Array.isArray(e.steps) || e.steps.length === 0) return fail("no steps");
  for (const s of e.steps) {
    if (
      typeof s?.name !== "string" ||
      typeof s.ok !== "boolean" ||
      !(s.error === null || typeof s.error === "string")
    )
      fail(`bad step ${JSON.stringify(s)}`);
  }
  return e as ScenarioExpectation;
}

/** The recording as a report, so `compareScenarioReports(expected, simReport)` compares it like a live run. */
export function expectedReport(e: ScenarioExpectation): ScenarioReport {
  return {
    scenario: e.scenario,
    network: `recorded ${e.recorded.runtime}`,
    runtime: e.recorded.runtime,
    steps: e.steps.map((s) => ({ ...s, expected: null })),
    passed: true,
    result: e.result,
  };
}

/**
 * Options that make SimChain run a scenario on the inputs the runtime had. yuma-split: SimChain has no subnet pools
 * (rao → alpha 1:1) while the runtime swaps TAO for alpha, so SimChain stakes small and tops every uid up to the
 * alpha the runtime held when the weights were set.
 */
export function simOptionsMatching(
  real: Pick<ScenarioReport, "scenario" | "result">,
): Partial<ScenarioOptions> {
  if (real.scenario !== "yuma-split") return {};
  return {
    splitStakesRao: [1_000_000_000n, 1_000_000_000n],
    matchStakes: (real.result as Partial<YumaSplitResult> | null)?.stakesAtWeights ?? [],
  };
}

/** The neuron at a role's uid; an Error names the role when the result has no such neuron. */
function neuronOf(r: YumaSplitResult, role: keyof YumaSplitResult["uids"]): IncentiveNeuron {
  const uid = r.uids[role];
  const neuron = r.neurons[uid];
  if (!neuron) throw new Error(`the result has no neuron for the ${role} (uid ${uid})`);
  return neuron;
}

/**
 * Guards against a recording (or a live run) that agrees on nothing: the runtime's outputs must be the ones the
 * scenario exists to produce. Returns what is wrong (empty = fine).
 */
export function vacuityProblems(real: Pick<ScenarioReport, "scenario" | "result">): string[] {
  const problems: string[] = [];
  const r = real.result as YumaSplitResult | null;
  if (real.scenario === "incentive") {
    if (!r?.neurons) return ["incentive: no result"];
    if (!(neuronOf(r, "miner").incentive > 0.5)) problems.push("incentive: the miner earned no incentive");
    if (!(neuronOf(r, "validator").dividends > 0.5))
      problems.push("incentive: the validator got no dividends");
  }
  if (real.scenario === "yuma-split") {
    if (!r?.neurons) return ["yuma-split: no result"];
    const inc = neuronOf(r, "miner").incentive;
    if (!(inc > 0.55 && inc < 0.95)) problems.push(`yuma-split: miner incentive ${inc} is not a split`);
    if (!(neuronOf(r, "validator2").validator_trust < 0.9))
      problems.push("yuma-split: validator B's weights were not clipped");
  }
  return problems;
}
