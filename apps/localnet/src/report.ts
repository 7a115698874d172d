// Pure rendering of what a localnet run saw: the JSON report, its Markdown summary, terminal lines and tables,
// and SVG charts. No I/O here: the runner gathers the inputs and writes the outputs.

export type Role = "owner" | "validator" | "miner" | "external";

export interface NeuronReport {
  uid: number;
  hotkey: string;
  role: Role;
  strategy: string | null;
  roundsAsGenerator: number;
  roundsAsDiscriminator: number;
  discriminatorAccuracy: number | null;
  /** What this miner's discriminator scores on the committed held-out set (built-in discriminators only). */
  heldOutAccuracy?: number | null;
  rewardAsGenerator: number;
  rewardAsDiscriminator: number;
  windowReward: number;
  weight: number;
  incentive: number;
  dividends: number;
  emission: number;
  stake: number;
  /** Answers asked of this neuron that did not arrive, by reason: timeout, http_429, transport, invalid_answer… */
  missing: Record<string, number>;
}

/** Something that makes a run not measure the game: a built-in miner that missed answers. */
export interface Anomaly {
  uid: number;
  hotkey: string;
  strategy: string | null;
  reason: string;
  count: number;
}

export interface EpochReport {
  block: number;
  time: number;
  /** By uid. */
  incentive: number[];
  dividends: number[];
  /** The first validator's window reward per uid at this epoch. */
  rewards: number[];
  /** The first validator's last weights (normalised) per uid. */
  weights: number[];
}

export interface LocalnetReport {
  /** 2: neurons[].missing and anomalies. */
  version: 2;
  seed: number;
  clock: "real" | "virtual";
  simulatedHours: number;
  wallSeconds: number;
  netuid: number;
  rounds: number;
  roundsByKind: { reference: number; generator: number };
  referenceFailures: number;
  /** Where the validators' references came from. */
  references?: string;
  epochs: EpochReport[];
  neurons: NeuronReport[];
  /** Empty on a run where every built-in miner answered every request. */
  anomalies: Anomaly[];
}

/**
 * Our built-in miners always answer (a strategy that fails falls back to a fast valid answer), so any answer of
 * theirs that did not arrive is the run's fault, not the strategy's. Outside miners' misses are counted, not
 * flagged: they are someone else's program.
 */
export function findAnomalies(neurons: NeuronReport[]): Anomaly[] {
  const out: Anomaly[] = [];
  for (const n of neurons) {
    if (n.role !== "miner") continue;
    for (const [reason, count] of Object.entries(n.missing).sort(([a], [b]) => a.localeCompare(b))) {
      if (count > 0) out.push({ uid: n.uid, hotkey: n.hotkey, strategy: n.strategy, reason, count });
    }
  }
  return out;
}

/** "http_429×12 timeout×1", or "" when nothing is missing. */
export function renderMissing(missing: Record<string, number>): string {
  return Object.entries(missing)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, n]) => `${reason}×${n}`)
    .join(" ");
}

export function renderAnomalyWarning(anomalies: Anomaly[]): string {
  const total = anomalies.reduce((a, x) => a + x.count, 0);
  const uids = new Set(anomalies.map((a) => a.uid));
  const byReason = new Map<string, number>();
  for (const a of anomalies) byReason.set(a.reason, (byReason.get(a.reason) ?? 0) + a.count);
  const reasons = renderMissing(Object.fromEntries(byReason));
  return (
    `WARNING: ${total} answer(s) from ${uids.size} built-in miner(s) did not arrive (${reasons}); ` +
    "this run does not measure the game. See the report's anomalies and each neuron's missing counts " +
    "(--strict makes this a non-zero exit)."
  );
}

const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : "-");
const short = (hotkey: string) => (hotkey.length > 12 ? `${hotkey.slice(0, 6)}…${hotkey.slice(-4)}` : hotkey);

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** The per-epoch terminal table. */
export function renderEpochTable(block: number, neurons: NeuronReport[]): string {
  const rows = neurons.map((n) => [
    String(n.uid),
    short(n.hotkey),
    n.role,
    n.strategy ?? "",
    fmt(n.windowReward, 3),
    fmt(n.weight),
    fmt(n.incentive),
    fmt(n.dividends),
    fmt(n.emission, 3),
    renderMissing(n.missing) || (n.role === "miner" || n.role === "external" ? "0" : ""),
  ]);
  return `epoch at block ${block}\n${table(
    [
      "uid",
      "hotkey",
      "role",
      "strategy",
      "reward",
      "weight",
      "incentive",
      "dividends",
      "emission",
      "missing",
    ],
    rows,
  )}`;
}

export interface RoundLine {
  index: number;
  kind: "reference" | "generator";
  groundTruth: 0 | 1;
  generatorUid: number | null;
  generatorScore: number;
  answered: number;
  correct: number;
  sampled: number;
  referenceFailed: boolean;
}

export function renderRoundLine(r: RoundLine, validatorLabel = ""): string {
  const who = r.kind === "reference" ? "reference (GT=0)" : `generator uid ${r.generatorUid ?? "?"} (GT=1)`;
  const fallback = r.referenceFailed ? " [reference failed → generator round]" : "";
  return (
    `${validatorLabel}round ${r.index}: ${who}; ${r.correct}/${r.sampled} discriminators correct, ` +
    `${r.sampled - r.answered} silent; g=${r.generatorScore.toFixed(3)}${fallback}`
  );
}

export function renderProgress(done: number, total: number, width = 30, label = ""): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${label}`;
}

/** Each miner's discriminator accuracy in this run next to its figure on the held-out set, and the references used. */
export function renderDiscriminatorFigures(report: LocalnetReport): string {
  const lines = [
    `references: ${report.references ?? "?"}`,
    "discriminator accuracy (this run | held-out set):",
  ];
  for (const n of report.neurons) {
    if (n.role !== "miner" && n.role !== "external") continue;
    const here = n.discriminatorAccuracy === null ? "-" : fmt(n.discriminatorAccuracy, 3);
    const held = n.heldOutAccuracy == null ? "-" : fmt(n.heldOutAccuracy, 3);
    lines.push(`  uid ${n.uid} ${n.strategy ?? "?"}: ${here} | ${held}`);
  }
  return lines.join("\n");
}

export function renderMarkdown(report: LocalnetReport): string {
  const miners = report.neurons.filter((n) => n.role === "miner" || n.role === "external");
  const lines = [
    "# apex-localnet run",
    "",
    `- clock: ${report.clock}, simulated hours: ${report.simulatedHours.toFixed(2)}, wall seconds: ${report.wallSeconds.toFixed(1)}`,
    `- seed ${report.seed}, netuid ${report.netuid}`,
    `- rounds: ${report.rounds} (${report.roundsByKind.reference} reference, ${report.roundsByKind.generator} generator; ${report.referenceFailures} reference failures)`,
    `- references: ${report.references ?? "?"}`,
    `- epochs: ${report.epochs.length}`,
    `- anomalies: ${report.anomalies.length === 0 ? "none (every built-in miner answered every request)" : renderAnomalyWarning(report.anomalies)}`,
    "",
    "| uid | role | strategy | gen rounds | disc rounds | disc accuracy | held-out accuracy | reward (gen) | reward (disc) | weight | incentive | dividends | emission | missing |",
    "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ...report.neurons.map(
      (n) =>
        `| ${n.uid} | ${n.role} | ${n.strategy ?? ""} | ${n.roundsAsGenerator} | ${n.roundsAsDiscriminator} | ${
          n.discriminatorAccuracy === null ? "-" : fmt(n.discriminatorAccuracy, 3)
        } | ${n.heldOutAccuracy == null ? "-" : fmt(n.heldOutAccuracy, 3)} | ${fmt(n.rewardAsGenerator, 3)} | ${fmt(n.rewardAsDiscriminator, 3)} | ${fmt(n.weight)} | ${fmt(
          n.incentive,
        )} | ${fmt(n.dividends)} | ${fmt(n.emission, 3)} | ${renderMissing(n.missing)} |`,
    ),
    "",
  ];
  const best = [...miners].sort((a, b) => b.incentive - a.incentive)[0];
  if (best)
    lines.push(
      `Highest incentive: uid ${best.uid} (${best.strategy ?? "?"}) with ${fmt(best.incentive)}.`,
      "",
    );
  return lines.join("\n");
}

export interface Series {
  label: string;
  points: Array<[number, number]>;
}

const PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777"];

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A dependency-free line chart. */
export function renderLineChartSvg(
  title: string,
  xLabel: string,
  series: Series[],
  width = 800,
  height = 420,
): string {
  const pad = { l: 60, r: 180, t: 36, b: 44 };
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const xMin = Math.min(...xs, 0);
  const xMax = Math.max(...xs, 1);
  const yMax = Math.max(...ys, 1e-9);
  const sx = (x: number) => pad.l + ((x - xMin) / (xMax - xMin || 1)) * (width - pad.l - pad.r);
  const sy = (y: number) => height - pad.b - (y / yMax) * (height - pad.t - pad.b);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${pad.l}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${pad.l}" y1="${height - pad.b}" x2="${width - pad.r}" y2="${height - pad.b}" stroke="#333"/>`,
    `<line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${height - pad.b}" stroke="#333"/>`,
    `<text x="${(width - pad.r + pad.l) / 2}" y="${height - 8}" text-anchor="middle">${esc(xLabel)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    parts.push(
      `<text x="${pad.l - 6}" y="${sy(v) + 4}" text-anchor="end">${v.toPrecision(3)}</text>`,
      `<line x1="${pad.l}" y1="${sy(v)}" x2="${width - pad.r}" y2="${sy(v)}" stroke="#eee"/>`,
    );
  }
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const d = s.points
      .map((p, j) => `${j === 0 ? "M" : "L"}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`)
      .join(" ");
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    const ly = pad.t + 16 * i;
    parts.push(
      `<rect x="${width - pad.r + 12}" y="${ly - 9}" width="10" height="10" fill="${color}"/>`,
      `<text x="${width - pad.r + 28}" y="${ly}">${esc(s.label)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
}
