// Golden vectors from subtensor's Yuma3 epoch tests with liquid alpha on (pallets/subtensor/src/tests/epoch.rs
// @ 14bc6f9f, `setup_yuma_3_scenario`): tempo 1, kappa u16::MAX/2, bonds penalty 0, bonds moving average 975_000,
// liquid alpha on with AlphaValues (0.1, 0.3) stored as u16 and sigmoid steepness 1000, at most 3 validators.
// Validators are uids 0..2, servers the rest. The targets are the values upstream asserts (with its 1e-3
// tolerance) in test_yuma_3_kappa_moves_first/_second/_last, test_yuma_3_one_epoch_switch,
// test_yuma_3_stable_miner and test_yuma_3_bonds_reset; each scenario below names its source test.
// Bonds are carried between epochs as the chain stores them (u16); weights keep their last-update block.
import { describe, expect, it } from "vitest";
import { type EpochInput, runEpoch } from "../src/index.js";

const MAX = 65_535;
const HALF = Math.floor(MAX / 2);
const LIQUID = { low: Math.floor(0.1 * MAX) / MAX, high: Math.floor(0.3 * MAX) / MAX, steepness: 1000 };

interface Scenario {
  stakes: number[];
  /** Weights (over the servers) each validator sets before epoch e; absent = nobody sets new weights. */
  weightsAt: (epoch: number) => number[][] | undefined;
  /** Epochs to run (0-based) and the targets checked at some of them: bonds [validator][server], dividends. */
  epochs: number;
  bonds: Map<number, number[][]>;
  dividends: Map<number, number[]>;
  /** Before these epochs the chain clears every bond to this uid (do_reset_bonds with BondsResetOn). */
  resetBondsTo?: Map<number, number>;
  liquidAlpha?: EpochInput["liquidAlpha"];
}

function play(s: Scenario): void {
  const n = s.stakes.length;
  const servers = n - 3;
  const zeros = () => new Array<number>(n).fill(0);
  const common = {
    tempo: 1,
    activityCutoff: 5000,
    blockAtRegistration: zeros(),
    stake: s.stakes,
    maxAllowedValidators: 3,
    kappa: HALF / MAX,
    bondsMovingAverage: 975_000,
    bondsPenalty: 0,
    emission: 1_000_000_000,
    yuma3: true,
    liquidAlpha: s.liquidAlpha === undefined ? LIQUID : s.liquidAlpha,
  };
  // setup_yuma_3_scenario's first epoch hands out the permits (no weights yet).
  const first = runEpoch({
    ...common,
    currentBlock: 1,
    lastUpdate: zeros(),
    validatorPermits: new Array<boolean>(n).fill(false),
    weights: Array.from({ length: n }, zeros),
    bonds: Array.from({ length: n }, zeros),
  });
  let permits = first.validatorPermits;
  let bonds = first.bonds;
  let weights = Array.from({ length: n }, zeros);
  const lastUpdate = zeros();
  for (let epoch = 0; epoch < s.epochs; epoch++) {
    const block = 2 + epoch;
    const set = s.weightsAt(epoch);
    if (set) {
      weights = Array.from({ length: n }, (_, i) => (i < 3 ? [0, 0, 0, ...set[i]!] : zeros()));
      for (let v = 0; v < 3; v++) lastUpdate[v] = block;
    }
    const reset = s.resetBondsTo?.get(epoch);
    if (reset !== undefined) bonds = bonds.map((row) => row.map((b, j) => (j === reset ? 0 : b)));
    const out = runEpoch({
      ...common,
      currentBlock: block + 1,
      lastUpdate,
      validatorPermits: permits,
      weights,
      bonds,
    });
    const d = s.dividends.get(epoch);
    if (d)
      for (let i = 0; i < n; i++) expect(out.dividends[i]!, `epoch ${epoch} D[${i}]`).toBeCloseTo(d[i]!, 2.7);
    const b = s.bonds.get(epoch);
    if (b)
      for (let v = 0; v < 3; v++)
        for (let j = 0; j < servers; j++)
          expect(out.bonds[v]![3 + j]! / MAX, `epoch ${epoch} B[${v}][${3 + j}]`).toBeCloseTo(b[v]![j]!, 2.7);
    permits = out.validatorPermits;
    bonds = out.bonds;
  }
}

const all = (w: number[]) => [w, w, w];
const S1 = [MAX, 0];
const S2 = [0, MAX];
const indexed = <T>(rows: T[]) => new Map(rows.map((r, i) => [i, r]));

describe("golden: subtensor Yuma3 with liquid alpha", () => {
  it("test_yuma_3_kappa_moves_first: the big validator (0.8) moves first", () => {
    play({
      stakes: [8, 1, 1, 0, 0],
      epochs: 6,
      weightsAt: (e) => [all(S1), [S2, S1, S1], [S2, S2, S1], all(S2)][e],
      bonds: indexed([
        [
          [0.1013, 0],
          [0.1013, 0],
          [0.1013, 0],
        ],
        [
          [0.0908, 0.1013],
          [0.3697, 0],
          [0.3697, 0],
        ],
        [
          [0.0815, 0.1924],
          [0.317, 0.1013],
          [0.558, 0],
        ],
        [
          [0.0731, 0.2742],
          [0.2765, 0.1924],
          [0.4306, 0.1013],
        ],
        [
          [0.0656, 0.3478],
          [0.2435, 0.2742],
          [0.3589, 0.1924],
        ],
        [
          [0.0588, 0.4139],
          [0.2157, 0.3478],
          [0.3089, 0.2742],
        ],
      ]),
      dividends: indexed([
        [0.8, 0.1, 0.1, 0, 0],
        [1, 0, 0, 0, 0],
        [0.9382, 0.0618, 0, 0, 0],
        [0.8819, 0.0773, 0.0407, 0, 0],
        [0.8564, 0.0844, 0.0592, 0, 0],
        [0.8418, 0.0884, 0.0697, 0, 0],
      ]),
    });
  });

  it("test_yuma_3_kappa_moves_second: a small eager validator moves first, the big one second", () => {
    play({
      stakes: [8, 1, 1, 0, 0],
      epochs: 6,
      weightsAt: (e) => [all(S1), [S1, S2, S1], [S2, S2, S1], all(S2)][e],
      bonds: indexed([
        [
          [0.1013, 0],
          [0.1013, 0],
          [0.1013, 0],
        ],
        [
          [0.1924, 0],
          [0.0908, 0.2987],
          [0.1924, 0],
        ],
        [
          [0.1715, 0.1013],
          [0.0815, 0.3697],
          [0.4336, 0],
        ],
        [
          [0.1531, 0.1924],
          [0.0731, 0.4336],
          [0.3608, 0.1013],
        ],
        [
          [0.1369, 0.2742],
          [0.0656, 0.491],
          [0.3103, 0.1924],
        ],
        [
          [0.1225, 0.3478],
          [0.0588, 0.5426],
          [0.2712, 0.2742],
        ],
      ]),
      dividends: indexed([
        [0.8, 0.1, 0.1, 0, 0],
        [0.8446, 0.0498, 0.1056, 0, 0],
        [0.6868, 0.3132, 0, 0, 0],
        [0.7421, 0.209, 0.0489, 0, 0],
        [0.7625, 0.1706, 0.0669, 0, 0],
        [0.773, 0.1508, 0.0762, 0, 0],
      ]),
    });
  });

  it("test_yuma_3_kappa_moves_last: the big validator moves last", () => {
    play({
      stakes: [8, 1, 1, 0, 0],
      epochs: 6,
      weightsAt: (e) => [all(S1), [S1, S2, S1], [S1, S2, S2], all(S2)][e],
      bonds: indexed([
        [
          [0.1013, 0],
          [0.1013, 0],
          [0.1013, 0],
        ],
        [
          [0.1924, 0],
          [0.0908, 0.2987],
          [0.1924, 0],
        ],
        [
          [0.2742, 0],
          [0.0815, 0.5081],
          [0.1715, 0.2987],
        ],
        [
          [0.2416, 0.1013],
          [0.0731, 0.558],
          [0.1531, 0.3697],
        ],
        [
          [0.2141, 0.1924],
          [0.0656, 0.6028],
          [0.1369, 0.4336],
        ],
        [
          [0.1903, 0.2742],
          [0.0588, 0.643],
          [0.1225, 0.491],
        ],
      ]),
      dividends: indexed([
        [0.8, 0.1, 0.1, 0, 0],
        [0.8446, 0.0498, 0.1056, 0, 0],
        [0.8966, 0.0333, 0.0701, 0, 0],
        [0.4663, 0.321, 0.2127, 0, 0],
        [0.5976, 0.234, 0.1683, 0, 0],
        [0.6592, 0.1932, 0.1475, 0, 0],
      ]),
    });
  });

  it("test_yuma_3_one_epoch_switch: equal stakes, one validator switches for one epoch", () => {
    play({
      stakes: [33, 33, 34, 0, 0],
      epochs: 6,
      weightsAt: (e) => (e === 2 ? [S1, S1, S2] : all(S1)),
      bonds: indexed([
        [
          [0.1013, 0],
          [0.1013, 0],
          [0.1013, 0],
        ],
        [
          [0.1924, 0],
          [0.1924, 0],
          [0.1924, 0],
        ],
        [
          [0.2742, 0],
          [0.2742, 0],
          [0.1715, 0.2987],
        ],
        [
          [0.3478, 0],
          [0.3478, 0],
          [0.2554, 0.2618],
        ],
        [
          [0.4139, 0],
          [0.4139, 0],
          [0.3309, 0.2312],
        ],
        [
          [0.4733, 0],
          [0.4733, 0],
          [0.3987, 0.2051],
        ],
      ]),
      dividends: indexed([
        [0.33, 0.33, 0.34, 0, 0],
        [0.33, 0.33, 0.34, 0, 0],
        [0.3782, 0.3782, 0.2436, 0, 0],
        [0.3628, 0.3628, 0.2745, 0, 0],
        [0.3541, 0.3541, 0.2917, 0, 0],
        [0.3487, 0.3487, 0.3026, 0, 0],
      ]),
    });
  });

  it("test_yuma_3_stable_miner: three servers, one of them weighted by everybody throughout", () => {
    const a = [HALF, 0, HALF];
    const b = [0, HALF, HALF];
    play({
      stakes: [8, 1, 1, 0, 0, 0],
      epochs: 6,
      weightsAt: (e) => [all(a), [a, b, a], [b, b, a], all(b)][e],
      bonds: indexed([
        [
          [0.0507, 0, 0.0507],
          [0.0507, 0, 0.0507],
          [0.0507, 0, 0.0507],
        ],
        [
          [0.0962, 0, 0.0962],
          [0.0455, 0.1, 0.0962],
          [0.0962, 0, 0.0962],
        ],
        [
          [0.0863, 0.0507, 0.1371],
          [0.0408, 0.1405, 0.1371],
          [0.177, 0, 0.1371],
        ],
        [
          [0.0774, 0.0962, 0.1739],
          [0.0367, 0.177, 0.1739],
          [0.1579, 0.0507, 0.1739],
        ],
        [
          [0.0694, 0.1371, 0.2069],
          [0.0329, 0.2097, 0.2069],
          [0.1411, 0.0962, 0.2069],
        ],
        [
          [0.0623, 0.1739, 0.2366],
          [0.0296, 0.2391, 0.2366],
          [0.1263, 0.1371, 0.2366],
        ],
      ]),
      dividends: indexed([
        [0.8, 0.1, 0.1, 0, 0, 0],
        [0.8226, 0.0745, 0.1028, 0, 0, 0],
        [0.775, 0.1685, 0.0565, 0, 0, 0],
        [0.7864, 0.1372, 0.0764, 0, 0, 0],
        [0.7912, 0.1241, 0.0847, 0, 0, 0],
        [0.7937, 0.1173, 0.089, 0, 0, 0],
      ]),
    });
  });

  it("test_yuma_3_bonds_reset: bonds to a server are cleared at epoch 20, then the validators switch back", () => {
    play({
      stakes: [8, 1, 1, 0, 0],
      epochs: 41,
      weightsAt: (e) =>
        e === 0 ? all(S1) : e === 1 ? [S1, S2, S2] : e <= 20 ? all(S2) : e === 21 ? [S2, S1, S1] : all(S1),
      resetBondsTo: new Map([[20, 3]]),
      bonds: new Map([
        [
          0,
          [
            [0.1013, 0],
            [0.1013, 0],
            [0.1013, 0],
          ],
        ],
        [
          1,
          [
            [0.1924, 0],
            [0.0908, 0.2987],
            [0.0908, 0.2987],
          ],
        ],
        [
          2,
          [
            [0.1715, 0.1013],
            [0.0815, 0.3697],
            [0.0815, 0.3697],
          ],
        ],
        [
          19,
          [
            [0.0269, 0.8539],
            [0.0131, 0.8975],
            [0.0131, 0.8975],
          ],
        ],
        [
          20,
          [
            [0, 0.8687],
            [0, 0.9079],
            [0, 0.9079],
          ],
        ],
        [
          21,
          [
            [0, 0.882],
            [0.2987, 0.6386],
            [0.2987, 0.6386],
          ],
        ],
        [
          40,
          [
            [0.8687, 0.0578],
            [0.9079, 0.0523],
            [0.9079, 0.0523],
          ],
        ],
      ]),
      dividends: new Map([
        [0, [0.8, 0.1, 0.1, 0, 0]],
        [1, [0.8944, 0.0528, 0.0528, 0, 0]],
        [2, [0.523, 0.2385, 0.2385, 0, 0]],
        [19, [0.7919, 0.104, 0.104, 0, 0]],
        [20, [0.7928, 0.1036, 0.1036, 0, 0]],
        [21, [0.8467, 0.0766, 0.0766, 0, 0]],
        [40, [0.7928, 0.1036, 0.1036, 0, 0]],
      ]),
    });
  });
});
