// Turns the configured names into strategy objects.
import type { TextBackend } from "@apex/llm";
import { type MinerSource, makeDataset, type QuerySource, type ReferenceSource } from "./dataset.js";
import {
  constantDiscriminator,
  heuristicDiscriminator,
  learnedDiscriminator,
  randomDiscriminator,
} from "./discriminators.js";
import {
  DUMMY_GENERATION,
  dummyGenerator,
  type Glossary,
  llmGenerator,
  offlineGenerator,
} from "./generators.js";
import { calibrate, type LearnedModel, parseModel, trainLogistic } from "./learned.js";
import { llmJudgeDiscriminator } from "./llm-judge.js";
import {
  BUILTIN_DISCRIMINATORS,
  BUILTIN_GENERATORS,
  isModuleReference,
  loadDiscriminatorModule,
  loadGeneratorModule,
} from "./load.js";
import { loggingDiscriminator, type TextLogFs, textLog } from "./text-log.js";
import type { Discriminator, Generator } from "./types.js";

export * from "./dataset.js";
export * from "./default-model.js";
export * from "./discriminators.js";
export * from "./features.js";
export * from "./generators.js";
export * from "./held-out.js";
export * from "./learned.js";
export * from "./llm-judge.js";
export * from "./load.js";
export * from "./signals.js";
export * from "./text-log.js";
export * from "./training-texts.js";
export * from "./types.js";

export interface StrategyConfig {
  generator: string;
  discriminator: string;
  discriminatorModel?: string;
  seed?: number;
  /** The OpenAI-compatible endpoint of --generator llm and --discriminator llm. */
  llmBaseUrl?: string;
  llmModel?: string;
  llmApiKey?: string;
  /** --discriminator llm asks for a streamed reply. */
  llmStream?: boolean;
  /** Directory where the texts shown to the discriminator are logged (off when unset). */
  logTexts?: string;
  logTextsMaxMb?: number;
}

export interface StrategyDeps {
  /** Reads a model file (injected for tests). */
  readFile?: (path: string) => string;
  /** Builds the backend for --generator llm. */
  llmBackend?: () => TextBackend;
  /**
   * A model already trained on exactly these sources (the shipped DEFAULT_MODEL for the default training set):
   * the learned discriminator uses it instead of training at start-up.
   */
  pretrained?: LearnedModel;
  /** The validator's reference text, for training the default learned model. */
  reference?: ReferenceSource;
  /** Extra label-1 texts for the default learned model (e.g. an offline LLM's report). */
  minerSources?: MinerSource[];
  /** Validator-like questions for training. */
  queries?: QuerySource;
  /** Term definitions for the offline generator. */
  glossary?: Glossary;
  /**
   * When set, the default learned model is trained once per process for this key and shared: every embedded
   * miner of a localnet then uses the same model without paying for training again.
   */
  modelCacheKey?: string;
  cwd?: string;
  /** HTTP for --discriminator llm (injected for tests). */
  fetchImpl?: typeof fetch;
  /** Told each time the LLM judge falls back to the learned model, and why. */
  onJudgeFallback?: (reason: string) => void;
  /** The run's clock, for --log-texts timestamps. */
  now?: () => number;
  textLogFs?: TextLogFs;
}

export const DEFAULT_TRAINING = { examples: 1200, seed: 20_250_808 } as const;

const modelCache = new Map<string, Promise<LearnedModel>>();

/**
 * The default learned model, trained on the miner's own varied examples and calibrated on a quarter as many more
 * made under the next seed (a few seconds; the shipped DEFAULT_MODEL is its result).
 */
export async function trainDefaultModel(
  reference: ReferenceSource,
  opts: Pick<StrategyDeps, "minerSources" | "queries" | "glossary"> & {
    examples?: number;
    seed?: number;
  } = {},
): Promise<LearnedModel> {
  const seed = opts.seed ?? DEFAULT_TRAINING.seed;
  const examples = opts.examples ?? DEFAULT_TRAINING.examples;
  const make = (n: number, s: number) =>
    makeDataset({
      examples: n,
      seed: s,
      reference,
      minerSources: opts.minerSources,
      queries: opts.queries,
      glossary: opts.glossary,
    });
  const model = trainLogistic(await make(examples, seed), { seed });
  return calibrate(model, await make(Math.ceil(examples / 4), seed + 1));
}

export async function resolveGenerator(cfg: StrategyConfig, deps: StrategyDeps = {}): Promise<Generator> {
  const name = cfg.generator;
  if (isModuleReference(name)) return loadGeneratorModule(name, deps.cwd);
  switch (name) {
    case "dummy":
      return dummyGenerator();
    case "offline":
      return offlineGenerator(cfg.seed ?? 0, deps.glossary);
    case "llm":
      if (!deps.llmBackend) throw new Error("--generator llm needs --llm-base-url and --llm-model");
      return llmGenerator({ backend: deps.llmBackend() });
  }
  throw new Error(
    `unknown generator "${name}": use one of ${BUILTIN_GENERATORS.join(", ")} or a path to a module (./my-gen.js)`,
  );
}

export async function resolveDiscriminator(
  cfg: StrategyConfig,
  deps: StrategyDeps = {},
): Promise<Discriminator> {
  const d = await resolveBaseDiscriminator(cfg, deps);
  if (!cfg.logTexts) return d;
  const maxBytes = Math.floor((cfg.logTextsMaxMb ?? 50) * 1024 * 1024);
  return loggingDiscriminator(d, textLog(cfg.logTexts, maxBytes, deps.textLogFs), deps.now ?? Date.now);
}

async function resolveBaseDiscriminator(cfg: StrategyConfig, deps: StrategyDeps): Promise<Discriminator> {
  const name = cfg.discriminator;
  if (isModuleReference(name)) return loadDiscriminatorModule(name, deps.cwd);
  switch (name) {
    case "random":
      return randomDiscriminator(cfg.seed);
    case "constant-0":
      return constantDiscriminator("0");
    case "constant-1":
      return constantDiscriminator("1");
    case "heuristic":
      return heuristicDiscriminator();
    case "llm": {
      if (!cfg.llmBaseUrl || !cfg.llmModel) {
        throw new Error("--discriminator llm needs --llm-base-url and --llm-model");
      }
      return llmJudgeDiscriminator({
        baseUrl: cfg.llmBaseUrl,
        model: cfg.llmModel,
        apiKey: cfg.llmApiKey,
        stream: cfg.llmStream,
        fallback: await resolveBaseDiscriminator({ ...cfg, discriminator: "learned" }, deps),
        fetchImpl: deps.fetchImpl,
        onFallback: deps.onJudgeFallback,
      });
    }
    case "learned": {
      if (cfg.discriminatorModel) {
        if (!deps.readFile) throw new Error("resolveDiscriminator: no file reader for --discriminator-model");
        let text: string;
        try {
          text = deps.readFile(cfg.discriminatorModel);
        } catch (err) {
          throw new Error(
            `cannot read --discriminator-model ${cfg.discriminatorModel}: ${(err as Error).message}`,
          );
        }
        return learnedDiscriminator(parseModel(text, cfg.discriminatorModel));
      }
      if (deps.pretrained) return learnedDiscriminator(deps.pretrained);
      if (!deps.reference) {
        throw new Error(
          "the learned discriminator needs --discriminator-model FILE or a reference source to train on",
        );
      }
      // The default model does not depend on --seed (that seeds random strategies): same model everywhere.
      const reference = deps.reference;
      const train = () => trainDefaultModel(reference, deps);
      const cacheKey = deps.modelCacheKey;
      if (!cacheKey) return learnedDiscriminator(await train());
      let cached = modelCache.get(cacheKey);
      if (!cached) {
        cached = train();
        modelCache.set(cacheKey, cached);
        cached.catch(() => modelCache.delete(cacheKey));
      }
      return learnedDiscriminator(await cached);
    }
  }
  throw new Error(
    `unknown discriminator "${name}": use one of ${BUILTIN_DISCRIMINATORS.join(", ")} or a path to a module (./my-disc.js)`,
  );
}

export { DUMMY_GENERATION };
