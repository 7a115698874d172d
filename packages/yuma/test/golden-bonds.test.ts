// Golden vectors from subtensor's own test `test_bonds` (pallets/subtensor/src/tests/epoch.rs @ 14bc6f9f):
// 4 validators with stake 1,2,3,4 and 4 servers; tempo 1; bonds penalty 1; bonds moving average 900_000; each epoch
// distributes 1e9 rao. Every epoch takes the stored bonds the test logs ("B:") as input and must produce the next
// logged "B:" (u16, column max-upscaled, truncated) and the logged emission "E:".
// subtensor computes in I32F32 fixed point and we in f64: stored bonds agree within one u16 step, emission within
// 20 rao of 1e9.
import { describe, expect, it } from "vitest";
import { runEpoch } from "../src/index.js";

const n = 8;
const stake = [1, 2, 3, 4, 0, 0, 0, 0];
const toAll = [0, 0, 0, 0, 16_383, 32_767, 49_149, 65_535];
const only = (j: number) => {
  const r = new Array<number>(n).fill(0);
  r[j] = 65_535;
  return r;
};
const empty = () => new Array<number>(n).fill(0);
/** A logged bonds matrix: validator rows with values for server columns 4..7, server rows empty. */
const B = (rows: number[][]) => [...rows.map((r) => [0, 0, 0, 0, ...r]), ...Array.from({ length: 4 }, empty)];
const flat = (v: number) => [v, v, v, v];

interface Case {
  block: number;
  weights: number[][];
  bondsIn: number[][];
  bondsOut: number[][];
  emission: number[];
}

const wAll = [toAll, toAll, toAll, toAll, empty(), empty(), empty(), empty()];
const wSelf0 = [only(0), toAll, toAll, toAll, empty(), empty(), empty(), empty()];
const wSelf01 = [only(0), only(1), toAll, toAll, empty(), empty(), empty(), empty()];
const wSelf012 = [only(0), only(1), only(2), toAll, empty(), empty(), empty(), empty()];
const wV3toS4 = [only(0), only(1), only(7), toAll, empty(), empty(), empty(), empty()];

const cases: Case[] = [
  {
    block: 1,
    weights: wAll,
    bondsIn: Array.from({ length: n }, empty),
    bondsOut: B([flat(16_383), flat(32_767), flat(49_151), flat(65_535)]),
    emission: [
      49_999_998, 99_999_999, 150_000_000, 200_000_001, 49_998_779, 100_000_610, 149_996_337, 200_004_272,
    ],
  },
  {
    block: 2,
    weights: wSelf0,
    bondsIn: B([flat(16_383), flat(32_767), flat(49_151), flat(65_535)]),
    bondsOut: B([flat(14_582), flat(32_767), flat(49_151), flat(65_535)]),
    emission: [
      44_998_351, 101_110_561, 151_667_215, 202_223_870, 49_998_779, 100_000_610, 149_996_337, 200_004_272,
    ],
  },
  {
    block: 3,
    weights: wSelf01,
    bondsIn: B([flat(14_582), flat(32_767), flat(49_151), flat(65_535)]),
    bondsOut: B([flat(12_603), flat(28_321), flat(49_151), flat(65_535)]),
    emission: [
      40_496_805, 90_999_783, 157_929_636, 210_573_773, 49_998_779, 100_000_610, 149_996_337, 200_004_272,
    ],
  },
  {
    block: 4,
    weights: wSelf012,
    bondsIn: B([flat(12_603), flat(28_321), flat(49_151), flat(65_535)]),
    bondsOut: B([flat(12_602), flat(28_320), flat(49_150), flat(65_535)]),
    emission: [99_999_999, 199_999_999, 299_999_999, 399_999_999, 0, 0, 0, 0],
  },
  {
    block: 5,
    weights: wV3toS4,
    bondsIn: B([flat(12_602), flat(28_320), flat(49_150), flat(65_535)]),
    bondsOut: B([
      [12_601, 12_601, 12_601, 10_951],
      [28_319, 28_319, 28_319, 24_609],
      [49_149, 49_149, 49_149, 49_150],
      flat(65_535),
    ]),
    emission: [36_443_733, 81_898_628, 163_565_493, 218_092_144, 0, 0, 0, 500_000_000],
  },
  {
    block: 6,
    weights: wV3toS4,
    bondsIn: B([
      [12_601, 12_601, 12_601, 10_951],
      [28_319, 28_319, 28_319, 24_609],
      [49_149, 49_149, 49_149, 49_150],
      flat(65_535),
    ]),
    bondsOut: B([
      [12_600, 12_600, 12_600, 9_559],
      [28_318, 28_318, 28_318, 21_482],
      [49_148, 49_148, 49_148, 49_150],
      flat(65_535),
    ]),
    emission: [32_799_427, 73_706_612, 168_638_129, 224_855_830, 0, 0, 0, 500_000_000],
  },
  {
    block: 7,
    weights: wV3toS4,
    bondsIn: B([
      [12_600, 12_600, 12_600, 9_559],
      [28_318, 28_318, 28_318, 21_482],
      [49_148, 49_148, 49_148, 49_150],
      flat(65_535),
    ]),
    bondsOut: B([
      [12_599, 12_599, 12_599, 8_376],
      [28_317, 28_317, 28_317, 18_824],
      [49_147, 49_147, 49_147, 49_150],
      flat(65_535),
    ]),
    emission: [29_518_068, 66_336_137, 173_203_134, 230_942_659, 0, 0, 0, 500_000_000],
  },
];

describe("golden: subtensor test_bonds (original Yuma, bonds penalty 1)", () => {
  it("issues permits to the four staked validators in the first epoch", () => {
    const first = runEpoch({
      currentBlock: 0,
      tempo: 1,
      activityCutoff: 5000,
      lastUpdate: new Array(n).fill(0),
      blockAtRegistration: new Array(n).fill(0),
      stake,
      validatorPermits: new Array(n).fill(false),
      maxAllowedValidators: n,
      weights: Array.from({ length: n }, empty),
      bonds: Array.from({ length: n }, empty),
    });
    expect(first.validatorPermits).toEqual([true, true, true, true, false, false, false, false]);
  });

  it.each(cases)("epoch at block $block: stored bonds and emission", (c) => {
    const out = runEpoch({
      currentBlock: c.block,
      tempo: 1,
      activityCutoff: 5000,
      lastUpdate: [1, 1, 1, 1, 0, 0, 0, 0],
      blockAtRegistration: new Array(n).fill(0),
      stake,
      validatorPermits: [true, true, true, true, false, false, false, false],
      maxAllowedValidators: n,
      weights: c.weights,
      bonds: c.bondsIn,
      kappa: 32_767 / 65_535,
      bondsMovingAverage: 900_000,
      bondsPenalty: 1,
      emission: 1_000_000_000,
    });
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const x = out.bonds[i]![j]!;
        expect(Math.abs(x - c.bondsOut[i]![j]!), `B[${i}][${j}] ${x}`).toBeLessThanOrEqual(1);
      }
    for (let i = 0; i < n; i++) {
      const x = out.serverEmission[i]! + out.validatorEmission[i]!;
      expect(Math.abs(x - c.emission[i]!), `E[${i}] ${x}`).toBeLessThan(20);
    }
  });
});
