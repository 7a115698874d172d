// The running miner checks model files with shape.ts, not TypeBox (its options are checked by their option table);
// these tests keep the two model forms in agreement, keep the messages clear, and keep TypeBox out of the CLI.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Value } from "typebox/value";
import { describe, expect, it } from "vitest";
import { loadMinerConfig } from "../src/config.js";
import { LearnedModelSchema } from "../src/index.js";
import { shapeErrors } from "../src/shape.js";
import { DEFAULT_MODEL } from "../src/strategies/default-model.js";
import { LEARNED_MODEL_SHAPE, parseModel } from "../src/strategies/learned.js";

const noFile = (p: string): string => {
  throw new Error(`ENOENT: ${p}`);
};

const model = DEFAULT_MODEL as unknown as Record<string, unknown>;
const modelVariants: unknown[] = [
  model,
  { ...model, kind: "other" },
  { ...model, version: 2 },
  { ...model, hashDims: -1 },
  { ...model, hashDims: 65537 },
  { ...model, hashDims: 1.5 },
  { ...model, threshold: 1.01 },
  { ...model, threshold: 0 },
  { ...model, mean: [1, "2"] },
  { ...model, features: [1] },
  { ...model, trainedOn: { examples: 1, seed: 2 } },
  { ...model, trainedOn: { examples: 1, seed: 2, epochs: 0.5 } },
  Object.fromEntries(Object.entries(model).filter(([k]) => k !== "weights")),
  [],
  null,
  "model",
];

describe("the model file's run-time shape check agrees with its TypeBox schema", () => {
  it.each(modelVariants.map((v, i) => [i, v] as const))("model variant %i", (_i, v) => {
    expect(shapeErrors(LEARNED_MODEL_SHAPE, v).length === 0).toBe(Value.Check(LearnedModelSchema, v));
  });

  it("covers both valid and invalid cases", () => {
    expect(Value.Check(LearnedModelSchema, model)).toBe(true);
    expect(modelVariants.filter((v) => !Value.Check(LearnedModelSchema, v)).length).toBeGreaterThan(10);
  });
});

describe("validation messages", () => {
  it("name the field, the rule and the bad value", () => {
    expect(() => loadMinerConfig(["--port", "70000"], {}, noFile)).toThrow(
      '--port must be a whole number from 0 to 65535, got "70000"',
    );
    expect(() => loadMinerConfig(["--budget-ms", "0"], {}, noFile)).toThrow(
      '--budget-ms must be a whole number from 1 to 60000, got "0"',
    );
    expect(() => loadMinerConfig(["--log-level", "loud"], {}, noFile)).toThrow(
      '--log-level must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    );
    expect(() => loadMinerConfig([], { APEX_MINER_VERIFY: "yes please" }, noFile)).toThrow(
      'environment APEX_MINER_VERIFY must be true or false, got "yes please"',
    );
    expect(() => loadMinerConfig(["--config", "c.yaml"], {}, () => "minValidatorStake: -1\n")).toThrow(
      'config file c.yaml: minValidatorStake must be a number ≥ 0, got "-1"',
    );
  });

  it("say what is wrong with a model file", () => {
    const bad = { ...model, trainedOn: { examples: 1, seed: 2 } };
    expect(() => parseModel(JSON.stringify(bad), "m.json")).toThrow(
      "m.json is not an apex-miner model (trainedOn/epochs is required); create one with",
    );
    expect(() => parseModel(JSON.stringify({ ...model, mean: [0, "x"] }), "m.json")).toThrow(
      '(mean/1 must be a number, got "x")',
    );
    expect(() => parseModel("[]", "m.json")).toThrow("(value must be a mapping, got a list)");
  });
});

describe("the miner CLI's import graph", () => {
  it("does not reach typebox (it costs ~20 MB resident)", () => {
    const src = resolve(dirname(fileURLToPath(import.meta.url)), "../src");
    const seen = new Set<string>();
    const bare = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      // Static imports and re-exports; `import type` is erased at build time.
      for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+"([^"]+)"/gms)) {
        const spec = m[1]!;
        if (spec.startsWith(".")) visit(join(dirname(file), spec.replace(/\.js$/, ".ts")));
        else bare.add(spec);
      }
    };
    visit(join(src, "cli.ts"));
    expect(seen.has(join(src, "config.ts"))).toBe(true);
    expect(seen.has(join(src, "strategies", "learned.ts"))).toBe(true);
    expect(seen.has(join(src, "schemas.ts"))).toBe(false);
    expect([...bare].filter((s) => s.startsWith("typebox") || s.includes("type-provider-typebox"))).toEqual(
      [],
    );
  });
});
