// The miner's compact WordNet glossary must answer exactly as @apex/llm's lexicon would, so the offline generator
// writes the same texts as before.
import { lexicon } from "@apex/llm";
import { describe, expect, it } from "vitest";
import { defaultGlossary, loadGlossaryMap } from "../src/strategies/generators.js";

describe("the compact glossary", () => {
  it("has the same lemmas and glosses as @apex/llm's lexicon", () => {
    const ours = loadGlossaryMap();
    const { byLemma } = lexicon();
    expect(ours.size).toBe(byLemma.size);
    expect(ours.size).toBeGreaterThan(50_000);
    for (const [k, e] of byLemma) {
      if (ours.get(k) !== e.gloss) expect({ k, gloss: ours.get(k) }).toEqual({ k, gloss: e.gloss });
    }
  });

  it("looks words up as before (plural falls back to the singular)", () => {
    const g = defaultGlossary();
    const { byLemma } = lexicon();
    for (const w of ["river", "rivers", "erosion", "glaciers", "ice cream", "zzzz", "s"]) {
      const want = (byLemma.get(w) ?? (w.endsWith("s") ? byLemma.get(w.slice(0, -1)) : undefined))?.gloss;
      expect(g(w)).toBe(want);
    }
    expect(g("river")).toMatch(/stream/);
  });
});
