import {
  encodeRequestBody,
  isCorrectAnswer,
  parseDiscriminatorAnswer,
  parseMinerRequest,
  parseMinerRequestBody,
  pyStrip,
} from "@apex/protocol";
import { describe, expect, it } from "vitest";

const openai = (content: unknown) => JSON.stringify({ choices: [{ message: { content } }] });

describe("discriminator answer parsing (docs/upstream.md § Miner replies)", () => {
  // [body, parsed answer, correct when GT=0, correct when GT=1]
  const table: Array<[string | null, string | null, boolean, boolean]> = [
    [openai("0"), "0", true, false],
    [openai("1"), "1", false, true],
    [openai(" 1\n"), "1", false, true],
    ["0", "0", true, false],
    ["1", "1", false, true],
    [" 1\n", "1", false, true],
    ["1.", "1.", false, false],
    ["", null, false, false],
    [null, null, false, false],
    ["invalid json", "invalid json", false, false],
    ["1", "1", false, true], // the bare JSON number 1: not an object, so the raw body counts
    ['"1"', '"1"', false, false], // a JSON string keeps its quotes, as in Python
    [openai(1), openai(1), false, false], // non-string content falls back to the raw body
    ["[1]", "[1]", false, false],
    [JSON.stringify({ choices: [] }), JSON.stringify({ choices: [] }), false, false],
    // choices as an object: Python's [0] raises KeyError, so the raw body counts
    [
      JSON.stringify({ choices: { 0: { message: { content: "1" } } } }),
      JSON.stringify({ choices: { 0: { message: { content: "1" } } } }),
      false,
      false,
    ],
    [JSON.stringify({ answer: "1" }), null, false, false], // .get defaults: no choices → ""
    ["   ", null, false, false],
    ["\x1f1\x85", "1", false, true], // Python strips \x1f and \x85, JS trim() does not
    ["\ufeff1", "\ufeff1", false, false], // and JS trims the BOM, Python does not
    ["miner", "miner", false, false],
    ["0.8", "0.8", false, false],
  ];
  it.each(table)("%j → %j", (body, parsed, ok0, ok1) => {
    const answer = parseDiscriminatorAnswer(body);
    expect(answer).toBe(parsed);
    expect(isCorrectAnswer(answer, 0)).toBe(ok0);
    expect(isCorrectAnswer(answer, 1)).toBe(ok1);
  });

  it("pyStrip uses Python's whitespace set", () => {
    expect(pyStrip("\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u3000x\u2028")).toBe("x");
    expect(pyStrip("\ufeffx")).toBe("\ufeffx");
  });
});

describe("request bodies (docs/upstream.md § Miner requests)", () => {
  it("encodes byte-for-byte like Python's json.dumps", () => {
    expect(encodeRequestBody({ step: "generator", query: "What is 2+2?" })).toBe(
      '{"step": "generator", "query": "What is 2+2?"}',
    );
    expect(encodeRequestBody({ step: "discriminator", query: "q", generation: 'a "b"\n\tc/d' })).toBe(
      '{"step": "discriminator", "query": "q", "generation": "a \\"b\\"\\n\\tc/d"}',
    );
    // json.dumps(ensure_ascii=True): non-ASCII and DEL as \uXXXX (lowercase), astral as a surrogate pair.
    expect(encodeRequestBody({ step: "generator", query: "café \x7f ✓ 😀 \x01" })).toBe(
      '{"step": "generator", "query": "caf\\u00e9 \\u007f \\u2713 \\ud83d\\ude00 \\u0001"}',
    );
  });

  it("parses both steps, and a step-less body with generation as a discriminator request", () => {
    expect(parseMinerRequest({ step: "generator", query: "q" })).toEqual({
      ok: true,
      request: { step: "generator", query: "q" },
    });
    expect(parseMinerRequest({ step: "discriminator", query: "q", generation: "g" })).toMatchObject({
      ok: true,
      request: { step: "discriminator", generation: "g" },
    });
    expect(parseMinerRequest({ query: "q", generation: "g" })).toMatchObject({
      ok: true,
      request: { step: "discriminator" },
    });
  });

  it("refuses an unknown step naming the accepted values, and other bad bodies clearly", () => {
    const r = parseMinerRequest({ step: "judge", query: "q" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/"generator", "discriminator".*"judge"/);
    expect(parseMinerRequest({ query: "q" })).toMatchObject({
      ok: false,
      error: expect.stringContaining("step"),
    });
    expect(parseMinerRequest({ step: "generator" })).toMatchObject({
      ok: false,
      error: "query must be a string",
    });
    expect(parseMinerRequest({ step: "discriminator", query: "q" })).toMatchObject({ ok: false });
    expect(parseMinerRequest([1])).toMatchObject({ ok: false });
    expect(parseMinerRequestBody("{oops")).toMatchObject({
      ok: false,
      error: expect.stringContaining("JSON"),
    });
    expect(parseMinerRequestBody(new Uint8Array([0x7b, 0xff, 0x7d]))).toMatchObject({
      ok: false,
      error: expect.stringContaining("UTF-8"),
    });
    const bytes = new TextEncoder().encode(encodeRequestBody({ step: "generator", query: "café" }));
    expect(parseMinerRequestBody(bytes)).toEqual({ ok: true, request: { step: "generator", query: "café" } });
  });
});
