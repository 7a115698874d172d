import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect } from "vitest";
import { llmStrategyDeps } from "../src/llm-bridge.js";
import {
  DUMMY_GENERATION,
  type Example,
  evaluate,
  heuristicClassify,
  type LearnedModel,
  makeDataset,
  offlineGeneration,
  parseModel,
  predictProbability,
  REFERENCE_SECTIONS,
  randomDiscriminator,
  resolveDiscriminator,
  resolveGenerator,
  serializeModel,
  stripFences,
  textStats,
  trainLogistic,
} from "../src/strategies/index.js";
import { it } from "./temp-dir.js";

const ctx = { signal: new AbortController().signal, budgetMs: 1000 };
const deps = llmStrategyDeps(0);
let train: Example[];
let heldOut: Example[];
let model: LearnedModel;

beforeAll(async () => {
  // Different seeds: the held-out questions, references and miner texts were never seen in training.
  train = await makeDataset({ examples: 300, seed: 1, ...deps });
  heldOut = await makeDataset({ examples: 400, seed: 777, ...deps });
  model = trainLogistic(train);
});

describe("learned discriminator", () => {
  it("beats random by a clear margin on held-out examples", () => {
    const trainQueries = new Set(train.map((e) => e.generation));
    expect(
      heldOut.filter((e) => trainQueries.has(e.generation) && e.generation !== DUMMY_GENERATION),
    ).toHaveLength(0);
    const learned = evaluate(
      (e) => (predictProbability(model, e.query, e.generation) >= 0.5 ? 1 : 0),
      heldOut,
    );
    const rnd = randomDiscriminator(5);
    const random = evaluate((e) => (rnd.classify(e.query, e.generation, ctx) === "1" ? 1 : 0), heldOut);
    expect(learned.accuracy).toBeGreaterThan(0.85);
    expect(random.accuracy).toBeLessThan(0.6);
    expect(learned.accuracy - random.accuracy).toBeGreaterThan(0.25);
    expect(learned.precision).toBeGreaterThan(0.85);
    expect(learned.recall).toBeGreaterThan(0.8);
  });

  it("is deterministic: the same examples give the same weights", () => {
    expect(trainLogistic(train).weights).toEqual(model.weights);
  });

  it("round-trips through the model file and rejects bad files with a clear error", () => {
    const again = parseModel(serializeModel(model));
    expect(again).toEqual(model);
    expect(() => parseModel("nope")).toThrow(/train-discriminator/);
    expect(() => parseModel('{"kind":"x"}')).toThrow(/not an apex-miner model/);
    const wrong = { ...model, weights: model.weights.slice(1) };
    expect(() => parseModel(JSON.stringify(wrong))).toThrow(/weights must have/);
  });
});

describe("heuristic discriminator and the offline generator", () => {
  it("the heuristic recognises the validator's reference form and rejects other shapes", async () => {
    // The validator pipeline's own reports (the generated set also holds references in other layouts, which the
    // heuristic does not know).
    const refs = await Promise.all(
      heldOut
        .filter((e) => e.label === 0)
        .slice(0, 60)
        .map(async (e, i) => ({ query: e.query, generation: await deps.reference!(e.query, i) })),
    );
    const asRef = refs.filter((e) => heuristicClassify(e.query, e.generation) === "0").length;
    expect(asRef / refs.length).toBeGreaterThan(0.95);
    expect(heuristicClassify("q", DUMMY_GENERATION)).toBe("1");
    expect(heuristicClassify("q", '{"choices":[{"message":{"content":"x"}}]}')).toBe("1");
  });

  it("the offline generator has the reference form: sections in order, citations, a Sources list", () => {
    const q = "How does soil erosion affect river sediment and farm yields?";
    const text = offlineGeneration(q, 1, deps.glossary);
    const s = textStats(q, text);
    expect(s.sectionsPresent).toBe(REFERENCE_SECTIONS.length);
    expect(s.sectionsInOrder).toBe(true);
    expect(s.citationMarkers).toBeGreaterThanOrEqual(3);
    expect(s.hasSourcesSection).toBe(true);
    expect(s.danglingCitations).toBe(0);
    expect(text).not.toMatch(/[{}]|```|\*\*/);
    expect(offlineGeneration(q, 1, deps.glossary)).toBe(text);
    expect(offlineGeneration(q, 2, deps.glossary)).not.toBe(text);
  });

  it("fools the heuristic mostly, while the learned model catches part of it", async () => {
    const queries = deps.queries!;
    let r = 0.5;
    const rnd = () => (r = (r * 7919 + 0.1234) % 1);
    let heuristicFooled = 0;
    let learnedCaught = 0;
    const n = 80;
    for (let i = 0; i < n; i++) {
      const q = await queries(rnd);
      const g = offlineGeneration(q, 1000 + i, deps.glossary);
      if (heuristicClassify(q, g) === "0") heuristicFooled++;
      if (predictProbability(model, q, g) >= 0.5) learnedCaught++;
    }
    expect(heuristicFooled / n).toBeGreaterThan(0.8);
    expect(learnedCaught / n).toBeGreaterThan(0.3);
    expect(learnedCaught / n).toBeLessThan(1);
  });
});

describe("resolving strategies", () => {
  it("builds the built-ins by name and explains unknown names", async () => {
    expect((await resolveGenerator({ generator: "dummy", discriminator: "random" })).name).toBe("dummy");
    const c0 = await resolveDiscriminator({ generator: "dummy", discriminator: "constant-0" });
    expect(await c0.classify("q", "t", ctx)).toBe("0");
    await expect(resolveGenerator({ generator: "fancy", discriminator: "random" })).rejects.toThrow(
      /dummy, offline, llm/,
    );
    await expect(resolveDiscriminator({ generator: "x", discriminator: "fancy" })).rejects.toThrow(
      /heuristic, learned/,
    );
    await expect(resolveGenerator({ generator: "llm", discriminator: "random" })).rejects.toThrow(
      /--llm-base-url/,
    );
  });

  it("loads a user module that exports one function", async ({ tmpDir: dir }) => {
    writeFileSync(
      join(dir, "gen.mjs"),
      'export default function generate(query) { return "mine: " + query; }\n',
    );
    writeFileSync(
      join(dir, "disc.mjs"),
      "export function classify(query, text) { return text.length > 10 ? 1 : '0'; }\n",
    );
    writeFileSync(join(dir, "bad.mjs"), "export const x = 1;\n");
    const g = await resolveGenerator({ generator: "./gen.mjs", discriminator: "random" }, { cwd: dir });
    expect(await g.generate("hi", ctx)).toBe("mine: hi");
    const d = await resolveDiscriminator({ generator: "x", discriminator: join(dir, "disc.mjs") });
    expect(await d.classify("q", "a long enough text", ctx)).toBe("1");
    expect(await d.classify("q", "short", ctx)).toBe("0");
    await expect(
      resolveGenerator({ generator: "./bad.mjs", discriminator: "random" }, { cwd: dir }),
    ).rejects.toThrow(/must export a function/);
    await expect(
      resolveGenerator({ generator: "./missing.mjs", discriminator: "random" }, { cwd: dir }),
    ).rejects.toThrow(/cannot load strategy module/);
  });

  it("loads a learned model from a file, and trains a default one when none is given", async () => {
    const learned = await resolveDiscriminator(
      { generator: "x", discriminator: "learned", discriminatorModel: "m.json" },
      { readFile: () => serializeModel(model) },
    );
    expect(await learned.classify("q", DUMMY_GENERATION, ctx)).toBe("1");
    const trained = await resolveDiscriminator({ generator: "x", discriminator: "learned" }, deps);
    expect(trained.name).toBe("learned");
    await expect(
      resolveDiscriminator(
        { generator: "x", discriminator: "learned", discriminatorModel: "m.json" },
        {
          readFile: () => {
            throw new Error("ENOENT");
          },
        },
      ),
    ).rejects.toThrow(/cannot read --discriminator-model m.json/);
  });

  it("the llm generator sends the report prompt and strips code fences", async () => {
    let seen = "";
    const g = await resolveGenerator(
      { generator: "llm", discriminator: "random" },
      {
        llmBackend: () => ({
          name: "fake",
          complete: async (m) => {
            seen = m.map((x) => x.content).join("\n");
            return "```\nExecutive Summary\nText [1]\n```";
          },
        }),
      },
    );
    expect(await g.generate("Why?", ctx)).toBe("Executive Summary\nText [1]");
    expect(seen).toMatch(/Executive Summary, Key Findings/);
    expect(seen).toMatch(/Sources/);
    expect(stripFences("plain")).toBe("plain");
  });
});
