// Upstream parity of the weights and of the migration path.
// fixtures/upstream-scorer.json was made by scripts/golden/upstream_vectors.py: it wrote each case's rows into an
// upstream-schema results.db, froze time.time() at `at` and ran Apex v3.0.6's MinerScorer.set_scores (23.75 h
// window), whose AsyncChain.set_weights handed the vector to bittensor 9.9.0's
// convert_and_normalize_weights_and_uids. `expected.totals` is the dict set_scores passed to set_weights and
// `expected.weights` the u16 vector the SDK produced. No upstream code is committed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importUpstreamResults, openResultsStore } from "@apex/db";
import { pyJsonDumps } from "@apex/protocol";
import Database from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { main } from "../src/cli.js";
import { type RoundEvent, roundDebugRecord, scoreWindow } from "../src/index.js";

interface UpstreamRowIn {
  query: string;
  generator_hotkey: string;
  generator_result: string;
  generator_score: number;
  discriminator_hotkeys: string[];
  discriminator_results: string[];
  discriminator_scores: number[];
  timestamp: number;
}
interface ScorerCase {
  at: number;
  window_hours: number;
  rows: UpstreamRowIn[];
  metagraph: Array<{ uid: number; hotkey: string }>;
  expected: { totals: Record<string, number>; weights: { uids: number[]; u16: number[] } };
}

const cases = (
  JSON.parse(readFileSync(new URL("./fixtures/upstream-scorer.json", import.meta.url), "utf8")) as {
    cases: ScorerCase[];
  }
).cases;

// Upstream's table as its logger_db.py documents it (column names, types, primary key, index).
const UPSTREAM_SCHEMA = `
  CREATE TABLE IF NOT EXISTS discriminator_results (
    query TEXT, generator_hotkey TEXT, generator_result TEXT, generator_score REAL,
    discriminator_hotkeys TEXT, discriminator_results TEXT, discriminator_scores TEXT,
    timestamp INTEGER, processed INTEGER DEFAULT 0,
    PRIMARY KEY (query, generator_hotkey));
  CREATE INDEX IF NOT EXISTS idx_discriminator_processed ON discriminator_results(processed);`;

function writeUpstreamDb(path: string, rows: readonly UpstreamRowIn[]): void {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.exec(UPSTREAM_SCHEMA);
  const insert = db.prepare(
    `INSERT INTO discriminator_results (query, generator_hotkey, generator_result, generator_score,
       discriminator_hotkeys, discriminator_results, discriminator_scores, timestamp) VALUES (?,?,?,?,?,?,?,?)`,
  );
  db.transaction(() => {
    for (const r of rows)
      insert.run(
        r.query,
        r.generator_hotkey,
        r.generator_result,
        r.generator_score,
        pyJsonDumps(r.discriminator_hotkeys),
        pyJsonDumps(r.discriminator_results),
        pyJsonDumps(r.discriminator_scores),
        r.timestamp,
      );
  })();
  db.close();
}

function cli() {
  const out = { stdout: "", stderr: "" };
  const io = {
    stdout: (t: string) => {
      out.stdout += t;
    },
    stderr: (t: string) => {
      out.stderr += t;
    },
    env: {},
    readFile: (p: string) => readFileSync(p, "utf8"),
  };
  return { out, io };
}

describe("migrating from upstream, then scoring as upstream", () => {
  cases.forEach((c, i) => {
    it(`case ${i + 1}: ${c.rows.length} rows → import-upstream → scores --profile upstream equals upstream`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "apex-upstream-"));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      const old = join(dir, "results.db");
      const fresh = join(dir, "apex-ts.db");
      const mgPath = join(dir, "metagraph.json");
      writeUpstreamDb(old, c.rows);
      writeFileSync(mgPath, JSON.stringify(c.metagraph));

      // Opening the upstream file is a clear error that names the import command, read-only or not.
      expect(() => openResultsStore(old)).toThrow(/import-upstream --from .*results\.db --db NEW\.db/);
      expect(() => openResultsStore(old, { readonly: true })).toThrow(/upstream schema/);
      const refused = cli();
      expect(await main(["scores", "--db", old, "--json"], refused.io)).toBe(1);
      expect(refused.out.stderr).toMatch(/apex-validator import-upstream/);

      const first = cli();
      expect(await main(["import-upstream", "--from", old, "--db", fresh], first.io)).toBe(0);
      expect(JSON.parse(first.out.stdout)).toMatchObject({ rows: c.rows.length, imported: c.rows.length });
      expect(first.out.stderr).toMatch(new RegExp(`${c.rows.length}/${c.rows.length} rows`));
      // Idempotent: a second run finds every round already there.
      const again = cli();
      expect(await main(["import-upstream", "--from", old, "--db", fresh], again.io)).toBe(0);
      expect(JSON.parse(again.out.stdout)).toMatchObject({ imported: 0, alreadyPresent: c.rows.length });

      const scored = cli();
      const args = [
        "scores",
        "--db",
        fresh,
        "--window",
        "23.75h",
        "--at",
        String(c.at),
        "--metagraph",
        mgPath,
      ];
      expect(await main([...args, "--profile", "upstream", "--json"], scored.io)).toBe(0);
      const got = JSON.parse(scored.out.stdout) as ScorerCase["expected"];
      // Bit-identical: every total as a float64, and the u16 vector.
      expect(Object.keys(got.totals).sort()).toEqual(Object.keys(c.expected.totals).sort());
      for (const [h, t] of Object.entries(c.expected.totals)) expect(got.totals[h]).toBe(t);
      expect(got.weights).toEqual(c.expected.weights);

      // Without the profile (22 h window, float64) the vector is not upstream's.
      const ours = cli();
      expect(
        await main(["scores", "--db", fresh, "--at", String(c.at), "--metagraph", mgPath, "--json"], ours.io),
      ).toBe(0);
      expect((JSON.parse(ours.out.stdout) as ScorerCase["expected"]).weights).not.toEqual(c.expected.weights);
    }, 60_000);
  });

  it("never overwrites: not in place, not an upstream target, not rounds that differ", async () => {
    const c = cases[1]!;
    const dir = mkdtempSync(join(tmpdir(), "apex-upstream-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const old = join(dir, "results.db");
    const other = join(dir, "other-upstream.db");
    const fresh = join(dir, "new.db");
    writeUpstreamDb(old, c.rows);
    writeUpstreamDb(other, c.rows.slice(0, 3));

    const inPlace = cli();
    expect(await main(["import-upstream", "--from", old, "--db", old], inPlace.io)).toBe(2);
    expect(inPlace.out.stderr).toMatch(/new file/);
    const intoUpstream = cli();
    expect(await main(["import-upstream", "--from", old, "--db", other], intoUpstream.io)).toBe(1);
    expect(intoUpstream.out.stderr).toMatch(/upstream schema/);

    expect(await main(["import-upstream", "--from", old, "--db", fresh], cli().io)).toBe(0);
    // Upstream re-scored one round (its upsert keeps the key and replaces the rest): we refuse to overwrite it.
    const db = new Database(old);
    db.prepare("UPDATE discriminator_results SET generator_score = 0.123 WHERE rowid = 1").run();
    db.close();
    const conflict = cli();
    expect(await main(["import-upstream", "--from", old, "--db", fresh], conflict.io)).toBe(1);
    expect(JSON.parse(conflict.out.stdout)).toMatchObject({ conflicts: 1, imported: 0 });
    expect(conflict.out.stderr).toMatch(/not overwritten/);
    const store = openResultsStore(fresh, { readonly: true });
    expect(store.roundCount()).toBe(c.rows.length);
    store.close();
  }, 60_000);
});

// fixtures/upstream-debug.json: the same script ran upstream's MinerScorer(debug=True) on scorer case 2 and its
// LoggerLocal on the round recorded there, with datetime.now() frozen at 2026-01-02 12:00:00.
describe("debug files: byte for byte what upstream writes", () => {
  const debug = JSON.parse(
    readFileSync(new URL("./fixtures/upstream-debug.json", import.meta.url), "utf8"),
  ) as {
    rewards_case: number;
    rewards_line: string;
    round: {
      query: string;
      ground_truth: 0 | 1;
      reference: string | null;
      generator_results: { generator_hotkeys: string[]; generator_results: string[] };
      discriminator_results: {
        generator_hotkey: string;
        discriminator_hotkeys: string[];
        discriminator_results: string[];
        discriminator_scores: number[];
      };
    };
    round_line: string;
  };
  const stamp = "2026-01-02 12:00:00";

  it("miner_scorer.debug: {date, rewards} with upstream's totals in upstream's key order", () => {
    const c = cases[debug.rewards_case - 1]!;
    const dir = mkdtempSync(join(tmpdir(), "apex-upstream-debug-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const old = join(dir, "results.db");
    writeUpstreamDb(old, c.rows);
    const store = openResultsStore(join(dir, "new.db"));
    importUpstreamResults(old, store);
    const totals = scoreWindow(store, c.at * 1000, { windowHours: 23.75, policy: "apex", summation: "rows" });
    store.close();
    expect(`${pyJsonDumps({ date: stamp, rewards: totals })}\n`).toBe(debug.rewards_line);
  });

  it("pipeline.debug: upstream's LoggerLocal record", () => {
    const r = debug.round;
    const d = r.discriminator_results;
    const event = {
      round: {
        kind: r.ground_truth === 0 ? "reference" : "generator",
        groundTruth: r.ground_truth,
        query: r.query,
        shownText: "It scatters.",
        generatorHotkey: d.generator_hotkey,
        discriminators: d.discriminator_hotkeys.map((hotkey, i) => ({
          hotkey,
          // Upstream's "None" is our null (no reply).
          answer: d.discriminator_results[i] === "None" ? null : d.discriminator_results[i]!,
          score: d.discriminator_scores[i]!,
        })),
      },
      redundancyReference: r.reference,
      generatorCandidates: r.generator_results.generator_hotkeys.map((hotkey, i) => ({
        hotkey,
        text: r.generator_results.generator_results[i]!,
      })),
    } as unknown as RoundEvent;
    expect(`${pyJsonDumps(roundDebugRecord(event, stamp))}\n`).toBe(debug.round_line);
  });
});
