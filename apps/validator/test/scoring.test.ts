import type { RoundRecord } from "@apex/db";
import { describe, expect, it } from "vitest";
import {
  apexTotals,
  goldStandardTotals,
  mergeRewards,
  parseWindow,
  referenceAccuracy,
  rewardsToVector,
  sanitizeRewards,
  vectorToU16,
} from "../src/index.js";

const mg = (hotkeys: string[]) => ({ neurons: hotkeys.map((hotkey, uid) => ({ uid, hotkey })) });

function round(
  kind: "reference" | "generator",
  gen: string,
  g: number,
  discs: Array<[string, boolean]>,
): RoundRecord {
  const n = discs.length;
  return {
    id: Math.random().toString(36),
    createdAt: 1,
    kind,
    groundTruth: kind === "reference" ? 0 : 1,
    query: "q",
    shownText: "t",
    generatorHotkey: gen,
    generatorUid: null,
    generatorLatencyMs: null,
    generatorScore: g,
    referenceFailed: false,
    discriminators: discs.map(([hotkey, correct], uid) => ({
      hotkey,
      uid,
      answer: correct ? "x" : null,
      correct,
      score: correct ? 1 / n : 0,
      latencyMs: 1,
    })),
  };
}

describe("rewards → weights", () => {
  it("maps totals to every uid, drops hotkeys gone from the metagraph, zeros elsewhere", () => {
    const v = rewardsToVector(
      new Map([
        ["a", 2],
        ["gone", 5],
        ["c", 1],
      ]),
      mg(["a", "b", "c"]),
    );
    expect(v).toEqual({ uids: [0, 1, 2], values: [2, 0, 1] });
    expect(vectorToU16(v)).toEqual({ uids: [0, 2], weights: [65535, 32768] });
  });

  it("sends the burn share to the owner's uid", () => {
    const v = rewardsToVector(
      new Map([
        ["a", 3],
        ["b", 1],
      ]),
      mg(["owner", "a", "b"]),
      { burnShare: 0.5, ownerHotkey: "owner" },
    );
    expect(v.values).toEqual([0.5, 0.375, 0.125]);
    const none = rewardsToVector(new Map(), mg(["owner", "a"]), { burnShare: 0.2, ownerHotkey: "owner" });
    expect(none.values).toEqual([1, 0]);
    expect(() => rewardsToVector(new Map(), mg(["a"]), { burnShare: 0.2, ownerHotkey: "x" })).toThrow(
      /owner/,
    );
  });

  it("gold-standard scales discriminator pay by accuracy on reference rounds, generators unchanged", () => {
    const rounds = [
      round("reference", "Validator", 0.5, [
        ["good", true],
        ["bad", false],
      ]),
      round("generator", "gen", 0.0, [
        ["good", true],
        ["bad", true],
      ]),
      round("generator", "gen", 0.5, [
        ["good", true],
        ["new", false],
      ]),
    ];
    expect(referenceAccuracy(rounds).get("good")).toEqual({ correct: 1, sampled: 1 });
    const plain = apexTotals(rounds);
    const gold = goldStandardTotals(rounds);
    expect(plain.get("bad")).toBeCloseTo(0.5);
    expect(gold.get("bad")).toBe(0); // never right on a reference: paid nothing
    expect(gold.get("good")).toBeCloseTo(plain.get("good")!);
    expect(gold.get("gen")).toBeCloseTo(plain.get("gen")!);
    expect(gold.has("Validator")).toBe(false);
  });

  it("parses windows", () => {
    expect(parseWindow("22h")).toBe(22 * 3_600_000);
    expect(parseWindow("90m")).toBe(5_400_000);
    expect(parseWindow("2")).toBe(7_200_000);
    expect(() => parseWindow("soon")).toThrow(/22h/);
  });
});

describe("weight syncer merge", () => {
  it("is the stake-weighted average of upstream's example", () => {
    const merged = mergeRewards(
      new Map([
        ["m1", 0.9],
        ["m2", 0.1],
      ]),
      1000,
      [{ hotkey: "v", stake: 2000, rewards: { m1: 0.85, m2: 0.82, m3: 0.7 } }],
    );
    expect(merged.get("m1")).toBeCloseTo(0.8667, 4);
    expect(merged.get("m2")).toBeCloseTo(0.58, 4);
    expect(merged.get("m3")).toBeCloseTo(0.4667, 4);
  });

  it("falls back to our own totals without stake, and drops junk from peers", () => {
    const own = new Map([["a", 1]]);
    expect(mergeRewards(own, 0, [])).toEqual(own);
    expect(sanitizeRewards({ a: 1, b: -1, c: "2", d: "x", e: null })).toEqual({ a: 1, c: 2 });
    expect(sanitizeRewards([1, 2])).toEqual({});
  });
});
