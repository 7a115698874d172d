// The miner's uses of @apex/llm in one place: the validator's offline reference pipeline (to train the learned
// discriminator on texts in the validator's form), validator-like questions, and the backends.
// @apex/llm is imported on first use only: it brings the OpenAI SDK (~11 MB resident), which a miner with the
// shipped model and a non-llm generator never needs.
import type { TextBackend } from "@apex/llm";
import type { MinerSource, QuerySource, ReferenceSource } from "./strategies/dataset.js";
import { DEFAULT_MODEL } from "./strategies/default-model.js";
import { defaultGlossary, stripFences } from "./strategies/generators.js";
import { DEFAULT_TRAINING, type StrategyDeps } from "./strategies/index.js";

type Llm = typeof import("@apex/llm");
let llmModule: Promise<Llm> | undefined;
const llm = (): Promise<Llm> => {
  llmModule ??= import("@apex/llm");
  return llmModule;
};

/** The text the validator's offline reference pipeline produces for a query (label 0). */
export const referenceSource: ReferenceSource = async (query, seed) =>
  (await llm()).offlineReport(query, seed);

/** Questions made the way the validator's offline QueryMaker makes them. */
export function validatorQueries(seed: number): QuerySource {
  let tools: {
    m: Llm;
    backend: InstanceType<Llm["OfflineBackend"]>;
    search: InstanceType<Llm["OfflineWebSearch"]>;
  };
  return async (rnd) => {
    if (!tools) {
      const m = await llm();
      tools ??= { m, backend: new m.OfflineBackend({ seed }), search: new m.OfflineWebSearch({ seed }) };
    }
    const { m, backend, search } = tools;
    return (await m.makeQuery({ backend, search, rng: m.seededRandom(Math.floor(rnd() * 2 ** 31)) })).query;
  };
}

/** What `--generator llm` writes when its endpoint is an offline model (label 1, "llm-style"). */
export function offlineLlmSource(seed: number): MinerSource {
  let backend: InstanceType<Llm["OfflineBackend"]> | undefined;
  return async (query) => {
    const m = await llm();
    backend ??= new m.OfflineBackend({ seed });
    return stripFences(await backend.complete(m.researchReportPrompt(query)));
  };
}

/** The backend of `--generator llm`: its own timeout is the strategy budget, and it retries once at most. */
export function openAIBackend(opts: {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}): TextBackend {
  let backend: Promise<TextBackend> | undefined;
  const make = async () =>
    new (await llm()).OpenAIBackend({
      baseURL: opts.baseUrl,
      model: opts.model,
      apiKey: opts.apiKey,
      timeoutMs: opts.timeoutMs,
      maxRetries: 1,
    });
  return {
    name: `openai:${opts.model}`,
    async complete(messages, options) {
      backend ??= make();
      return (await backend).complete(messages, options);
    },
  };
}

/** Everything the strategies need from @apex/llm, for start-up and the train command. */
export function llmStrategyDeps(seed: number = DEFAULT_TRAINING.seed): Pick<
  StrategyDeps,
  "minerSources" | "queries" | "glossary" | "modelCacheKey" | "pretrained"
> & {
  reference: ReferenceSource;
} {
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
