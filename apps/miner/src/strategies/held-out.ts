// The committed held-out set (data/held-out.jsonl, written apart from the training generator and the features;
// see data/HELD-OUT.md) and what each built-in discriminator scores on it: the figure a localnet report prints
// next to the accuracy a discriminator earned in the run.
import { readFileSync } from "node:fs";
import { DEFAULT_MODEL } from "./default-model.js";
import { heuristicClassify, randomDiscriminator } from "./discriminators.js";
import { type Example, evaluate, predictProbability } from "./learned.js";

export const HELD_OUT_PATH = new URL("../../data/held-out.jsonl", import.meta.url);

let cached: Example[] | undefined;

/** The held-out examples (read once). */
export function heldOutExamples(): Example[] {
  if (!cached) {
    cached = readFileSync(HELD_OUT_PATH, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => {
        const o = JSON.parse(l) as Example;
        return { query: o.query, generation: o.generation, label: o.label };
      });
  }
  return cached;
}

const figures = new Map<string, number | null>();

/**
 * Accuracy of a built-in discriminator on the held-out set (learned: the shipped model; random: seed 1), or null
 * for one it cannot score offline (llm, user modules).
 */
export function heldOutAccuracy(discriminator: string): number | null {
  const known = figures.get(discriminator);
  if (known !== undefined) return known;
  const data = heldOutExamples();
  let predict: ((e: Example) => 0 | 1) | undefined;
  if (discriminator === "learned") {
    predict = (e) =>
      predictProbability(DEFAULT_MODEL, e.query, e.generation) >= DEFAULT_MODEL.threshold ? 1 : 0;
  } else if (discriminator === "heuristic") {
    predict = (e) => (heuristicClassify(e.query, e.generation) === "1" ? 1 : 0);
  } else if (discriminator === "constant-0" || discriminator === "constant-1") {
    const said = discriminator === "constant-1" ? 1 : 0;
    predict = () => said;
  } else if (discriminator === "random") {
    const d = randomDiscriminator(1);
    const ctx = { signal: new AbortController().signal, budgetMs: 0 };
    predict = (e) => (d.classify(e.query, e.generation, ctx) === "1" ? 1 : 0);
  }
  const figure = predict ? evaluate(predict, data).accuracy : null;
  figures.set(discriminator, figure);
  return figure;
}
