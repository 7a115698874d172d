import {
  classifyPrompt,
  finalReportPrompt,
  makeQuery,
  OfflineBackend,
  OfflineWebSearch,
  offlineReport,
  parseAgentStep,
  queryPrompt,
  REPORT_SECTIONS,
  researchReportPrompt,
  researchStepPrompt,
  seededRandom,
  vocabulary,
} from "@apex/llm";
import { describe, expect, it } from "vitest";

const QUESTION =
  "A river delta is losing land each year. Dams upstream trap sediment, and sea level is rising. " +
  "Which cause matters more over fifty years, and how would you tell them apart?";

function sentences(text: string): number {
  return text.split(/(?<=[.?!])\s+/).filter((s) => s.trim().length > 0).length;
}

/**
 * Checks the report form of docs/upstream.md § Reference report: five sections in order, [n] citations, a
 * Sources list.
 */
function expectReportForm(report: string): void {
  let at = -1;
  for (const h of REPORT_SECTIONS) {
    const i = report.indexOf(`${h}\n`);
    expect(i, `section ${h}`).toBeGreaterThan(at);
    at = i;
  }
  const sourcesAt = report.lastIndexOf("\nSources\n");
  expect(sourcesAt).toBeGreaterThan(at);
  const listed = report
    .slice(sourcesAt)
    .split("\n")
    .map((l) => /^\[(\d+)\] .+ — (https?:\/\/\S+)$/.exec(l))
    .filter((m) => m !== null);
  expect(listed.length).toBeGreaterThan(0);
  const body = report.slice(0, sourcesAt);
  const cited = [...body.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
  expect(cited.length).toBeGreaterThan(2);
  // Every citation refers to a listed source.
  const numbers = new Set(listed.map((m) => Number(m![1])));
  for (const n of cited) expect(numbers.has(n)).toBe(true);
  expect(report.trim().startsWith("{")).toBe(false);
}

describe("seededRandom", () => {
  it("is reproducible per seed and differs across seeds", () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    const c = seededRandom(8);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    expect(seededRandom("abc")()).toBe(seededRandom("abc")());
  });
});

describe("vocabulary", () => {
  it("is the shipped word list, loaded once", () => {
    const v = vocabulary();
    expect(v.length).toBeGreaterThan(200_000);
    expect(v).toContain("river");
    expect(vocabulary()).toBe(v);
  });
});

describe("classifyPrompt", () => {
  it("recognises our prompts and generic wording", () => {
    expect(classifyPrompt(queryPrompt("some context")[0]!.content)).toBe("query");
    expect(
      classifyPrompt(
        researchStepPrompt({ question: "q", notes: [], sources: [], step: 1, maxSteps: 20 })[0]!.content,
      ),
    ).toBe("step");
    expect(classifyPrompt(finalReportPrompt({ question: "q", notes: [], sources: [] })[0]!.content)).toBe(
      "report",
    );
    expect(classifyPrompt(researchReportPrompt("q")[0]!.content)).toBe("report");
    expect(classifyPrompt("Reply in JSON: use websearch or give final_answer")).toBe("step");
    expect(classifyPrompt("What is the capital of France?")).toBe("answer");
  });
});

describe("OfflineBackend", () => {
  it("is deterministic for the same messages and seed, and varies with the seed", async () => {
    const msgs = researchReportPrompt(QUESTION);
    const a = await new OfflineBackend({ seed: 1 }).complete(msgs);
    expect(await new OfflineBackend({ seed: 1 }).complete(msgs)).toBe(a);
    expect(await new OfflineBackend({ seed: 2 }).complete(msgs)).not.toBe(a);
  });

  it("writes a multi-sentence question about the context", async () => {
    const b = new OfflineBackend({ seed: 3 });
    const q = await b.complete(queryPrompt("Volcano activity and magma chambers under the island."));
    expect(sentences(q)).toBeGreaterThanOrEqual(3);
    expect(q).toMatch(/\?/);
    expect(q.toLowerCase()).toMatch(/volcano|magma|island/);
    expect(q).not.toMatch(/context/i);
  });

  it("answers an agent step with strict step JSON: websearch first, final_answer later", async () => {
    const b = new OfflineBackend({ seed: 4 });
    const first = parseAgentStep(
      await b.complete(
        researchStepPrompt({ question: QUESTION, notes: [], sources: [], step: 1, maxSteps: 20 }),
      ),
    );
    expect(first?.kind).toBe("action");
    if (first?.kind !== "action") throw new Error("unreachable");
    expect(first.tool).toBe("websearch");
    expect(typeof first.input.query).toBe("string");
    expect(first.input.max_results).toBeGreaterThanOrEqual(1);
    expect(first.thought.split(/\s+/).length).toBeGreaterThan(20);
    const late = parseAgentStep(
      await b.complete(
        researchStepPrompt({ question: QUESTION, notes: [], sources: [], step: 20, maxSteps: 20 }),
      ),
    );
    expect(late?.kind).toBe("final");
  });

  it("writes the report form, citing the sources it was given", async () => {
    const b = new OfflineBackend({ seed: 5 });
    const sources = [
      { title: "Delta: an overview", url: "https://offline.invalid/delta/1" },
      { title: "Sediment: a short primer", url: "https://offline.invalid/sediment/2" },
    ];
    const report = await b.complete(finalReportPrompt({ question: QUESTION, notes: ["a note"], sources }));
    expectReportForm(report);
    expect(report).toContain("[2] Sediment: a short primer — https://offline.invalid/sediment/2");
    expect(report).not.toMatch(/\[3\]/);
  });

  it("writes the report form with sources of its own when asked without research", async () => {
    expectReportForm(await new OfflineBackend({ seed: 6 }).complete(researchReportPrompt(QUESTION)));
  });

  it("answers anything else in plain prose about the prompt's words", async () => {
    const a = await new OfflineBackend({ seed: 7 }).complete([
      { role: "user", content: "Tell me about glaciers." },
    ]);
    expect(a.toLowerCase()).toContain("glacier");
    expect(sentences(a)).toBeGreaterThanOrEqual(2);
  });

  it("honours an aborted signal", async () => {
    const ctl = new AbortController();
    ctl.abort(new Error("stop"));
    await expect(
      new OfflineBackend().complete(researchReportPrompt("q"), { signal: ctl.signal }),
    ).rejects.toThrow("stop");
  });
});

describe("OfflineWebSearch", () => {
  it("returns deterministic, well-formed results on a reserved domain", async () => {
    const s = new OfflineWebSearch({ seed: 9 });
    const r = await s.search("glacier erosion", 4);
    expect(r).toHaveLength(4);
    expect(await new OfflineWebSearch({ seed: 9 }).search("glacier erosion", 4)).toEqual(r);
    expect(await new OfflineWebSearch({ seed: 10 }).search("glacier erosion", 4)).not.toEqual(r);
    for (const x of r) {
      expect(new URL(x.url).hostname).toBe("offline.invalid");
      expect(x.title.length).toBeGreaterThan(3);
      expect(x.content.length).toBeGreaterThan(40);
    }
    expect(r[0]!.title.toLowerCase()).toMatch(/glacier|erosion/);
  });
});

describe("makeQuery", () => {
  it("searches three vocabulary words and has the LLM write the question from one result", async () => {
    const searched: string[] = [];
    const search = new OfflineWebSearch({ seed: 1 });
    const spy = {
      search: (q: string, n: number) => {
        searched.push(q);
        return search.search(q, n);
      },
    };
    const made = await makeQuery({
      backend: new OfflineBackend({ seed: 1 }),
      search: spy,
      rng: seededRandom(11),
    });
    expect(made.words).toHaveLength(3);
    for (const w of made.words) expect(vocabulary()).toContain(w);
    expect(searched).toEqual([made.words.join(" ")]);
    expect(made.context.length).toBeGreaterThan(0);
    expect(sentences(made.query)).toBeGreaterThanOrEqual(3);
    const again = await makeQuery({
      backend: new OfflineBackend({ seed: 1 }),
      search,
      rng: seededRandom(11),
    });
    expect(again.query).toBe(made.query);
  });

  it("goes on with an empty context when search fails, as upstream", async () => {
    const made = await makeQuery({
      backend: new OfflineBackend({ seed: 2 }),
      search: { search: async () => Promise.reject(new Error("HTTP 500")) },
      rng: seededRandom(1),
    });
    expect(made.context).toBe("");
    expect(made.searchError).toBe("HTTP 500");
    expect(sentences(made.query)).toBeGreaterThanOrEqual(3);
  });
});

describe("offlineReport", () => {
  it("is deterministic per query and seed and has the reference form", async () => {
    const a = await offlineReport(QUESTION, 1);
    expect(await offlineReport(QUESTION, 1)).toBe(a);
    expect(await offlineReport(QUESTION, 2)).not.toBe(a);
    expect(await offlineReport(`${QUESTION} Explain.`, 1)).not.toBe(a);
    expectReportForm(a);
  });
});
