// The fast textStats must compute exactly what the regex formulation computes: same numbers, so the learned and
// heuristic discriminators give the same answers as before. Checked on the texts the miner sees (validator
// references, miner texts of every shape) and on random strings built from the characters the regexes care about.
import { beforeAll, describe, expect, it } from "vitest";
import { llmStrategyDeps } from "../src/llm-bridge.js";
import { type Example, makeDataset, offlineGeneration, textStats } from "../src/strategies/index.js";
import { mulberry32 } from "../src/strategies/types.js";
import { textStatsReference } from "./features-reference.js";

const deps = llmStrategyDeps(3);
let data: Example[];

beforeAll(async () => {
  data = await makeDataset({ examples: 200, seed: 99, ...deps });
});

// Pieces the regexes of textStats react to: line ends, blanks of every kind, headings, citations, list markers,
// Markdown, URLs, case-folding traps (Kelvin sign, long s, dotted I) and plain words.
const PIECES = [
  "\n",
  "\r\n",
  "\r",
  "\n\n",
  " ",
  "\t",
  "\u00a0",
  "\u2028",
  "\u3000",
  "\ufeff",
  "\u180e",
  "#",
  "## ",
  "######",
  "####### ",
  "**",
  "__",
  "```",
  "*",
  "-",
  "\u2022",
  "[",
  "]",
  "[1]",
  "[12]",
  "[123]",
  "[1234]",
  "1.",
  "2)",
  "7",
  ".",
  "!",
  "?",
  ",",
  "'",
  "{",
  "http://x.org/a",
  "https://",
  "httpss://b",
  "Executive Summary",
  "key findings",
  "EVIDENCE",
  "Limitations:",
  "**Conclusion**",
  "Sources",
  "references",
  "Sources:",
  "\u212a",
  "\u017f",
  "\u0130",
  "the",
  "rivers",
  "meander",
  "Plain",
  "words",
];

function randomText(rnd: () => number): string {
  const n = Math.floor(rnd() * 60);
  let s = "";
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rnd() * PIECES.length)]!;
  return s;
}

describe("textStats (fast) equals the regex formulation", () => {
  it("on validator references and miner texts of every shape", () => {
    expect(data.length).toBe(200);
    for (const e of data)
      expect(textStats(e.query, e.generation)).toEqual(textStatsReference(e.query, e.generation));
    const q = "How does soil erosion affect river sediment and farm yields?";
    for (let seed = 0; seed < 50; seed++) {
      const t = offlineGeneration(q, seed, deps.glossary);
      expect(textStats(q, t)).toEqual(textStatsReference(q, t));
      // The same texts with Windows line ends and trailing blanks.
      const crlf = `${t.replace(/\n/g, "\r\n")}  \r`;
      expect(textStats(q, crlf)).toEqual(textStatsReference(q, crlf));
    }
  });

  it("on 20 000 random strings of the characters the regexes react to", () => {
    const rnd = mulberry32(7);
    for (let i = 0; i < 20_000; i++) {
      const t = randomText(rnd);
      const q = randomText(rnd);
      const fast = textStats(q, t);
      const ref = textStatsReference(q, t);
      if (JSON.stringify(fast) !== JSON.stringify(ref))
        expect({ text: t, ...fast }).toEqual({ text: t, ...ref });
    }
  });

  it("treats every UTF-16 code unit as the regexes do (blank, digit, letter or other)", () => {
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      const t = `x.${ch}Key Findings${ch}\n${ch}# ${ch}[1]${ch}http://a${ch}b\n${ch}\n${ch}`;
      const fast = textStats("", t);
      const ref = textStatsReference("", t);
      if (JSON.stringify(fast) !== JSON.stringify(ref)) expect({ c, ...fast }).toEqual({ c, ...ref });
    }
  });

  it("empty and blank texts", () => {
    for (const t of ["", " ", "\n", "\r\n\r\n", "\u00a0\n\t"])
      expect(textStats("q", t)).toEqual(textStatsReference("q", t));
  });
});
