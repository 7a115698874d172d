// Compares one scenario's report from two chains (a real subtensor runtime and SimChain): the same steps must
// succeed, the same steps must fail with the same error names, and the incentive scenario's Yuma outputs must agree.
import type { IncentiveNeuron, IncentiveResult, ScenarioReport, YumaSplitResult } from "./report.js";

export interface CompareOptions {
  /**
   * Largest absolute difference allowed between two ratios (incentive, dividends, consensus, validator trust,
   * emission share). Default 1e-4: both chains store ratios as u16 (1/65535 ≈ 1.5e-5 per step) and compute in
   * different fixed/floating point (I32F32 vs f64), so a few u16 steps of drift are expected and nothing more.
   */
  tolerance?: number;
}

export const DEFAULT_COMPARE_TOLERANCE = 1e-4;

const RATIOS = ["incentive", "dividends", "consensus", "validator_trust"] as const;

function isIncentiveResult(x: unknown): x is IncentiveResult {
  const r = x as Partial<IncentiveResult> | null;
  return Boolean(r && typeof r === "object" && r.uids && Array.isArray(r.neurons));
}

/** Each neuron's share of the epoch's total emission (0 when nothing was emitted). */
export function emissionShares(neurons: readonly IncentiveNeuron[]): number[] {
  const total = neurons.reduce((s, n) => s + n.emission, 0);
  return neurons.map((n) => (total > 0 ? n.emission / total : 0));
}

/**
 * Lists every way `b` disagrees with `a` (empty = they agree). Compared: the step names in order, each step's ok
 * flag and error name; for `incentive` also the role uids, and per uid incentive, dividends, consensus,
 * validator_trust and the share of emission within `tolerance`. Not compared, because they differ by construction:
 * netuid and block numbers (a shared node has more subnets and blocks), and absolute emission amounts (subtensor
 * derives a subnet's alpha emission from its pool; SimChain emits a fixed amount per block).
 */
export function compareScenarioReports(
  a: ScenarioReport,
  b: ScenarioReport,
  options: CompareOptions = {},
): string[] {
  const tol = options.tolerance ?? DEFAULT_COMPARE_TOLERANCE;
  const diffs: string[] = [];
  if (a.scenario !== b.scenario) return [`different scenarios: ${a.scenario} vs ${b.scenario}`];
  const steps = Math.max(a.steps.length, b.steps.length);
  for (let i = 0; i < steps; i++) {
    const x = a.steps[i];
    const y = b.steps[i];
    if (!x || !y) {
      diffs.push(`step ${i + 1}: only on ${x ? a.network : b.network} ("${(x ?? y)?.name}")`);
      continue;
    }
    if (x.name !== y.name) diffs.push(`step ${i + 1}: "${x.name}" vs "${y.name}"`);
    const outcome = (s: typeof x) => (s.ok ? "ok" : `failed ${s.error}`);
    if (x.ok !== y.ok || x.error !== y.error)
      diffs.push(`step ${i + 1} "${x.name}": ${outcome(x)} vs ${outcome(y)}`);
  }
  if (a.scenario !== "incentive" && a.scenario !== "yuma-split") return diffs;

  if (!isIncentiveResult(a.result) || !isIncentiveResult(b.result)) {
    if (isIncentiveResult(a.result) !== isIncentiveResult(b.result))
      diffs.push(`incentive result present on only one chain`);
    return diffs;
  }
  const ra = a.result;
  const rb = b.result;
  const ua = ra.uids as Record<string, number>;
  const ub = rb.uids as Record<string, number>;
  for (const role of new Set([...Object.keys(ua), ...Object.keys(ub)])) {
    if (ua[role] !== ub[role]) diffs.push(`${role} uid: ${ua[role]} vs ${ub[role]}`);
  }
  if (ra.neurons.length !== rb.neurons.length)
    diffs.push(`neuron count: ${ra.neurons.length} vs ${rb.neurons.length}`);
  const sa = emissionShares(ra.neurons);
  const sb = emissionShares(rb.neurons);
  for (const [i, x] of ra.neurons.entries()) {
    const y = rb.neurons[i];
    if (!y) break; // b has fewer neurons (the count differs, said above)
    for (const field of RATIOS) {
      if (!(Math.abs(x[field] - y[field]) <= tol))
        diffs.push(`uid ${x.uid} ${field}: ${x[field]} vs ${y[field]} (tolerance ${tol})`);
    }
    // The shares are per neuron, so both exist for i.
    if (!(Math.abs((sa[i] ?? 0) - (sb[i] ?? 0)) <= tol))
      diffs.push(`uid ${x.uid} emission share: ${sa[i]} vs ${sb[i]} (tolerance ${tol})`);
  }
  // yuma-split: when the outputs disagree, say whether Yuma's inputs (the stakes) already did, which tells an input
  // mismatch from a Yuma one. Stakes alone are not a disagreement: a chain that can only top stakes up may end a
  // little above the other on a uid whose stake does not move the outputs (the owner's, with no weights).
  const ka = (ra as Partial<YumaSplitResult>).stakesAtWeights;
  const kb = (rb as Partial<YumaSplitResult>).stakesAtWeights;
  if (diffs.length > 0 && ka && kb) {
    const scale = Math.max(1, ...ka, ...kb);
    for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
      if (!(Math.abs((ka[i] ?? 0) - (kb[i] ?? 0)) <= tol * scale))
        diffs.push(
          `uid ${i} stake when weights were set: ${ka[i]} vs ${kb[i]} (tolerance ${tol} × ${scale})`,
        );
    }
  }
  return diffs;
}
