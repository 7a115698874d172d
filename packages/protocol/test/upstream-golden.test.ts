// Golden vectors measured on upstream itself. fixtures/upstream-parse.json and fixtures/upstream-u16.json were
// made by scripts/golden/upstream_vectors.py, which imports Apex v3.0.6 and bittensor 9.9.0 (the SDK version
// Apex v3.0.6 pins) from checkouts given on its command line and runs:
//   - MinerSampler.query_discriminators over real HTTP (aiohttp) against a local server replying with each body
//     (bytes + Content-Type as recorded in the fixture); "answer" is what upstream stored, "drop_round" means the
//     call raised (TypeError) and upstream lost the whole round;
//   - bittensor.utils.weight_utils.convert_and_normalize_weights_and_uids on random reward lists.
// No upstream code is committed; rerun the script to remake the fixtures.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  DropRoundError,
  decodeReplyBody,
  parseDiscriminatorAnswer,
  readDiscriminatorReply,
  toU16Weights,
} from "../src/index.js";

interface ParseVector {
  name: string;
  body_base64: string;
  content_type: string;
  drop_round: boolean;
  answer?: string;
  score?: number;
}
interface U16Vector {
  uids: number[];
  weights: number[];
  expected: { uids: number[]; u16: number[] };
}

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as T;
const parse = fixture<{ bodies: ParseVector[] }>("upstream-parse.json").bodies;
const u16 = fixture<{ cases: U16Vector[] }>("upstream-u16.json").cases;

/** Upstream stores "None" for no reply and "" for an empty content; we store null for both. */
function upstreamStored(answer: string | null): string[] {
  return answer === null ? ["None", ""] : [answer];
}

describe("discriminator replies: the same reading as upstream's query_discriminators", () => {
  it("covers the bodies the parity issue lists", () => {
    const names = parse.map((b) => b.name).join("\n");
    for (const needle of [
      "BOM",
      "NaN",
      "Infinity",
      "choices null",
      "choices number",
      "choices true",
      "nested",
    ])
      expect(names).toContain(needle);
    expect(names).toMatch(/not UTF-8/);
    expect(names).toMatch(/whitespace/);
  });

  for (const v of parse) {
    it(v.name, () => {
      const text = decodeReplyBody(Buffer.from(v.body_base64, "base64"), v.content_type);
      const reading = readDiscriminatorReply(text);
      if (v.drop_round) {
        expect(reading.kind).toBe("drop-round");
        expect(() => parseDiscriminatorAnswer(text, "upstream")).toThrow(DropRoundError);
        // Our default: the round stands and this reply is simply wrong.
        const safe = parseDiscriminatorAnswer(text, "safe");
        expect(safe === "0" || safe === "1").toBe(false);
        return;
      }
      expect(reading.kind).toBe("answer");
      const answer = reading.kind === "answer" ? reading.answer : null;
      expect(upstreamStored(answer)).toContain(v.answer);
      // Correctness (ground truth 1 in the measurement) must agree exactly.
      expect(answer === "1").toBe((v.score ?? 0) > 0);
      expect(parseDiscriminatorAnswer(text, "upstream")).toBe(answer);
    });
  }
});

describe("u16 conversion: bittensor 9.9.0 convert_and_normalize_weights_and_uids", () => {
  it("float32 (the SDK's list path) matches every vector", () => {
    const bad = u16.filter((c) => {
      const got = toU16Weights(c.uids, c.weights, "float32");
      return JSON.stringify(got) !== JSON.stringify({ uids: c.expected.uids, weights: c.expected.u16 });
    });
    expect(bad.length).toBe(0);
  });

  it("float64 does not (the reason the upstream profile converts through float32)", () => {
    const differ = u16.filter((c) => {
      const got = toU16Weights(c.uids, c.weights, "float64");
      return JSON.stringify(got.weights) !== JSON.stringify(c.expected.u16);
    });
    // 23 of the 241 fixed vectors (the figure docs/protocol.md quotes).
    expect(differ.length).toBe(23);
  });
});
