// Golden vectors from subtensor's `test_yuma_3_liquid_alpha_disabled` (pallets/subtensor/src/tests/epoch.rs
// @ 14bc6f9f): Yuma3 on, liquid alpha off, 3 validators (stake 33, 33, 34) and 2 servers (uids 3, 4), kappa 0.5,
// bonds penalty 0, bonds moving average 975_000, max 3 validators. Six epochs; in the third, validator C moves to
// server 2. subtensor checks dividends within 1e-3; its bond targets (columns 3 and 4, as u16 proportions) are
// checked here with the same tolerance. Bonds are carried from epoch to epoch as the chain stores them (u16).
import { describe, expect, it } from "vitest";
import { runEpoch } from "../src/index.js";

const n = 5;
const stake = [33, 33, 34, 0, 0];
const toS1 = [0, 0, 0, 65_535, 0];
const toS2 = [0, 0, 0, 0, 65_535];
const none = () => new Array<number>(n).fill(0);

const bondTargets: number[][][] = [
  [
    [0.025, 0],
    [0.025, 0],
    [0.025, 0],
  ],
  [
    [0.0494, 0],
    [0.0494, 0],
    [0.0494, 0],
  ],
  [
    [0.0731, 0],
    [0.0731, 0],
    [0.0481, 0.025],
  ],
  [
    [0.0963, 0],
    [0.0963, 0],
    [0.0719, 0.0244],
  ],
  [
    [0.1189, 0],
    [0.1189, 0],
    [0.0951, 0.0238],
  ],
  [
    [0.1409, 0],
    [0.1409, 0],
    [0.1178, 0.0232],
  ],
];
const dividendTargets = [
  [0.33, 0.33, 0.34, 0, 0],
  [0.33, 0.33, 0.34, 0, 0],
  [0.3734, 0.3734, 0.2532, 0, 0],
  [0.3611, 0.3611, 0.2779, 0, 0],
  [0.3541, 0.3541, 0.2919, 0, 0],
  [0.3495, 0.3495, 0.3009, 0, 0],
];

describe("golden: subtensor test_yuma_3_liquid_alpha_disabled", () => {
  it("reproduces dividends and bonds over six epochs", () => {
    const common = {
      tempo: 1,
      activityCutoff: 5000,
      blockAtRegistration: new Array<number>(n).fill(0),
      stake,
      maxAllowedValidators: 3,
      kappa: 32_767 / 65_535,
      bondsMovingAverage: 975_000,
      bondsPenalty: 0,
      emission: 1_000_000_000,
      yuma3: true,
    };
    const first = runEpoch({
      ...common,
      currentBlock: 1,
      lastUpdate: new Array<number>(n).fill(0),
      validatorPermits: new Array<boolean>(n).fill(false),
      weights: Array.from({ length: n }, none),
      bonds: Array.from({ length: n }, none),
    });
    expect(first.validatorPermits).toEqual([true, true, true, false, false]);
    let permits = first.validatorPermits;
    let bonds = first.bonds;
    for (let epoch = 0; epoch < 6; epoch++) {
      const block = 3 + epoch;
      const weights = [toS1, toS1, epoch === 2 ? toS2 : toS1, none(), none()];
      const out = runEpoch({
        ...common,
        currentBlock: block,
        lastUpdate: [block - 1, block - 1, block - 1, 0, 0],
        validatorPermits: permits,
        weights,
        bonds,
      });
      for (let i = 0; i < n; i++)
        expect(
          Math.abs(out.dividends[i]! - dividendTargets[epoch]![i]!),
          `epoch ${epoch} D[${i}]`,
        ).toBeLessThan(1e-3);
      for (let i = 0; i < 3; i++)
        for (let s = 0; s < 2; s++) {
          const b = out.bonds[i]![3 + s]! / 65_535;
          expect(Math.abs(b - bondTargets[epoch]![i]![s]!), `epoch ${epoch} B[${i}][${3 + s}]`).toBeLessThan(
            1e-3,
          );
        }
      permits = out.validatorPermits;
      bonds = out.bonds;
    }
  });
});
