// The epoch's masking rules and edges, each on a case small enough to check by hand (run_epoch.rs
// `epoch_dense_mechanism`): activity cutoff, weights older than a registration, bonds to the recently registered,
// the stake threshold, the no-reward fallback, and refusal of malformed input. (Mutation testing found these
// reachable by no golden.)
import { describe, expect, it } from "vitest";
import { type EpochInput, runEpoch } from "../src/index.js";

const MAX = 65_535;
/** Validators 0 and 1, miners 2 and 3; validator 0 weights miner 2, validator 1 weights miner 3. */
function base(over: Partial<EpochInput> = {}): EpochInput {
  return {
    currentBlock: 100,
    tempo: 10,
    activityCutoff: 10,
    lastUpdate: [95, 95, 0, 0],
    blockAtRegistration: [0, 0, 0, 0],
    stake: [10, 10, 0, 0],
    validatorPermits: [true, true, false, false],
    maxAllowedValidators: 2,
    weights: [
      [0, 0, MAX, 0],
      [0, 0, 0, MAX],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ],
    bonds: [
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ],
    kappa: 0.4,
    emission: 100,
    ...over,
  };
}

describe("yuma epoch rules", () => {
  it("activity cutoff: inactive only once last_update + cutoff < block (equal is still active)", () => {
    const out = runEpoch(base({ lastUpdate: [90, 89, 0, 0] }));
    expect(out.active.slice(0, 2)).toEqual([true, false]);
    expect(out.activeStake.slice(0, 2)).toEqual([1, 0]);
    // Only validator 0's weights count: all incentive to miner 2.
    expect(out.incentive).toEqual([0, 0, 1, 0]);
  });

  it("weights set no later than a neuron's registration are ignored for it", () => {
    // Validator 1 set its weights at block 95, the block miner 3 registered: they count for nobody.
    const out = runEpoch(base({ blockAtRegistration: [0, 0, 0, 95] }));
    expect(out.incentive).toEqual([0, 0, 1, 0]);
    const later = runEpoch(base({ blockAtRegistration: [0, 0, 0, 94] }));
    expect(later.incentive[3]).toBeGreaterThan(0);
  });

  it("bonds to a neuron registered since the last epoch are dropped", () => {
    const bonds = [
      [0, 0, MAX, MAX],
      [0, 0, MAX, MAX],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ];
    const withoutOld = bonds.map((r) => [r[0]!, r[1]!, r[2]!, 0]);
    // Last epoch at block 100 − tempo = 90: miner 3 registered at 90 is recent, at 89 it is not.
    const recent = runEpoch(base({ bonds, blockAtRegistration: [0, 0, 0, 90] }));
    expect(recent.bonds).toEqual(
      runEpoch(base({ bonds: withoutOld, blockAtRegistration: [0, 0, 0, 90] })).bonds,
    );
    const old = runEpoch(base({ bonds, blockAtRegistration: [0, 0, 0, 89] }));
    // Validator 0 never weighted miner 3: its bond there is what remains of the old one, or nothing.
    expect(recent.bonds[0]![3]).toBe(0);
    expect(old.bonds[0]![3]).toBeGreaterThan(0);
    // With the previous epoch's block given, "recent" is registered after it: 95 + 1 ≤ 96.
    const given = runEpoch(base({ bonds, blockAtRegistration: [0, 0, 0, 96], lastEpochBlock: 95 }));
    expect(given.bonds).toEqual(
      runEpoch(base({ bonds: withoutOld, blockAtRegistration: [0, 0, 0, 96], lastEpochBlock: 95 })).bonds,
    );
    const before = runEpoch(base({ bonds, blockAtRegistration: [0, 0, 0, 95], lastEpochBlock: 95 }));
    expect(given.bonds[0]![3]).toBe(0);
    expect(before.bonds[0]![3]).toBeGreaterThan(0);
  });

  it("stake below the threshold counts as zero; stake equal to it counts", () => {
    expect(runEpoch(base({ stake: [10, 9, 0, 0], stakeThreshold: 10 })).stake).toEqual([1, 0, 0, 0]);
    expect(runEpoch(base({ stake: [10, 10, 0, 0], stakeThreshold: 10 })).stake).toEqual([0.5, 0.5, 0, 0]);
  });

  it("with nothing earned, validators are paid by active stake, or by stake when none is active", () => {
    const none = base().weights.map((r) => r.map(() => 0));
    const active = runEpoch(base({ weights: none, stake: [30, 10, 0, 0] }));
    expect(active.validatorEmission).toEqual([75, 25, 0, 0]);
    expect(active.serverEmission).toEqual([0, 0, 0, 0]);
    const noPermits = runEpoch(
      base({ weights: none, stake: [30, 10, 0, 0], validatorPermits: [false, false, false, false] }),
    );
    expect(noPermits.validatorEmission).toEqual([75, 25, 0, 0]);
    const oneActive = runEpoch(
      base({ weights: none, stake: [30, 10, 0, 0], validatorPermits: [false, true, false, false] }),
    );
    expect(oneActive.validatorEmission).toEqual([0, 100, 0, 0]);
  });

  it("refuses malformed input, naming what is wrong", () => {
    expect(() => runEpoch(base({ lastUpdate: [1, 2, 3] }))).toThrow(
      /lastUpdate has 3 entries but stake has 4/,
    );
    expect(() => runEpoch(base({ blockAtRegistration: [0] }))).toThrow(/blockAtRegistration/);
    expect(() => runEpoch(base({ validatorPermits: [true] }))).toThrow(/validatorPermits/);
    expect(() => runEpoch(base({ weights: [[0]] }))).toThrow(/weights has 1 entries/);
    expect(() => runEpoch(base({ bonds: [[0]] }))).toThrow(/bonds has 1 entries/);
    const short = base().weights.map((r, i) => (i === 1 ? [0, 0] : r));
    expect(() => runEpoch(base({ weights: short }))).toThrow(/weights\[1\] has 2 columns, expected 4/);
    const negative = base().bonds.map((r, i) => (i === 0 ? [0, 0, -1, 0] : r));
    expect(() => runEpoch(base({ bonds: negative }))).toThrow(/bonds\[0\] holds -1/);
    const nan = base().weights.map((r, i) => (i === 0 ? [0, 0, Number.NaN, 0] : r));
    expect(() => runEpoch(base({ weights: nan }))).toThrow(/weights\[0\] holds NaN/);
    expect(() => runEpoch(base({ stake: [10, Number.POSITIVE_INFINITY, 0, 0] }))).toThrow(
      /stake holds Infinity/,
    );
    expect(() => runEpoch(base({ stake: [10, -1, 0, 0] }))).toThrow(/stake holds -1/);
  });
});
