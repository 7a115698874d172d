// Pure helpers shared by every benchmark: medians, ratios, growth exponents and plain-text tables.

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error("median of an empty list: measure at least once");
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** subject / baseline; NaN when the baseline is missing or zero (shown as "n/a"). */
export function ratio(subject: number, baseline: number): number {
  return baseline > 0 && Number.isFinite(baseline) && Number.isFinite(subject)
    ? subject / baseline
    : Number.NaN;
}

/** "2.35×" (3 significant digits, at most 1 decimal above 100); "n/a" for NaN or infinite. */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return "n/a";
  const abs = Math.abs(r);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return `${r.toFixed(digits)}×`;
}

/** A number with a sensible number of decimals for a table. */
export function fmt(x: number, unit = ""): string {
  if (!Number.isFinite(x)) return "n/a";
  const abs = Math.abs(x);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return `${x.toFixed(digits)}${unit ? ` ${unit}` : ""}`;
}

/** Least-squares slope of log(t) against log(n): t ∝ n^k. Needs two or more distinct n. */
export function growthExponent(ns: readonly number[], ts: readonly number[]): number {
  if (ns.length !== ts.length || ns.length < 2) throw new Error("growthExponent needs ≥ 2 (n, t) pairs");
  const xs = ns.map(Math.log);
  const ys = ts.map(Math.log);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  if (den === 0) throw new Error("growthExponent needs at least two distinct sizes");
  return num / den;
}

/** Runs `rounds` rounds of every named measurement in turn (A B A B …) so drift hits all of them alike. */
export async function interleaved<K extends string>(
  rounds: number,
  subjects: Record<K, () => Promise<number>>,
): Promise<Record<K, number[]>> {
  const keys = Object.keys(subjects) as K[];
  const out = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r < rounds; r++) for (const k of keys) out[k].push(await subjects[k]());
  return out;
}

/** A right-aligned plain-text table (Markdown-compatible with `markdown: true`). */
export function renderTable(headers: string[], rows: string[][], markdown = false): string {
  if (markdown) {
    const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
    return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
