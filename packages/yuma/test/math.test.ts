// Golden cases from subtensor's pallets/subtensor/src/tests/math.rs @ 14bc6f9f (test names cited per case).
import { describe, expect, it } from "vitest";
import { colClip, interpolate, isTopkNonzero, weightedMedian, weightedMedianCol } from "../src/index.js";

describe("golden: subtensor math tests", () => {
  it("test_math_weighted_median_col", () => {
    expect(
      weightedMedianCol(
        [0, 0],
        [
          [0, 0],
          [0, 0],
        ],
        0.5,
      ),
    ).toEqual([0, 0]);
    const w1 = [
      [0, 0.1, 0],
      [0, 0.2, 0.4],
      [0, 0.3, 0.1],
      [0, 0.4, 0.5],
    ];
    const s1 = [0, 0.75, 0.25, 0];
    expect(weightedMedianCol(s1, w1, 0.24)).toEqual([0, 0.3, 0.4]);
    expect(weightedMedianCol(s1, w1, 0.26)).toEqual([0, 0.2, 0.4]);
    expect(weightedMedianCol(s1, w1, 0.76)).toEqual([0, 0.2, 0.1]);
    const w2 = [
      [0, 0.1, 0],
      [0, 0.2, 0.4],
      [0, 0.3, 0.1],
      [0, 0, 0.5],
    ];
    expect(weightedMedianCol([0, 0.3, 0.2, 0.5], w2, 0.51)).toEqual([0, 0, 0.4]);
  });

  it("test_math_weighted_median (deterministic cases)", () => {
    const wm = (stake: number[], score: number[], majority: number) =>
      weightedMedian(
        stake,
        score,
        1 - majority,
        0,
        stake.reduce((a, b) => a + b, 0),
      );
    expect(wm([], [], 0.51)).toBe(0);
    expect(wm([1], [1], 0.51)).toBe(1);
    expect(wm([0.49, 0.51], [0.5, 1], 0.51)).toBe(1);
    expect(wm([0.51, 0.49], [0.5, 1], 0.51)).toBe(0.5);
  });

  it("test_math_is_topk (on non-zero vectors, where is_topk_nonzero agrees)", () => {
    const up = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(isTopkNonzero(up, 0)).toEqual(new Array(10).fill(false));
    expect(isTopkNonzero(up, 5)).toEqual([false, false, false, false, false, true, true, true, true, true]);
    expect(isTopkNonzero(up, 10)).toEqual(new Array(10).fill(true));
    expect(isTopkNonzero(up, 100)).toEqual(new Array(10).fill(true));
    expect(isTopkNonzero([0.9, 0.05, 0.8, 0.1, 0.7, 0.2, 0.6, 0.3, 0.5, 0.4], 5)).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
    // Zero stake never gets a permit, even when there is room.
    expect(isTopkNonzero([0, 3, 0, 1], 10)).toEqual([false, true, false, true]);
  });

  it("col clip and interpolate follow their definitions", () => {
    expect(
      colClip(
        [
          [0.5, 0.2],
          [0.1, 0.9],
        ],
        [0.3, 0.4],
      ),
    ).toEqual([
      [0.3, 0.2],
      [0.1, 0.4],
    ]);
    const a = [[0, 1]];
    const b = [[1, 0]];
    expect(interpolate(a, b, 0)).toEqual(a);
    expect(interpolate(a, b, 1)).toEqual(b);
    expect(interpolate(a, b, 0.25)).toEqual([[0.25, 0.75]]);
  });
});
