import type { BenchConfig } from "./config.js";
import type { BenchReport } from "./report.js";

export async function benchYuma(_cfg: BenchConfig): Promise<BenchReport> {
  throw new Error("not written yet");
}
