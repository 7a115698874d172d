import { describe, expect, it } from "vitest";
import { type EpochInput, runEpoch } from "../src/index.js";

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function randomInput(seed: number): EpochInput {
  const r = rng(seed);
  const n = 2 + Math.floor(r() * 10);
  const stake = Array.from({ length: n }, () => (r() < 0.4 ? 0 : 1 + r() * 1000));
  const weights = Array.from({ length: n }, () =>
    Array.from({ length: n }, () => (r() < 0.5 ? 0 : Math.floor(r() * 65_535))),
  );
  const bonds = Array.from({ length: n }, () =>
    Array.from({ length: n }, () => (r() < 0.5 ? 0 : Math.floor(r() * 65_535))),
  );
  return {
    currentBlock: 1000,
    tempo: 10,
    activityCutoff: 5000,
    lastUpdate: Array.from({ length: n }, () => (r() < 0.1 ? 0 : 900 + Math.floor(r() * 100))),
    blockAtRegistration: Array.from({ length: n }, () => Math.floor(r() * 50)),
    stake,
    validatorPermits: stake.map((s) => s > 0 && r() < 0.8),
    maxAllowedValidators: 1 + Math.floor(r() * n),
    weights,
    bonds,
    kappa: 0.5,
    bondsMovingAverage: 900_000,
    bondsPenalty: r(),
    emission: 1e9,
    yuma3: r() < 0.3,
  };
}

const vectorKeys = [
  "stake",
  "activeStake",
  "consensus",
  "validatorTrust",
  "incentive",
  "dividends",
  "serverEmission",
  "validatorEmission",
  "combinedEmission",
] as const;

describe("Yuma epoch properties", () => {
  it("outputs are finite, in range and normalised", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const out = runEpoch(randomInput(seed));
      for (const k of vectorKeys)
        for (const x of out[k]) expect(Number.isFinite(x), `${k} seed ${seed}`).toBe(true);
      for (const k of ["consensus", "validatorTrust", "incentive", "dividends"] as const)
        for (const x of out[k]) {
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(1 + 1e-9);
        }
      for (const k of ["incentive", "dividends", "activeStake", "stake"] as const) {
        const s = out[k].reduce((a, b) => a + b, 0);
        expect(s === 0 || Math.abs(s - 1) < 1e-9, `${k} sums to ${s} (seed ${seed})`).toBe(true);
      }
      const paid = [...out.serverEmission, ...out.validatorEmission].reduce((a, b) => a + b, 0);
      expect(paid === 0 || Math.abs(paid - 1e9) < 1, `paid ${paid} (seed ${seed})`).toBe(true);
      for (const row of out.bonds)
        for (const x of row) expect(Number.isInteger(x) && x >= 0 && x <= 65_535).toBe(true);
    }
  });

  it("is permutation-invariant: relabelling uids relabels the outputs", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const input = randomInput(seed);
      const n = input.stake.length;
      const r = rng(seed * 7919);
      const perm = [...Array(n).keys()].sort(() => r() - 0.5);
      const p = <T>(v: readonly T[]) => perm.map((i) => v[i]!);
      const pm = (m: number[][]) => perm.map((i) => perm.map((j) => m[i]![j]!));
      const permuted: EpochInput = {
        ...input,
        lastUpdate: p(input.lastUpdate),
        blockAtRegistration: p(input.blockAtRegistration),
        stake: p(input.stake),
        validatorPermits: p(input.validatorPermits),
        weights: pm(input.weights),
        bonds: pm(input.bonds),
      };
      const a = runEpoch(input);
      const b = runEpoch(permuted);
      for (const k of vectorKeys) {
        const want = p(a[k]);
        for (const [i, x] of b[k].entries()) {
          const tolerance = 1e-9 * Math.max(1, Math.abs(want[i]!));
          expect(Math.abs(x - want[i]!), `${k}[${i}] seed ${seed}`).toBeLessThanOrEqual(tolerance);
        }
      }
      expect(b.validatorPermits).toEqual(p(a.validatorPermits));
    }
  });

  it("refuses malformed input with a clear message", () => {
    const input = randomInput(3);
    expect(() => runEpoch({ ...input, lastUpdate: [] })).toThrow(/lastUpdate has 0 entries/);
    expect(() => runEpoch({ ...input, stake: input.stake.map(() => Number.NaN) })).toThrow(/stake/);
  });
});
