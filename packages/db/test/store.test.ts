import { existsSync } from "node:fs";
import { join } from "node:path";
import { accumulateRow, mulberry32 } from "@apex/protocol";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { countedFlags, MIGRATIONS_FOLDER, openResultsStore, type SqliteResultsStore } from "../src/index.js";
import { makeRound, tempDir } from "./fixtures.js";

let dir: string;
let cleanup: () => void;
let path: string;
let store: SqliteResultsStore;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  path = join(dir, "results.db");
  store = openResultsStore(path);
});
afterEach(() => {
  store.close();
  cleanup();
});

const T0 = Date.UTC(2026, 0, 1);

describe("openResultsStore", () => {
  it("finds the committed migrations next to the module and sets the pragmas", () => {
    expect(existsSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"))).toBe(true);
    const raw = new Database(path);
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    const tables = raw
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => (r as { name: string }).name);
    expect(tables).toEqual(expect.arrayContaining(["rounds", "discriminator_results", "weight_submissions"]));
    raw.close();
    expect(store.integrityCheck()).toBe("ok");
  });

  it("rejects an empty path with a message that says what to pass", () => {
    expect(() => openResultsStore("")).toThrow(/path must be a file path/);
    expect(() => store.windowTotals(Number.NaN)).toThrow(/windowTotals: expected a time in ms/);
  });

  it("round-trips a round with its discriminators in play order", () => {
    const r = makeRound("r1", T0, "hkA", [
      ["hkB", "1"],
      ["hkC", "0"],
      ["hkD", null],
    ]);
    store.insertRound(r);
    expect(store.roundCount()).toBe(1);
    expect(store.getRound("r1")).toEqual(r);
    expect(store.recentRounds(10)).toEqual([r]);
    expect(store.getRound("missing")).toBeNull();
  });

  it("returns recent rounds newest first and honours the limit", () => {
    for (let i = 0; i < 5; i++) store.insertRound(makeRound(`r${i}`, T0 + i * 1000, "hkA", [["hkB", "1"]]));
    expect(store.recentRounds(3).map((r) => r.id)).toEqual(["r4", "r3", "r2"]);
  });

  it("rejects a malformed round before writing anything", () => {
    const bad = { ...makeRound("bad", T0, "hkA", [["hkB", "1"]]), groundTruth: 2 as unknown as 0 };
    expect(() => store.insertRound(bad)).toThrow(/groundTruth must be 0 or 1/);
    const nan = makeRound("nan", T0, "hkA", [["hkB", "1"]]);
    nan.discriminators[0]!.score = Number.NaN;
    expect(() => store.insertRound(nan)).toThrow(/discriminators\[0\]\.score must be a finite number/);
    expect(store.roundCount()).toBe(0);
  });
});

describe("window totals", () => {
  it("sums g and d_i per hotkey and excludes the Validator pseudo-hotkey", () => {
    // Generator round: GT 1, answers 1,0 → d = [0.5, 0], g = 0.5 (the upstream unit-test example).
    store.insertRound(
      makeRound("g1", T0, "hkA", [
        ["hkB", "1"],
        ["hkC", "0"],
      ]),
    );
    // Reference round: GT 0, answers 0,1 → d = [0.5, 0], g(Validator) = 0.5 is discarded.
    store.insertRound(
      makeRound("v1", T0 + 1, "Validator", [
        ["hkB", "0"],
        ["hkC", "1"],
      ]),
    );
    const totals = store.windowTotals(T0);
    expect(Object.fromEntries(totals)).toEqual({ hkA: 0.5, hkB: 1, hkC: 0 });
    expect(totals.has("Validator")).toBe(false);
  });

  it("includes a round exactly at the window start and excludes one just before it", () => {
    store.insertRound(makeRound("old", T0 - 1, "hkOld", [["hkB", "1"]]));
    store.insertRound(makeRound("edge", T0, "hkEdge", [["hkB", "0"]]));
    const totals = store.windowTotals(T0);
    expect(totals.has("hkOld")).toBe(false);
    expect(totals.get("hkEdge")).toBe(1);
    expect(totals.get("hkB")).toBe(0);
    expect(store.windowTotals(T0 - 1).get("hkOld")).toBe(0);
    expect(store.windowTotals(T0 - 1).get("hkB")).toBe(1);
  });

  it("applies the per-row rule: a hotkey that is generator and discriminator gets the generator value only", () => {
    // hkA generates and also discriminates (says "1", correct): d would be 0.5 but the row gives it g only.
    store.insertRound(
      makeRound("self", T0, "hkA", [
        ["hkA", "1"],
        ["hkB", "0"],
      ]),
    );
    expect(Object.fromEntries(store.windowTotals(T0))).toEqual({ hkA: 0.5, hkB: 0 });
    // A "Validator" round never overwrites: a discriminator is paid normally.
    expect(countedFlags("Validator", ["hkA", "hkB"])).toEqual([true, true]);
    // A hotkey listed twice counts once, its last entry (dict overwrite).
    expect(countedFlags("hkZ", ["hkA", "hkB", "hkA"])).toEqual([false, true, true]);
  });

  it("matches the protocol's accumulateRow on random rounds", () => {
    const rand = mulberry32(42);
    const hotkeys = ["h0", "h1", "h2", "h3", "h4", "h5"];
    const expected = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const gen = rand() < 0.5 ? "Validator" : hotkeys[Math.floor(rand() * hotkeys.length)]!;
      const n = 1 + Math.floor(rand() * 5);
      const answers: Array<[string, string | null]> = [];
      for (let j = 0; j < n; j++) {
        const a = rand();
        answers.push([hotkeys[Math.floor(rand() * hotkeys.length)]!, a < 0.4 ? "0" : a < 0.8 ? "1" : null]);
      }
      const r = makeRound(`p${i}`, T0 + i, gen, answers);
      store.insertRound(r);
      accumulateRow(expected, {
        generatorHotkey: r.generatorHotkey,
        generatorScore: r.generatorScore,
        discriminatorHotkeys: r.discriminators.map((d) => d.hotkey),
        discriminatorScores: r.discriminators.map((d) => d.score),
      });
    }
    const got = store.windowTotals(T0);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [h, v] of expected) expect(got.get(h)).toBeCloseTo(v, 9);
  });

  it("windowStats splits rewards by role and agrees with windowTotals", () => {
    store.insertRounds([
      makeRound("a", T0, "hkA", [
        ["hkA", "1"],
        ["hkB", "1"],
        ["hkC", "0"],
        ["hkD", null],
      ]),
      makeRound("b", T0 + 1, "Validator", [
        ["hkA", "0"],
        ["hkB", "1"],
      ]),
      makeRound("c", T0 + 2, "hkB", [
        ["hkA", "1"],
        ["hkC", "1"],
      ]),
    ]);
    const stats = Object.fromEntries(store.windowStats(T0).map((s) => [s.hotkey, s]));
    expect(stats.hkA).toMatchObject({
      roundsAsGenerator: 1,
      roundsAsDiscriminator: 3,
      correct: 3,
      generatorReward: 0.5,
      discriminatorReward: 0.5 + 0.5, // round a's entry is overwritten by g; b and c pay 0.5 each
    });
    expect(stats.hkB).toMatchObject({ roundsAsGenerator: 1, roundsAsDiscriminator: 2, correct: 1 });
    expect(stats.hkB!.generatorReward).toBeCloseTo(0, 12);
    expect(stats.hkB!.discriminatorReward).toBeCloseTo(0.25, 12);
    expect(stats.Validator).toBeUndefined();
    const totals = store.windowTotals(T0);
    for (const s of Object.values(stats)) expect(s.total).toBeCloseTo(totals.get(s.hotkey)!, 12);
    expect(store.windowSummary(T0)).toEqual({
      rounds: 3,
      referenceRounds: 1,
      generatorRounds: 2,
      referenceFailures: 0,
    });
  });
});

describe("durability", () => {
  it("a batch with one bad round leaves nothing", () => {
    const good = makeRound("ok1", T0, "hkA", [["hkB", "1"]]);
    // Duplicate primary key inside the batch: SQLite rejects the second insert, the whole batch rolls back.
    expect(() => store.insertRounds([good, makeRound("ok2", T0, "hkA", []), good])).toThrow();
    expect(store.roundCount()).toBe(0);
    expect(store.windowTotals(0).size).toBe(0);
  });

  it("a second connection never sees a half-written round", () => {
    const reader = openResultsStore(path, { readonly: true });
    const raw = new Database(path);
    let seenMidWrite = -1;
    let discMidWrite = -1;
    const tx = raw.transaction(() => {
      raw
        .prepare(
          "INSERT INTO rounds (id, created_at, kind, ground_truth, query, shown_text, generator_hotkey, generator_score, discriminator_count) VALUES ('w', 1, 'generator', 1, 'q', 't', 'hkA', 1, 1)",
        )
        .run();
      seenMidWrite = reader.roundCount();
      discMidWrite = reader.windowTotals(0).size;
      throw new Error("crash before the discriminator rows");
    });
    expect(() => tx()).toThrow(/crash/);
    expect(seenMidWrite).toBe(0);
    expect(discMidWrite).toBe(0);
    expect(reader.roundCount()).toBe(0);
    raw.close();
    reader.close();
  });

  it("reopening keeps the data and the database stays intact", () => {
    store.insertRounds([makeRound("k1", T0, "hkA", [["hkB", "1"]]), makeRound("k2", T0 + 5, "hkB", [])]);
    store.recordWeightSubmission({
      createdAt: T0 + 10,
      block: 99,
      netuid: 1,
      uids: [0, 1],
      weights: [65535, 0],
      versionKey: 30006,
      mode: "set",
      outcome: "ok",
      error: null,
    });
    const before = Object.fromEntries(store.windowTotals(T0));
    store.close();
    store = openResultsStore(path);
    expect(store.roundCount()).toBe(2);
    expect(Object.fromEntries(store.windowTotals(T0))).toEqual(before);
    expect(store.lastWeightSubmission()).toMatchObject({ block: 99, uids: [0, 1], weights: [65535, 0] });
    expect(store.integrityCheck()).toBe("ok");
    expect(store.dbSizeBytes()).toBeGreaterThan(0);
  });

  it("refuses writes on a read-only store", () => {
    const reader = openResultsStore(path, { readonly: true });
    expect(() => reader.insertRound(makeRound("x", T0, "hkA", []))).toThrow(/read-only/);
    reader.close();
  });
});

describe("pruneBefore", () => {
  it("deletes old rounds and their discriminator rows in batches, keeps the rest", () => {
    const rounds = [];
    for (let i = 0; i < 23; i++) rounds.push(makeRound(`o${i}`, T0 + i, "hkA", [["hkB", "1"]]));
    rounds.push(makeRound("new", T0 + 100, "hkC", [["hkB", "1"]]));
    store.insertRounds(rounds);
    expect(store.pruneBefore(T0 + 100, 5)).toBe(23);
    expect(store.roundCount()).toBe(1);
    expect(Object.fromEntries(store.windowTotals(0))).toEqual({ hkB: 1, hkC: 0 });
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare("SELECT COUNT(*) AS n FROM discriminator_results").get()).toEqual({ n: 1 });
    raw.close();
    expect(store.pruneBefore(T0 + 100)).toBe(0);
    expect(() => store.pruneBefore(T0, 0)).toThrow(/batchSize/);
  });
});

describe("exportRounds", () => {
  it("streams rounds since a time, oldest first, across pages", () => {
    const rs = [];
    for (let i = 0; i < 1203; i++)
      rs.push(makeRound(`e${String(i).padStart(4, "0")}`, T0 + Math.floor(i / 3), "hkA", []));
    store.insertRounds(rs);
    const out = [...store.exportRounds(T0 + 1)];
    expect(out.length).toBe(1200);
    expect(out[0]!.id).toBe("e0003");
    expect(out.at(-1)!.id).toBe("e1202");
    const ids = out.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
