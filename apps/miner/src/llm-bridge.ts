// The miner's uses of @apex/llm in one place: the validator's offline reference pipeline (to train the learned
// discriminator on texts in the validator's form), validator-like questions, and the backends.
import {
  makeQuery,
  OfflineBackend,
  OfflineWebSearch,
  OpenAIBackend,
  offlineReport,
  researchReportPrompt,
  seededRandom,
  type TextBackend,
} from "@apex/llm";
import type { MinerSource, QuerySource, ReferenceSource } from "./strategies/dataset.js";
import { DEFAULT_MODEL } from "./strategies/default-model.js";
import { defaultGlossary, stripFences } from "./strategies/generators.js";
import { DEFAULT_TRAINING, type StrategyDeps } from "./strategies/index.js";

/** The text the validator's offline reference pipeline produces for a query (label 0). */
export const referenceSource: ReferenceSource = (query, seed) => offlineReport(query, seed);

/** Questions made the way the validator's offline QueryMaker makes them. */
export function validatorQueries(seed: number): QuerySource {
  const backend = new OfflineBackend({ seed });
  const search = new OfflineWebSearch({ seed });
  return async (rnd) =>
    (await makeQuery({ backend, search, rng: seededRandom(Math.floor(rnd() * 2 ** 31)) })).query;
}

/** What `--generator llm` writes when its endpoint is an offline model (label 1, "llm-style"). */
export function offlineLlmSource(seed: number): MinerSource {
  const backend = new OfflineBackend({ seed });
  return async (query) => stripFences(await backend.complete(researchReportPrompt(query)));
}

/** The backend of `--generator llm`: its own timeout is the strategy budget, and it retries once at most. */
export function openAIBackend(opts: {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}): TextBackend {
  return new OpenAIBackend({
    baseURL: opts.baseUrl,
    model: opts.model,
    apiKey: opts.apiKey,
    timeoutMs: opts.timeoutMs,
    maxRetries: 1,
  });
}

/** Everything the strategies need from @apex/llm, for start-up and the train command. */
export function llmStrategyDeps(
  seed: number = DEFAULT_TRAINING.seed,
): Pick<
  StrategyDeps,
  "reference" | "minerSources" | "queries" | "glossary" | "modelCacheKey" | "pretrained"
> {
  return {
    modelCacheKey: `offline-reference:${seed}`,
    // The default training set's model ships trained (test/default-model.test.ts keeps it in step).
    pretrained: seed === DEFAULT_TRAINING.seed ? DEFAULT_MODEL : undefined,
    reference: referenceSource,
    minerSources: [offlineLlmSource(seed)],
    queries: validatorQueries(seed),
    // Lazy: the WordNet data loads on first use only (startMiner warms it when the offline generator runs).
    glossary: (w) => defaultGlossary()(w),
  };
}
