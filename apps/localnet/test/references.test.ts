// Where the localnet's references come from: a recorded corpus is replayed (queries and texts), the LLM pipeline's
// references can be recorded into one, and by default the localnet's own writer (not the miner's training texts).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openResultsStore } from "@apex/db";
import { describe, expect, it, onTestFinished } from "vitest";
import { parseLocalnetArgs, type RunOptions } from "../src/args.js";
import {
  corpusReferenceSource,
  parseCorpus,
  referenceRecorder,
  referenceSourceFor,
  writeReference,
} from "../src/references.js";
import { runLocalnet } from "../src/run.js";

function runOptions(argv: string[]): RunOptions {
  const parsed = parseLocalnetArgs(["run", ...argv]);
  if (parsed.command !== "run") throw new Error("expected run");
  return parsed.options;
}

const CORPUS = [0, 1, 2].map((i) => ({
  query: `Recorded question ${i}: why do tides vary along coastlines? What role does basin shape play?`,
  generation: `Executive Summary\nRecorded reference number ${i} [1].\n\nSources\n[1] Tides - https://tides.example.gov/${i}`,
  label: 0,
}));

describe("localnet references", () => {
  it("a run with --reference-corpus asks the corpus questions and shows the corpus texts as references", async () => {
    const dir = mkdtempSync(join(tmpdir(), "apex-corpus-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const corpus = join(dir, "refs.jsonl");
    const miner = { query: "q", generation: "a miner text, ignored", label: 1 };
    writeFileSync(corpus, `${[...CORPUS, miner].map((e) => JSON.stringify(e)).join("\n")}\n`);
    const lines: string[] = [];
    const report = await runLocalnet(
      runOptions([
        "--virtual",
        "--rounds",
        "12",
        "--miners",
        "3",
        "--seed",
        "3",
        "--no-dashboard",
        "--no-serve-chain",
        "--data-dir",
        dir,
        "--reference-corpus",
        corpus,
      ]),
      { out: (l) => lines.push(l), err: (l) => lines.push(l) },
    );
    expect(report.references).toMatch(/recorded corpus .*refs\.jsonl \(3 references\)/);
    const store = openResultsStore(join(dir, "validator0.db"), { readonly: true });
    try {
      const rounds = store.recentRounds(12);
      expect(rounds).toHaveLength(12);
      const queries = new Set(CORPUS.map((e) => e.query));
      for (const r of rounds) expect(queries.has(r.query)).toBe(true);
      const refRounds = rounds.filter((r) => r.kind === "reference");
      expect(refRounds.length).toBeGreaterThan(0);
      for (const r of refRounds) {
        expect(r.shownText).toBe(CORPUS.find((e) => e.query === r.query)!.generation);
      }
    } finally {
      store.close();
    }
    // The report prints each discriminator's accuracy here next to its held-out figure.
    expect(lines.some((l) => /uid \d+ offline\/learned: [\d.-]+ \| 0\.\d{3}/.test(l))).toBe(true);
    expect(report.neurons.find((n) => n.strategy === "offline/learned")?.heldOutAccuracy).toBeGreaterThan(
      0.9,
    );
  }, 120_000);

  it("replays entries in a seeded order and reads only label-0 lines", async () => {
    const entries = parseCorpus(CORPUS.map((e) => JSON.stringify(e)).join("\n"), "c");
    const a = corpusReferenceSource(entries, 1, "c");
    const b = corpusReferenceSource(entries, 1, "c");
    const seqA: string[] = [];
    const seqB: string[] = [];
    for (let i = 0; i < 6; i++) {
      const q = await a.makeQuery!();
      seqA.push(q);
      seqB.push(await b.makeQuery!());
      expect(await a.research!(q)).toBe(CORPUS.find((e) => e.query === q)!.generation);
    }
    expect(seqA).toEqual(seqB);
    expect(new Set(seqA).size).toBe(3);
    expect(() => parseCorpus('{"query":"q","generation":"g","label":1}', "c")).toThrow(/no references/);
    expect(() => parseCorpus("nope", "c")).toThrow(/c:1 is not JSON/);
  });

  it("records what the LLM pipeline writes, in the corpus format", () => {
    const written: string[] = [];
    const record = referenceRecorder("/x.jsonl", (_p, line) => written.push(line));
    record("why?", "because [1]");
    expect(parseCorpus(written.join(""), "x")).toEqual([{ query: "why?", generation: "because [1]" }]);
    const src = referenceSourceFor({
      referenceCorpus: null,
      recordReferences: "/x.jsonl",
      llmBaseUrl: "http://127.0.0.1:1/v1",
      llmModel: "m",
      seed: 1,
    });
    expect(src.research).toBeUndefined(); // the validator's own research pipeline
    expect(src.recordReference).toBeTypeOf("function");
    expect(() => parseLocalnetArgs(["run", "--record-references", "f"])).toThrow(/--llm-base-url/);
    expect(() =>
      parseLocalnetArgs(["run", "--reference-corpus", "f", "--llm-base-url", "http://x/v1"]),
    ).toThrow(/does not go with/);
  });

  it("the default writer is deterministic, varied, and cited against its own sources list", () => {
    const q = "How do urban heat islands form? Which measures cool streets the most?";
    const a = writeReference(q, 1);
    expect(writeReference(q, 1)).toBe(a);
    expect(writeReference(q, 2)).not.toBe(a);
    const layouts = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => writeReference(q, s).split("\n")[0]));
    expect(layouts.size).toBeGreaterThan(2);
    const cited = new Set([...a.matchAll(/\[(\d+)/g)].map((m) => Number(m[1])));
    const listed = a.slice(a.lastIndexOf("Sources")).split("\n").length - 1;
    for (const n of cited) expect(n).toBeLessThanOrEqual(listed);
    expect(a.split(/\s+/).length).toBeGreaterThan(250);
  });
});
