// validateRound refuses each malformed field by name before anything touches the DB, and accepts the edges
// (createdAt 0, a null latency, a null answer). Mutation testing found these checks reachable by no test.
import { describe, expect, it } from "vitest";
import { countedFlags, type RoundRecord, validateRound } from "../src/index.js";
import { makeRound } from "./fixtures.js";

const good = (): RoundRecord =>
  makeRound("r", 1_000, "hkG", [
    ["hkA", "1"],
    ["hkB", null],
  ]);
const bad = (edit: (r: Record<string, unknown>) => void): RoundRecord => {
  const r = good() as unknown as Record<string, unknown>;
  edit(r);
  return r as unknown as RoundRecord;
};
const disc = (i: number, edit: (d: Record<string, unknown>) => void) =>
  bad((r) => edit((r["discriminators"] as Array<Record<string, unknown>>)[i]!));

describe("validateRound", () => {
  it("accepts a whole round and its edges: createdAt 0, no generator latency, a null answer", () => {
    expect(() => validateRound(good())).not.toThrow();
    expect(() =>
      validateRound(
        bad((r) => {
          r["createdAt"] = 0;
          r["generatorLatencyMs"] = null;
        }),
      ),
    ).not.toThrow();
  });

  it.each<[string, RoundRecord, RegExp]>([
    [
      "empty id",
      bad((r) => {
        r["id"] = "";
      }),
      /id must be a non-empty string/,
    ],
    [
      "numeric id",
      bad((r) => {
        r["id"] = 7;
      }),
      /id must be a non-empty string/,
    ],
    [
      "negative createdAt",
      bad((r) => {
        r["createdAt"] = -1;
      }),
      /createdAt must be a non-negative integer/,
    ],
    [
      "fractional createdAt",
      bad((r) => {
        r["createdAt"] = 1.5;
      }),
      /createdAt must be a non-negative integer/,
    ],
    [
      "unknown kind",
      bad((r) => {
        r["kind"] = "other";
      }),
      /kind must be "reference" or "generator", got "other"/,
    ],
    [
      "groundTruth 2",
      bad((r) => {
        r["groundTruth"] = 2;
      }),
      /groundTruth must be 0 or 1/,
    ],
    [
      "query",
      bad((r) => {
        r["query"] = null;
      }),
      /query must be a string/,
    ],
    [
      "shownText",
      bad((r) => {
        r["shownText"] = 1;
      }),
      /shownText must be a string/,
    ],
    [
      "empty generator",
      bad((r) => {
        r["generatorHotkey"] = "";
      }),
      /generatorHotkey must be a non-empty string \(use "Validator"/,
    ],
    [
      "generator not a string",
      bad((r) => {
        r["generatorHotkey"] = 3;
      }),
      /generatorHotkey must be a non-empty string/,
    ],
    [
      "NaN score",
      bad((r) => {
        r["generatorScore"] = Number.NaN;
      }),
      /generatorScore must be a finite number, got NaN/,
    ],
    [
      "infinite latency",
      bad((r) => {
        r["generatorLatencyMs"] = Number.POSITIVE_INFINITY;
      }),
      /generatorLatencyMs must be a finite number/,
    ],
    [
      "discriminators not an array",
      bad((r) => {
        r["discriminators"] = {};
      }),
      /discriminators must be an array/,
    ],
    [
      "empty discriminator hotkey",
      disc(1, (d) => {
        d["hotkey"] = "";
      }),
      /discriminators\[1\]\.hotkey must be a non-empty string/,
    ],
    [
      "discriminator hotkey not a string",
      disc(0, (d) => {
        d["hotkey"] = 5;
      }),
      /discriminators\[0\]\.hotkey/,
    ],
    [
      "fractional uid",
      disc(1, (d) => {
        d["uid"] = 0.5;
      }),
      /discriminators\[1\]\.uid must be an integer, got 0.5/,
    ],
    [
      "numeric answer",
      disc(0, (d) => {
        d["answer"] = 1;
      }),
      /discriminators\[0\]\.answer must be a string or null/,
    ],
    [
      "NaN discriminator score",
      disc(0, (d) => {
        d["score"] = Number.NaN;
      }),
      /discriminators\[0\]\.score must be a finite number/,
    ],
    [
      "string latency",
      disc(1, (d) => {
        d["latencyMs"] = "5";
      }),
      /discriminators\[1\]\.latencyMs must be a finite number/,
    ],
  ])("refuses %s", (_name, round, message) => {
    expect(() => validateRound(round)).toThrow(message);
    expect(() => validateRound(round)).toThrow(/^invalid round /);
  });
});

describe("countedFlags", () => {
  it("counts a hotkey listed twice once (its last entry), and the real generator never as a discriminator", () => {
    expect(countedFlags("hkA", ["hkA", "hkB"])).toEqual([false, true]);
    expect(countedFlags("Validator", ["hkA", "hkA"])).toEqual([false, true]);
    expect(countedFlags("hkB", ["hkA", "hkB", "hkA"])).toEqual([false, false, true]);
  });
});
