import type { BenchConfig } from "./config.js";
import type { BenchReport } from "./report.js";

export async function benchScorer(_cfg: BenchConfig): Promise<BenchReport> {
  throw new Error("not written yet");
}
