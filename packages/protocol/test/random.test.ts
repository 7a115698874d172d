import { describe, expect, it } from "vitest";
import { fnv1a32, itemAt, mulberry32, pickWith } from "../src/random.js";

describe("fnv1a32", () => {
  it("gives the published FNV-1a 32-bit values (ASCII input, one code unit per byte)", () => {
    // Test vectors of the FNV reference (Fowler/Noll/Vo): "", "a", "foobar".
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });
});

describe("mulberry32", () => {
  it("replays the same sequence from the same seed and another from another", () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const seqA = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(seqA);
    expect(mulberry32(8)()).not.toBe(seqA[0]);
    for (const x of seqA) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe("itemAt and pickWith (the one home for 'an item of a list the code knows is full')", () => {
  it("draw items[⌊rnd()·n⌋] with one call of rnd, as every seeded picker did before", () => {
    const draws = [0, 0.5, 0.999];
    let calls = 0;
    const rnd = () => draws[calls++] ?? 0;
    expect([
      pickWith(rnd, ["a", "b", "c"]),
      pickWith(rnd, ["a", "b", "c"]),
      pickWith(rnd, ["a", "b", "c"]),
    ]).toEqual(["a", "b", "c"]);
    expect(calls).toBe(3);
  });

  it("name what is missing instead of returning undefined", () => {
    expect(() => pickWith(() => 0.3, [], "topics")).toThrow("topics: no item at 0 of 0");
    expect(() => itemAt(["x"], 1, "terms")).toThrow("terms: no item at 1 of 1");
    expect(itemAt(["x", "y"], 1)).toBe("y");
  });
});
