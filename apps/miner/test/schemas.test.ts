// The running miner checks its config and model files with shape.ts, not TypeBox; these tests keep the two
// forms in agreement, keep the messages clear, and keep TypeBox out of the CLI's import graph.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Value } from "typebox/value";
import { describe, expect, it } from "vitest";
import { loadMinerConfig, MINER_CONFIG_SHAPE } from "../src/config.js";
import { LearnedModelSchema, MinerConfigSchema } from "../src/index.js";
import { shapeErrors } from "../src/shape.js";
import { DEFAULT_MODEL } from "../src/strategies/default-model.js";
import { LEARNED_MODEL_SHAPE, parseModel } from "../src/strategies/learned.js";

const noFile = (p: string): string => {
  throw new Error(`ENOENT: ${p}`);
};

const baseConfig = loadMinerConfig(["--seed", "7", "--axon-port", "9000"], {}, noFile) as unknown as Record<
  string,
  unknown
>;
const configVariants: Record<string, unknown>[] = [
  baseConfig,
  { ...baseConfig, port: 65535 },
  { ...baseConfig, port: 65536 },
  { ...baseConfig, port: -1 },
  { ...baseConfig, port: 80.5 },
  { ...baseConfig, port: "80" },
  { ...baseConfig, axonPort: 0 },
  { ...baseConfig, netuid: undefined },
  { ...baseConfig, network: "" },
  { ...baseConfig, network: 5 },
  { ...baseConfig, hotkeyUri: "/" },
  { ...baseConfig, hotkeyUri: "//Alice" },
  { ...baseConfig, verify: "yes" },
  { ...baseConfig, checkIpServices: ["a", ""] },
  { ...baseConfig, checkIpServices: "a" },
  { ...baseConfig, trustedValidators: [1] },
  { ...baseConfig, minValidatorStake: 0.5 },
  { ...baseConfig, minValidatorStake: -0.5 },
  { ...baseConfig, budgetMs: 60_001 },
  { ...baseConfig, budgetMs: 0 },
  { ...baseConfig, rateLimitBurst: 0 },
  { ...baseConfig, llmApiKey: "" },
  { ...baseConfig, seed: 1.5 },
  { ...baseConfig, logLevel: "silent" },
  { ...baseConfig, logLevel: "loud" },
  Object.fromEntries(Object.entries(baseConfig).filter(([k]) => k !== "host")),
];

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

describe("run-time shape checks agree with the TypeBox schemas", () => {
  it.each(configVariants.map((v, i) => [i, v] as const))("config variant %i", (_i, v) => {
    const clean = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined));
    expect(shapeErrors(MINER_CONFIG_SHAPE, clean).length === 0).toBe(Value.Check(MinerConfigSchema, clean));
  });

  it.each(modelVariants.map((v, i) => [i, v] as const))("model variant %i", (_i, v) => {
    expect(shapeErrors(LEARNED_MODEL_SHAPE, v).length === 0).toBe(Value.Check(LearnedModelSchema, v));
  });

  it("covers both valid and invalid cases", () => {
    expect(Value.Check(MinerConfigSchema, baseConfig)).toBe(true);
    expect(Value.Check(LearnedModelSchema, model)).toBe(true);
    expect(configVariants.filter((v) => !Value.Check(MinerConfigSchema, v)).length).toBeGreaterThan(10);
  });
});

describe("validation messages", () => {
  it("name the field, the rule and the bad value", () => {
    expect(() => loadMinerConfig(["--port", "70000"], {}, noFile)).toThrow(
      "invalid miner configuration: port must be <= 65535, got 70000",
    );
    expect(() => loadMinerConfig(["--budget-ms", "0"], {}, noFile)).toThrow("budgetMs must be >= 1, got 0");
    expect(() => loadMinerConfig(["--log-level", "loud"], {}, noFile)).toThrow(
      'logLevel must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got "loud"',
    );
    expect(() => loadMinerConfig(["--config", "c.yaml"], {}, () => "checkIpServices: ['']\n")).toThrow(
      "checkIpServices/0 must have at least 1 character",
    );
    expect(shapeErrors(MINER_CONFIG_SHAPE, { ...baseConfig, verify: "yes" })).toEqual([
      'verify must be true or false, got "yes"',
    ]);
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
