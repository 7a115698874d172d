// The game the strategies play, scored with the protocol's own formulas: reference rounds are the validator's
// offline report, generator rounds a sampled miner's text; every miner discriminates. The built-in strategies
// must give a real, learnable signal: learned and heuristic out-earn random and constants, offline out-earns dummy.
import { scoreRound } from "@apex/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { llmStrategyDeps } from "../src/llm-bridge.js";
import { resolveDiscriminator, resolveGenerator } from "../src/strategies/index.js";
import type { Discriminator, Generator } from "../src/strategies/types.js";
import { mulberry32 } from "../src/strategies/types.js";

const GENERATORS = ["dummy", "offline"] as const;
const DISCRIMINATORS = ["random", "constant-0", "constant-1", "heuristic", "learned"] as const;
const ctx = { signal: new AbortController().signal, budgetMs: 15_000 };

interface Miner {
  gen: Generator;
  disc: Discriminator;
}

let miners: Miner[];
const deps = llmStrategyDeps(42);

beforeAll(async () => {
  miners = [];
  for (const g of GENERATORS) {
    for (const d of DISCRIMINATORS) {
      miners.push({
        gen: await resolveGenerator({ generator: g, discriminator: d, seed: 7 }, deps),
        disc: await resolveDiscriminator({ generator: g, discriminator: d, seed: miners.length + 1 }, deps),
      });
    }
  }
});

describe("the game between the built-in strategies", () => {
  it("learned and heuristic out-earn random and constants; offline out-earns dummy", async () => {
    const rnd = mulberry32(2026);
    const discEarned = new Map<string, number>();
    const genEarned = new Map<string, { total: number; rounds: number }>();
    for (let round = 0; round < 240; round++) {
      const query = await deps.queries!(rnd);
      const isReference = rnd() < 0.5;
      let text: string;
      let generator: Miner | undefined;
      if (isReference) text = await deps.reference!(query, round);
      else {
        generator = miners[Math.floor(rnd() * miners.length)]!;
        text = await generator.gen.generate(query, ctx);
      }
      const answers = await Promise.all(miners.map((m) => m.disc.classify(query, text, ctx)));
      const scores = scoreRound(isReference ? 0 : 1, answers);
      miners.forEach((m, i) => {
        discEarned.set(m.disc.name, (discEarned.get(m.disc.name) ?? 0) + scores.discriminatorScores[i]!);
      });
      if (generator) {
        const e = genEarned.get(generator.gen.name) ?? { total: 0, rounds: 0 };
        genEarned.set(generator.gen.name, { total: e.total + scores.generatorScore, rounds: e.rounds + 1 });
      }
    }
    const d = (n: string) => discEarned.get(n)!;
    for (const weak of ["random", "constant-0", "constant-1"]) {
      expect(d("learned"), `learned vs ${weak}`).toBeGreaterThan(d(weak) * 1.2);
      expect(d("heuristic"), `heuristic vs ${weak}`).toBeGreaterThan(d(weak) * 1.1);
    }
    const perRound = (n: string) => genEarned.get(n)!.total / genEarned.get(n)!.rounds;
    expect(perRound("offline")).toBeGreaterThan(perRound("dummy") * 1.3);
  });
});
