import {
  type ChatMessage,
  type CompleteOptions,
  OfflineWebSearch,
  REPORT_TASK_MARKER,
  runResearch,
  type SearchResult,
  STEP_TASK_MARKER,
  type TextBackend,
  type WebSearch,
} from "@apex/llm";
import { describe, expect, it } from "vitest";

const SEARCH = JSON.stringify({
  thought: "search",
  action: { tool: "websearch", input: { query: "tides", max_results: 2 } },
});
const FINAL = JSON.stringify({ thought: "enough", final_answer: "done" });

/** A backend that answers agent steps from a script (last entry repeats) and records every call. */
class Scripted implements TextBackend {
  readonly name = "scripted";
  stepPrompts: string[] = [];
  finalPrompts: string[] = [];
  constructor(
    private readonly script: Array<string | ((signal?: AbortSignal) => Promise<string>)>,
    private readonly report = "Executive Summary\nok [1]\n\nSources\n[1] x — https://offline.invalid/x",
  ) {}
  async complete(messages: ChatMessage[], options?: CompleteOptions): Promise<string> {
    const text = messages.at(-1)!.content;
    if (text.includes(REPORT_TASK_MARKER)) {
      this.finalPrompts.push(text);
      return this.report;
    }
    expect(text).toContain(STEP_TASK_MARKER);
    this.stepPrompts.push(text);
    const next = this.script[Math.min(this.stepPrompts.length - 1, this.script.length - 1)]!;
    return typeof next === "string" ? next : next(options?.signal);
  }
}

class CountingSearch implements WebSearch {
  queries: string[] = [];
  constructor(private readonly inner: WebSearch = new OfflineWebSearch({ seed: 1 })) {}
  search(query: string, n: number, signal?: AbortSignal): Promise<SearchResult[]> {
    this.queries.push(query);
    return this.inner.search(query, n, signal);
  }
}

describe("runResearch", () => {
  it("stops at the step limit and still writes the report with a final call", async () => {
    const backend = new Scripted([SEARCH]);
    const search = new CountingSearch();
    const res = await runResearch({ backend, search, query: "Why are there two tides a day?", maxSteps: 5 });
    expect(res.stoppedBy).toBe("max_steps");
    expect(res.steps).toHaveLength(5);
    expect(backend.stepPrompts).toHaveLength(5);
    expect(backend.finalPrompts).toHaveLength(1);
    expect(search.queries).toEqual(Array(5).fill("tides"));
    expect(res.report).toContain("Executive Summary");
    expect(backend.stepPrompts[4]).toContain("Step 5 of 5.");
  });

  it("numbers sources once per URL and shows them to later steps and the report", async () => {
    const backend = new Scripted([SEARCH, SEARCH, FINAL]);
    const res = await runResearch({ backend, search: new CountingSearch(), query: "tides" });
    expect(res.stoppedBy).toBe("final_answer");
    // Same query and seed both times → the same two URLs, numbered once.
    expect(res.sources).toHaveLength(2);
    expect(backend.stepPrompts[1]).toContain(`[1] ${res.sources[0]!.title} — ${res.sources[0]!.url}`);
    expect(backend.finalPrompts[0]).toContain(`[2] ${res.sources[1]!.title} — ${res.sources[1]!.url}`);
    expect(res.steps[0]!.observation).toMatch(/^Result 1: /);
  });

  it("asks again after invalid JSON and refuses any tool but websearch", async () => {
    const repl = JSON.stringify({
      thought: "run code",
      action: { tool: "python_repl", input: { code: "1+1" } },
    });
    const backend = new Scripted(["not json at all", repl, FINAL]);
    const search = new CountingSearch();
    const res = await runResearch({ backend, search, query: "tides" });
    expect(res.steps.map((s) => s.error ?? null)).toEqual([
      "reply was not valid step JSON",
      'unknown tool "python_repl"; the only tool is websearch',
      null,
    ]);
    expect(search.queries).toEqual([]);
    expect(backend.stepPrompts[1]).toContain("not valid JSON");
  });

  it("stops when the token budget is spent", async () => {
    const backend = new Scripted([SEARCH]);
    const res = await runResearch({ backend, search: new CountingSearch(), query: "tides", maxTokens: 1 });
    expect(res.stoppedBy).toBe("token_budget");
    expect(res.steps).toHaveLength(1);
    expect(backend.finalPrompts).toHaveLength(1);
    expect(res.tokensUsed).toBeGreaterThan(1);
  });

  it("stops at the deadline on the injected clock, before starting another step", async () => {
    let now = 1_000;
    const clock = { now: () => now, sleep: () => new Promise<void>(() => {}) };
    const backend = new Scripted([
      async () => {
        now += 400;
        return SEARCH;
      },
    ]);
    const res = await runResearch({
      backend,
      search: new CountingSearch(),
      query: "tides",
      deadlineMs: 1_000,
      clock,
    });
    expect(res.stoppedBy).toBe("deadline");
    expect(res.steps).toHaveLength(3); // steps start at t=0, 400, 800; at 1200 the deadline has passed
    expect(backend.finalPrompts).toHaveLength(1);
  });

  it("aborts a step still running at the deadline, then writes the report", async () => {
    const hang = (signal?: AbortSignal) =>
      new Promise<string>((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason)));
    const backend = new Scripted([hang]);
    const started = Date.now();
    const res = await runResearch({ backend, search: new CountingSearch(), query: "tides", deadlineMs: 50 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.stoppedBy).toBe("deadline");
    expect(res.steps[0]!.error).toMatch(/deadline/);
    expect(backend.finalPrompts).toHaveLength(1);
  });

  it("rejects when the caller aborts", async () => {
    const ctl = new AbortController();
    const backend = new Scripted([
      async () => {
        ctl.abort(new Error("round cancelled"));
        return SEARCH;
      },
    ]);
    await expect(
      runResearch({ backend, search: new CountingSearch(), query: "tides", signal: ctl.signal }),
    ).rejects.toThrow("round cancelled");
  });

  it("gives up after three model failures in a row", async () => {
    const backend = new Scripted([() => Promise.reject(new Error("HTTP 502"))]);
    await expect(runResearch({ backend, search: new CountingSearch(), query: "tides" })).rejects.toThrow(
      /3 model calls failed in a row.*HTTP 502/,
    );
  });

  it("rejects an empty query and a bad step limit with clear messages", async () => {
    const backend = new Scripted([FINAL]);
    await expect(runResearch({ backend, search: new CountingSearch(), query: "  " })).rejects.toThrow(
      /query is empty/,
    );
    await expect(
      runResearch({ backend, search: new CountingSearch(), query: "q", maxSteps: -1 }),
    ).rejects.toThrow(/maxSteps/);
  });
});
