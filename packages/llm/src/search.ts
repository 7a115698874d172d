// Web search: Tavily's HTTP API, and a deterministic offline source built from WordNet glosses.
import { hashString, pick, seededRandom } from "./random.js";
import { capitalize, fill, randomEntry, sentence, slug, topicsOf } from "./text.js";
import type { SearchResult, WebSearch } from "./types.js";

/** Tavily rejects longer queries; upstream cuts at the same length. */
export const TAVILY_QUERY_LIMIT = 399;
export const TAVILY_ENDPOINT = "https://api.tavily.com/search";

function clampResults(n: number): number {
  if (!Number.isFinite(n)) return 5;
  return Math.min(20, Math.max(1, Math.floor(n)));
}

export interface OfflineWebSearchOptions {
  seed?: number | string;
}

const TITLE_TAILS = [
  "an overview",
  "definitions and context",
  "a short primer",
  "key facts and open questions",
  "what the record shows",
  "notes from the field",
  "a reader's guide",
];

const RELATED = [
  "It is often discussed alongside {b}, that is, {bg}.",
  "Comparisons are frequently drawn with {b} ({bg}).",
  "Writers on the subject also point to {b}, described as {bg}.",
  "A related notion is {b}: {bg}.",
];

const CLOSERS = [
  "Accounts differ on how much weight each factor deserves.",
  "The evidence is uneven, and several claims rest on a small number of observations.",
  "Most summaries agree on the definition but not on its practical consequences.",
  "Later work refined the picture without overturning it.",
];

/**
 * Deterministic results for a query: same seed and query, same results. URLs sit on the reserved
 * `.invalid` TLD so nothing can ever resolve them.
 */
export class OfflineWebSearch implements WebSearch {
  private readonly seed: string;

  constructor(opts: OfflineWebSearchOptions = {}) {
    this.seed = String(opts.seed ?? 0);
  }

  async search(query: string, maxResults: number, signal?: AbortSignal): Promise<SearchResult[]> {
    signal?.throwIfAborted();
    return this.searchSync(query, maxResults);
  }

  /** The same results without a promise (the offline reference pipeline uses it on its hot path). */
  searchSync(query: string, maxResults: number): SearchResult[] {
    const n = clampResults(maxResults);
    const rng = seededRandom(`${this.seed}|search|${query}`);
    const topics = topicsOf(query, n);
    const out: SearchResult[] = [];
    for (let i = 0; i < n; i++) {
      const main = topics[i % Math.max(1, topics.length)] ?? randomEntry(rng);
      const other = randomEntry(rng);
      const title = `${capitalize(main.lemma)}: ${pick(rng, TITLE_TAILS)}`;
      const id = hashString(`${this.seed}|${query}|${i}`).toString(16).padStart(8, "0");
      const parts = [
        sentence(`${capitalize(main.lemma)} is ${main.gloss}`),
        fill(rng, RELATED, { b: other.lemma, bg: other.gloss }),
      ];
      const example = main.examples[0];
      if (example) parts.push(`A typical usage: "${example}".`);
      parts.push(pick(rng, CLOSERS));
      out.push({ title, url: `https://offline.invalid/${slug(main.lemma)}/${id}`, content: parts.join(" ") });
    }
    return out;
  }
}

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export interface TavilySearchOptions {
  apiKey: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: FetchLike;
  endpoint?: string;
  searchDepth?: "basic" | "advanced";
}

/** Tavily's search API: POST JSON with a bearer key; results carry title, url and content. */
export class TavilySearch implements WebSearch {
  private readonly fetchImpl: FetchLike;
  private readonly endpoint: string;

  constructor(private readonly opts: TavilySearchOptions) {
    if (!opts.apiKey) throw new Error("TavilySearch: apiKey is required (set websearch.key in the config)");
    this.fetchImpl = opts.fetch ?? (globalThis.fetch as unknown as FetchLike);
    this.endpoint = opts.endpoint ?? TAVILY_ENDPOINT;
  }

  async search(query: string, maxResults: number, signal?: AbortSignal): Promise<SearchResult[]> {
    const body: Record<string, unknown> = {
      query: query.slice(0, TAVILY_QUERY_LIMIT),
      max_results: clampResults(maxResults),
    };
    if (this.opts.searchDepth) body.search_depth = this.opts.searchDepth;
    const res = await this.fetchImpl(this.endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.opts.apiKey}` },
      body: JSON.stringify(body),
      signal,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`Tavily search failed: HTTP ${res.status}: ${text.slice(0, 200)}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`Tavily search returned invalid JSON: ${text.slice(0, 200)}`);
    }
    const results = (parsed as { results?: unknown }).results;
    if (!Array.isArray(results)) return [];
    return results
      .filter((r): r is Record<string, unknown> => typeof r === "object" && r !== null)
      .map((r) => ({
        title: typeof r.title === "string" ? r.title : "",
        url: typeof r.url === "string" ? r.url : "",
        content: typeof r.content === "string" ? r.content : "",
      }));
  }
}
