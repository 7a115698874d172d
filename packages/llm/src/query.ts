// QueryMaker: random words → web search → one result's content as context → the LLM writes the question.
import { queryPrompt } from "./prompts.js";
import { pick, type Rng, sample } from "./random.js";
import type { TextBackend, WebSearch } from "./types.js";
import { vocabulary } from "./words.js";

export interface MakeQueryOptions {
  backend: TextBackend;
  search: WebSearch;
  /** How many random vocabulary words seed the search. Default 3 (upstream). */
  words?: number;
  rng: Rng;
  /** Results requested from the search. Default 5 (upstream). */
  maxResults?: number;
  vocabulary?: readonly string[];
  signal?: AbortSignal;
  maxTokens?: number;
  temperature?: number;
}

export interface MadeQuery {
  query: string;
  /** The words searched for. */
  words: string[];
  /** The chosen result's content ("" when search failed or found nothing, as upstream). */
  context: string;
  searchError?: string;
}

export async function makeQuery(opts: MakeQueryOptions): Promise<MadeQuery> {
  const vocab = opts.vocabulary ?? vocabulary();
  const words = sample(opts.rng, vocab, opts.words ?? 3);
  let context = "";
  let searchError: string | undefined;
  try {
    const results = await opts.search.search(words.join(" "), opts.maxResults ?? 5, opts.signal);
    if (results.length > 0) context = pick(opts.rng, results).content;
  } catch (err) {
    // Upstream goes on with an empty context when search fails; an abort still stops the round.
    if (opts.signal?.aborted) throw err;
    searchError = (err as Error).message;
  }
  const query = await opts.backend.complete(queryPrompt(context), {
    signal: opts.signal,
    maxTokens: opts.maxTokens,
    temperature: opts.temperature,
  });
  if (query.trim().length === 0) throw new Error(`makeQuery: ${opts.backend.name} returned an empty query`);
  return { query, words, context, ...(searchError ? { searchError } : {}) };
}
