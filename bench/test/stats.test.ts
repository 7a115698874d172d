import { describe, expect, it } from "vitest";
import { loadBenchConfig } from "../src/config.js";
import { formatRatio, growthExponent, interleaved, median, ratio } from "../src/stats.js";

describe("bench helpers", () => {
  it("takes medians of odd and even counts without reordering the input", () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/empty/);
  });

  it("formats ratios and refuses missing baselines", () => {
    expect(formatRatio(ratio(3, 2))).toBe("1.50×");
    expect(formatRatio(12.345)).toBe("12.3×");
    expect(formatRatio(250.4)).toBe("250×");
    expect(formatRatio(ratio(1, 0))).toBe("n/a");
  });

  it("fits the growth exponent of a power law", () => {
    expect(growthExponent([256, 1024, 4096], [2, 32, 512])).toBeCloseTo(2, 10);
    expect(() => growthExponent([8, 8], [1, 2])).toThrow(/distinct/);
  });

  it("interleaves subjects round by round", async () => {
    const order: string[] = [];
    const out = await interleaved(3, {
      a: async () => {
        order.push("a");
        return 1;
      },
      b: async () => {
        order.push("b");
        return 2;
      },
    });
    expect(order).toEqual(["a", "b", "a", "b", "a", "b"]);
    expect(out).toEqual({ a: [1, 1, 1], b: [2, 2, 2] });
  });

  it("rejects unknown benchmark names and too few repeats", () => {
    expect(loadBenchConfig([], {}).benches).toHaveLength(6);
    expect(loadBenchConfig(["yuma"], { BENCH_QUICK: "1" })).toMatchObject({ benches: ["yuma"], quick: true });
    expect(() => loadBenchConfig(["minr"], {})).toThrow(/unknown benchmark "minr"/);
    expect(() => loadBenchConfig([], { BENCH_REPEATS: "2" })).toThrow(/≥ 3/);
  });
});
