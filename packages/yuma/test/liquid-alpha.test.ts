// Liquid alpha's pieces (run_epoch.rs `alpha_sigmoid`, `compute_bonds`), checked by hand: alpha runs from low to
// high on 1 / (1 + e^(−steepness/100 · (diff − 0.5))), diff = weight − consensus when buying (weight ≥ bond),
// bond − weight when selling. Values for low 0.1, high 0.3, steepness 1000.
import { describe, expect, it } from "vitest";
import { alphaSigmoid, runEpoch } from "../src/index.js";

const sig = (x: number) => 1 / (1 + Math.exp(x));

describe("liquid alpha", () => {
  it("buys on weight − consensus, including when weight equals bond", () => {
    // diff 0.3: e^(−10 · −0.2) = e^2
    expect(alphaSigmoid(0.2, 0.5, 0.5, 0.1, 0.3, 1000)).toBeCloseTo(0.1 + 0.2 * sig(2), 12);
  });

  it("sells on bond − weight", () => {
    // diff 0.4: e^(−10 · −0.1) = e^1
    expect(alphaSigmoid(0.2, 0.1, 0.5, 0.1, 0.3, 1000)).toBeCloseTo(0.1 + 0.2 * sig(1), 12);
  });

  it("stays within [low, high] and reaches near high for a full move", () => {
    const a = alphaSigmoid(0, 1, 0, 0.1, 0.3, 1000);
    expect(a).toBeCloseTo(0.1 + 0.2 * sig(-5), 12);
    expect(a).toBeLessThanOrEqual(0.3);
    expect(alphaSigmoid(0.9, 0.9, 0.9, 0.1, 0.3, 1000)).toBeGreaterThanOrEqual(0.1);
  });

  it("falls back to the fixed alpha when consensus is all zero (no weights counted)", () => {
    const n = 3;
    const input = {
      currentBlock: 10,
      tempo: 1,
      activityCutoff: 5000,
      lastUpdate: [9, 0, 0],
      blockAtRegistration: [0, 0, 0],
      stake: [10, 0, 0],
      validatorPermits: [true, false, false],
      maxAllowedValidators: 1,
      weights: Array.from({ length: n }, () => new Array<number>(n).fill(0)),
      bonds: [[0, 30_000, 10_000], new Array<number>(n).fill(0), new Array<number>(n).fill(0)],
      bondsPenalty: 0,
      bondsMovingAverage: 975_000,
      yuma3: true,
    };
    const fixed = runEpoch(input);
    const liquid = runEpoch({ ...input, liquidAlpha: { low: 0.1, high: 0.3, steepness: 1000 } });
    expect(fixed.consensus.every((c) => c === 0)).toBe(true);
    expect(liquid.bonds).toEqual(fixed.bonds);
    // The fixed alpha (1 − 0.975) decays the bond: 30000 · 0.975 as the chain stores it.
    expect(liquid.bonds[0]![1]).toBe(Math.floor((30_000 / 65_535) * 0.975 * 65_535));
  });
});
