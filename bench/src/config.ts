// The ONE place the bench reads its environment and command line.
export const BENCH_NAMES = ["miner", "validator", "scorer", "localnet", "yuma", "first-verdict"] as const;
export type BenchName = (typeof BENCH_NAMES)[number];

export interface BenchConfig {
  /** Which benchmarks to run, in order. */
  benches: BenchName[];
  /** BENCH_QUICK=1: smaller sizes (scorer stops at 1 M, fewer repeats where that is safe). */
  quick: boolean;
  /** Repeats of each interleaved measurement (≥ 3). */
  repeats: number;
}

export function loadBenchConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): BenchConfig {
  const unknown = argv.filter((a) => !(BENCH_NAMES as readonly string[]).includes(a));
  if (unknown.length > 0) {
    throw new Error(
      `unknown benchmark ${unknown.map((u) => `"${u}"`).join(", ")}; choose from ${BENCH_NAMES.join(", ")} ` +
        "(npm run bench -- miner scorer), or none for all",
    );
  }
  const quick = env.BENCH_QUICK === "1" || env.BENCH_QUICK === "true";
  const repeats = env.BENCH_REPEATS ? Number(env.BENCH_REPEATS) : 3;
  if (!Number.isInteger(repeats) || repeats < 3) {
    throw new Error(
      `BENCH_REPEATS must be a whole number ≥ 3 (medians of fewer mean little), got "${env.BENCH_REPEATS}"`,
    );
  }
  const benches = argv.length === 0 ? [...BENCH_NAMES] : (argv as BenchName[]);
  return { benches, quick, repeats };
}
