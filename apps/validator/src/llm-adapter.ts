// How the validator gets a query and a reference: thin wrappers over @apex/llm's makeQuery and runResearch, so the
// round code only sees two functions (and tests can inject their own).
import { makeQuery, type ResearchClock, runResearch, type TextBackend, type WebSearch } from "@apex/llm";

export type QueryMaker = (signal?: AbortSignal) => Promise<string>;
export type Researcher = (query: string, signal?: AbortSignal) => Promise<string>;

export interface QueryMakerOptions {
  backend: TextBackend;
  search: WebSearch;
  rng: () => number;
  maxResults?: number;
  maxTokens?: number;
  temperature?: number;
}

/** Upstream's recipe (§2.5): 3 random words → web search → one random result as context → LLM question. */
export function llmQueryMaker(o: QueryMakerOptions): QueryMaker {
  return async (signal) =>
    (
      await makeQuery({
        backend: o.backend,
        search: o.search,
        rng: o.rng,
        maxResults: o.maxResults,
        maxTokens: o.maxTokens,
        temperature: o.temperature,
        signal,
      })
    ).query;
}

export interface ResearcherOptions {
  backend: TextBackend;
  finalBackend?: TextBackend;
  search: WebSearch;
  maxSteps: number;
  /** Budget for the agent loop; the report is written after it, inside the round's own hard deadline. */
  deadlineMs: number;
  maxTokens: number;
  clock: ResearchClock;
}

/** The deep-research agent (§2.6) without any code-execution tool; an empty report counts as a failure. */
export function llmResearcher(o: ResearcherOptions): Researcher {
  return async (query, signal) => {
    const result = await runResearch({
      backend: o.backend,
      finalBackend: o.finalBackend,
      search: o.search,
      query,
      maxSteps: o.maxSteps,
      deadlineMs: o.deadlineMs,
      maxTokens: o.maxTokens,
      clock: o.clock,
      signal,
    });
    if (!result.report.trim()) throw new Error("research produced an empty report");
    return result.report;
  };
}
