import {
  APEX_NETUIDS,
  accumulateRow,
  axonVersion,
  MINER_REQUEST_TIMEOUT_MS,
  pyRound,
  scoreRound,
  toU16Weights,
  VirtualClock,
  versionKey,
} from "@apex/protocol";
import { describe, expect, it } from "vitest";

describe("scoreRound (docs/upstream.md § Game formulas: worked examples)", () => {
  it('GT=1, ["1","0"] → d=[0.5,0], g=0.5', () => {
    expect(scoreRound(1, ["1", "0"])).toEqual({
      discriminatorScores: [0.5, 0],
      correct: [true, false],
      generatorScore: 0.5,
    });
  });
  it('GT=0, ["0","1"] → d=[0.5,0], g=0.5 (the Validator\'s, never paid)', () => {
    expect(scoreRound(0, ["0", "1"])).toMatchObject({ discriminatorScores: [0.5, 0], generatorScore: 0.5 });
  });
  it("N counts the sampled, so silence favours the generator", () => {
    const r = scoreRound(1, ["1", null, null, "1."]);
    expect(r.discriminatorScores).toEqual([0.25, 0, 0, 0]);
    expect(r.generatorScore).toBe(0.75);
    expect(scoreRound(1, []).generatorScore).toBe(1);
  });
});

describe("accumulateRow (docs/upstream.md § Window aggregation)", () => {
  it("adds d_i to discriminators and g to the generator, skipping the Validator label", () => {
    const totals = new Map<string, number>();
    accumulateRow(totals, {
      generatorHotkey: "G",
      generatorScore: 0.5,
      discriminatorHotkeys: ["A", "B"],
      discriminatorScores: [0.5, 0],
    });
    accumulateRow(totals, {
      generatorHotkey: "Validator",
      generatorScore: 0.5,
      discriminatorHotkeys: ["A", "B"],
      discriminatorScores: [0.5, 0],
    });
    expect(Object.fromEntries(totals)).toEqual({ G: 0.5, A: 1, B: 0 });
  });
  it("a hotkey that is both generator and discriminator in one row gets the generator value only", () => {
    const totals = new Map<string, number>([["G", 1]]);
    accumulateRow(totals, {
      generatorHotkey: "G",
      generatorScore: 0.5,
      discriminatorHotkeys: ["G", "A"],
      discriminatorScores: [0.5, 0],
    });
    expect(totals.get("G")).toBe(1.5);
    expect(totals.get("A")).toBe(0);
  });
});

describe("toU16Weights (SDK max-upscaling)", () => {
  it("40000 / 25535 → 65535 / 41836 (docs/upstream.md § Weights on chain)", () => {
    expect(toU16Weights([2, 1], [40000, 25535])).toEqual({ uids: [2, 1], weights: [65535, 41836] });
  });
  it("drops zeros, empties an all-zero vector, refuses bad input", () => {
    expect(toU16Weights([0, 1, 2], [0, 3, 1e-9])).toEqual({ uids: [1], weights: [65535] });
    expect(toU16Weights([0, 1], [0, 0])).toEqual({ uids: [], weights: [] });
    expect(() => toU16Weights([0], [-1])).toThrow(/≥ 0/);
    expect(() => toU16Weights([0], [Number.NaN])).toThrow();
    expect(() => toU16Weights([0, 1], [1])).toThrow(/2 uids but 1 values/);
    expect(() => toU16Weights([70000], [1])).toThrow(/uids/);
  });
  it("rounds halves to even as Python's round()", () => {
    expect([0.5, 1.5, 2.5, -0.5, 2.4, 2.6].map(pyRound)).toEqual([0, 2, 2, -0, 2, 3]);
    // 1/2 · 65535 = 32767.5 → 32768 (even) both ways; 3/2·… is not a half; check a real half-way value:
    expect(toU16Weights([0, 1], [2, 1]).weights).toEqual([65535, 32768]);
  });
});

describe("constants", () => {
  it("version keys and network facts", () => {
    expect(versionKey("3.0.6")).toBe(30006);
    expect(versionKey("3.0.7")).toBe(30007);
    expect(versionKey("10.2.13")).toBe(100213);
    expect(versionKey()).toBe(30006);
    expect(axonVersion("9.9.0")).toBe(9009000);
    expect(() => versionKey("v3")).toThrow(/semantic version/);
    expect(APEX_NETUIDS).toEqual({ finney: 1, test: 61 });
    expect(MINER_REQUEST_TIMEOUT_MS).toBe(20_000);
  });
});

describe("VirtualClock", () => {
  it("moves only when told, waking sleepers in time order", async () => {
    const clock = new VirtualClock(1_000);
    const woke: string[] = [];
    const a = clock.sleep(300).then(() => woke.push(`a@${clock.now()}`));
    const b = clock.sleep(100).then(() => woke.push(`b@${clock.now()}`));
    const c = clock.sleep(100).then(() => woke.push(`c@${clock.now()}`));
    expect(clock.nextWake()).toBe(1_100);
    clock.advance(99);
    await Promise.resolve();
    expect(woke).toEqual([]);
    clock.advanceTo(1_300);
    await Promise.all([a, b, c]);
    expect(woke).toEqual(["b@1300", "c@1300", "a@1300"]);
    expect(clock.nextWake()).toBeUndefined();
    expect(() => clock.advanceTo(1_000)).toThrow(/cannot go back/);
  });
  it("an aborted sleep rejects and no longer counts as a sleeper", async () => {
    const clock = new VirtualClock(0);
    const ctl = new AbortController();
    const p = clock.sleep(50, ctl.signal);
    ctl.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    expect(clock.nextWake()).toBeUndefined();
    await expect(clock.sleep(1, AbortSignal.abort(new Error("already")))).rejects.toThrow("already");
  });
});
