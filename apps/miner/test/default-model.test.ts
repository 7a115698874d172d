// The shipped default model must be exactly what training on the default set gives, so a miner that uses it
// answers as one that trains at start-up would.
import { describe, expect, it } from "vitest";
import { llmStrategyDeps } from "../src/llm-bridge.js";
import {
  DEFAULT_MODEL,
  DEFAULT_TRAINING,
  DUMMY_GENERATION,
  offlineGeneration,
  parseModel,
  predictProbability,
  resolveDiscriminator,
  serializeModel,
  trainDefaultModel,
} from "../src/strategies/index.js";

const ctx = { signal: new AbortController().signal, budgetMs: 1000 };

describe("the shipped default model", () => {
  it("equals the model trained on the default training set (retrain with apex-miner train-discriminator)", async () => {
    const deps = llmStrategyDeps();
    expect(deps.pretrained).toBe(DEFAULT_MODEL);
    const trained = await trainDefaultModel(deps.reference!, deps);
    expect(trained.trainedOn).toEqual({
      examples: DEFAULT_TRAINING.examples,
      seed: DEFAULT_TRAINING.seed,
      epochs: 300,
    });
    expect(trained).toEqual(DEFAULT_MODEL);
    expect(parseModel(serializeModel(DEFAULT_MODEL))).toEqual(DEFAULT_MODEL);
    // Training 1,500 generated texts takes a few seconds, more on a loaded machine.
  }, 120_000);

  it("the learned discriminator uses it without touching the training sources", async () => {
    const deps = llmStrategyDeps();
    const d = await resolveDiscriminator(
      { generator: "offline", discriminator: "learned" },
      {
        ...deps,
        reference: () => {
          throw new Error("training source used");
        },
      },
    );
    const q = "How does soil erosion affect river sediment and farm yields?";
    for (const text of [DUMMY_GENERATION, offlineGeneration(q, 3, deps.glossary)]) {
      const want = predictProbability(DEFAULT_MODEL, q, text) >= DEFAULT_MODEL.threshold ? "1" : "0";
      expect(await d.classify(q, text, ctx)).toBe(want);
    }
    expect(await d.classify(q, DUMMY_GENERATION, ctx)).toBe("1");
  });

  it("another training seed still trains its own model", () => {
    expect(llmStrategyDeps(42).pretrained).toBeUndefined();
  });
});
