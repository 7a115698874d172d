// 3. Scorer: window totals over 10 k … 5 M discriminator results in our store (one row per result, the per-row
// rule resolved at write time, one indexed SUM … GROUP BY) against upstream's method (one row per round holding
// JSON arrays, decoded and summed row by row in Python's sqlite3).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openResultsStore, type RoundRecord } from "@apex/db";
import Database from "better-sqlite3";
import type { BenchConfig } from "./config.js";
import type { BenchReport, Figure } from "./report.js";
import { median, ratio } from "./stats.js";

const PER_ROUND = 50;
const MINERS = 256;
const BATCH = 1000;
const T0 = Date.UTC(2026, 0, 1);
/**
 * The window opens at an arbitrary instant (as a real "now − 22 h" does), not on a boundary of our 10-minute
 * reward buckets, so our partial first bucket is read row by row.
 */
const WINDOW_START = T0 + 27 * 60_000 + 13_000;

/** Deterministic PRNG (mulberry32) so both stores hold the very same rounds. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOTKEYS = Array.from(
  { length: MINERS },
  (_, i) => `5Bench${String(i).padStart(4, "0")}${"x".repeat(38)}`,
);

function makeRound(i: number, next: () => number): RoundRecord {
  const reference = next() < 0.1;
  const gen = Math.floor(next() * MINERS);
  const start = Math.floor(next() * MINERS);
  const discriminators = Array.from({ length: PER_ROUND }, (_, k) => {
    const uid = (start + k) % MINERS;
    const correct = next() < 0.6;
    return {
      hotkey: HOTKEYS[uid]!,
      uid,
      answer: correct === reference ? "0" : "1",
      correct,
      score: correct ? 1 / PER_ROUND : 0,
      latencyMs: 50,
    };
  });
  const sum = discriminators.reduce((a, d) => a + d.score, 0);
  return {
    id: `bench-${i}`,
    createdAt: T0 + i * 1000,
    kind: reference ? "reference" : "generator",
    groundTruth: reference ? 0 : 1,
    query: `query ${i}`,
    shownText: "shown",
    generatorHotkey: reference ? "Validator" : HOTKEYS[gen]!,
    generatorUid: reference ? null : gen,
    generatorLatencyMs: reference ? null : 100,
    generatorScore: reference ? 0 : 1 - sum,
    referenceFailed: false,
    discriminators,
  };
}

function python(): string {
  return existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

export async function benchScorer(cfg: BenchConfig): Promise<BenchReport> {
  const started = Date.now();
  const sizes = cfg.quick ? [10_000, 100_000, 1_000_000] : [10_000, 100_000, 1_000_000, 5_000_000];
  const dir = mkdtempSync(join(tmpdir(), "apex-bench-scorer-"));
  const figures: Figure[] = [];
  const notes: string[] = [];
  const script = fileURLToPath(new URL("../baseline/upstream_scorer.py", import.meta.url));
  try {
    const ours = openResultsStore(join(dir, "ours.db"));
    const up = new Database(join(dir, "upstream.db"));
    up.pragma("journal_mode = WAL");
    up.pragma("synchronous = NORMAL");
    up.exec(`CREATE TABLE discriminator_results (
      query TEXT, generator_hotkey TEXT, generator_result TEXT, generator_score REAL,
      discriminator_hotkeys TEXT, discriminator_results TEXT, discriminator_scores TEXT,
      timestamp INTEGER, processed INTEGER DEFAULT 0, PRIMARY KEY (query, generator_hotkey))`);
    const insertUp = up.prepare("INSERT INTO discriminator_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)");
    const insertUpMany = up.transaction((rounds: RoundRecord[]) => {
      for (const r of rounds) {
        insertUp.run(
          r.query,
          r.generatorHotkey,
          r.shownText,
          r.generatorScore,
          JSON.stringify(r.discriminators.map((d) => d.hotkey)),
          JSON.stringify(r.discriminators.map((d) => d.answer)),
          JSON.stringify(r.discriminators.map((d) => d.score)),
          Math.floor(r.createdAt / 1000),
        );
      }
    });
    const next = rng(7);
    let built = 0;
    for (const results of sizes) {
      const rounds = results / PER_ROUND;
      const t0 = performance.now();
      while (built < rounds) {
        const batch: RoundRecord[] = [];
        for (let k = 0; k < BATCH && built < rounds; k++) batch.push(makeRound(built++, next));
        ours.insertRounds(batch);
        insertUpMany(batch);
      }
      const buildS = (performance.now() - t0) / 1000;
      const ourMs: number[] = [];
      const upMs: number[] = [];
      let checks = { ours: 0, up: 0 };
      for (let r = 0; r < cfg.repeats; r++) {
        const a = performance.now();
        const totals = ours.windowTotals(WINDOW_START);
        ourMs.push(performance.now() - a);
        checks.ours = [...totals.values()].reduce((x, y) => x + y, 0);
        const p = spawnSync(
          python(),
          [script, join(dir, "upstream.db"), String(Math.floor(WINDOW_START / 1000))],
          {
            encoding: "utf8",
            maxBuffer: 1 << 20,
          },
        );
        if (p.status !== 0) throw new Error(`upstream_scorer.py failed: ${p.stderr}`);
        const out = JSON.parse(p.stdout) as { ms: number; checksum: number };
        upMs.push(out.ms);
        checks = { ...checks, up: out.checksum };
      }
      if (Math.abs(checks.ours - checks.up) > 1e-6 * Math.max(1, Math.abs(checks.up))) {
        notes.push(`${results}: totals differ (ours ${checks.ours}, upstream method ${checks.up})`);
      }
      const value = median(ourMs);
      const base = median(upMs);
      const label = results >= 1_000_000 ? `${results / 1_000_000} M results` : `${results / 1000} k results`;
      figures.push({
        case: label,
        metric: "window totals",
        value,
        unit: "ms",
        samples: ourMs,
        baseline: { name: "upstream method (Python)", value: base, samples: upMs },
        ratio: ratio(base, value),
        ratioNote: "speed-up",
        ...(results === 1_000_000
          ? { target: "< 500 ms and ≥ 10×", met: value < 500 && ratio(base, value) >= 10 }
          : {}),
      });
      const mb = (f: string) => statSync(join(dir, f)).size / 2 ** 20;
      console.log(
        `  scorer ${label}: ours ${value.toFixed(1)} ms, upstream method ${base.toFixed(1)} ms ` +
          `(built in ${buildS.toFixed(1)} s; files ${mb("ours.db").toFixed(0)} MB / ${mb("upstream.db").toFixed(0)} MB)`,
      );
    }
    notes.push(
      `rounds of ${PER_ROUND} discriminators over ${MINERS} hotkeys, 10 % reference rounds; both stores hold the ` +
        `same rounds (inserted with insertRounds in batches of ${BATCH}); totals cross-checked between the two; ` +
        "Python timing covers the query, JSON decoding and summing (not interpreter start-up)",
    );
    ours.close();
    up.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    name: "scorer",
    command: "npm run bench -- scorer",
    figures,
    notes,
    seconds: (Date.now() - started) / 1000,
  };
}
