// 5. Yuma: epoch time for 256, 1024 and 4096 neurons on realistic random inputs (64 validators with permits and
// dense weight rows, bonds from a previous epoch), against one dense n×n pass (a matrix-vector product over the
// same weights) as the yardstick; and the growth exponent.
import { type EpochInput, matmulTranspose, runEpoch } from "@apex/yuma";
import type { BenchConfig } from "./config.js";
import type { BenchReport, Figure } from "./report.js";
import { fmt, growthExponent, median, ratio } from "./stats.js";

const SIZES = [256, 1024, 4096];
const VALIDATORS = 64;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function epochInput(n: number, seed = 1): EpochInput {
  const next = rng(seed);
  const isValidator = (i: number) => i < VALIDATORS;
  const weights = Array.from({ length: n }, (_, i) =>
    isValidator(i)
      ? Array.from({ length: n }, (_, j) => (i === j ? 0 : Math.floor(next() * 65536)))
      : new Array<number>(n).fill(0),
  );
  const bonds = Array.from({ length: n }, (_, i) =>
    isValidator(i)
      ? Array.from({ length: n }, () => Math.floor(next() * 65536))
      : new Array<number>(n).fill(0),
  );
  return {
    currentBlock: 10_000,
    tempo: 360,
    activityCutoff: 5000,
    lastUpdate: Array.from({ length: n }, (_, i) => (isValidator(i) ? 9_900 : 0)),
    blockAtRegistration: Array.from({ length: n }, () => Math.floor(next() * 5000)),
    stake: Array.from({ length: n }, (_, i) => (isValidator(i) ? 10_000 + next() * 1e6 : next() * 100)),
    validatorPermits: Array.from({ length: n }, (_, i) => isValidator(i)),
    maxAllowedValidators: VALIDATORS,
    weights,
    bonds,
    emission: 1e9,
  };
}

export async function benchYuma(cfg: BenchConfig): Promise<BenchReport> {
  const started = Date.now();
  const figures: Figure[] = [];
  const medians: number[] = [];
  for (const n of SIZES) {
    const input = epochInput(n);
    const v = input.stake;
    runEpoch(input); // warm-up (JIT)
    const ours: number[] = [];
    const pass: number[] = [];
    for (let r = 0; r < cfg.repeats; r++) {
      let t = performance.now();
      runEpoch(input);
      ours.push(performance.now() - t);
      t = performance.now();
      matmulTranspose(input.weights, v);
      pass.push(performance.now() - t);
    }
    const value = median(ours);
    medians.push(value);
    figures.push({
      case: `${n} neurons`,
      metric: "epoch time",
      value,
      unit: "ms",
      samples: ours,
      baseline: { name: "one dense n×n pass", value: median(pass), samples: pass },
      ratio: ratio(value, median(pass)),
      ratioNote: "passes' worth",
    });
    console.log(`  yuma ${n}: epoch ${fmt(value, "ms")}, one n×n pass ${fmt(median(pass), "ms")}`);
  }
  const k = growthExponent(SIZES, medians);
  figures.push({ case: "256 → 4096", metric: "growth exponent (t ∝ n^k)", value: k, unit: "" });
  return {
    name: "yuma",
    command: "npm run bench -- yuma",
    figures,
    notes: [
      `${VALIDATORS} validators with permits and dense random u16 weight and bond rows, the rest miners; ` +
        `growth exponent k = ${k.toFixed(2)} (2 = quadratic, the size of the dense matrices)`,
    ],
    seconds: (Date.now() - started) / 1000,
  };
}
