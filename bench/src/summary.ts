// The summary table: one row per figure, with its baseline, ratio and target.
import type { BenchReport } from "./report.js";
import { fmt, formatRatio } from "./stats.js";

export const SUMMARY_HEADERS = ["bench", "case", "metric", "median", "baseline", "ratio", "target", "met"];

export function summaryRows(reports: readonly BenchReport[]): string[][] {
  const rows: string[][] = [];
  for (const r of reports) {
    for (const f of r.figures) {
      rows.push([
        r.name,
        f.case,
        f.metric,
        fmt(f.value, f.unit),
        f.baseline ? `${fmt(f.baseline.value, f.unit)} (${f.baseline.name})` : "",
        f.ratio === undefined ? "" : `${formatRatio(f.ratio)}${f.ratioNote ? ` (${f.ratioNote})` : ""}`,
        f.target ?? "",
        f.met === undefined ? "" : f.met ? "yes" : "NO",
      ]);
    }
  }
  return rows;
}
