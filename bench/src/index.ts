// @apex/bench: the benchmark runner's pure helpers (the benchmarks themselves run through `npm run bench`).
export * from "./config.js";
export type { BenchReport, Figure, Machine } from "./report.js";
export * from "./stats.js";
export * from "./summary.js";
