// The reward bucket sums behind windowTotals: always equal to what the rows add up to, whatever the window,
// after prunes, and rebuilt by the migration for a database written before they existed.
import { join } from "node:path";
import { mulberry32 } from "@apex/protocol";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openResultsStore, type SqliteResultsStore } from "../src/index.js";
import { makeRound, tempDir } from "./fixtures.js";

const H = 3_600_000;

const seededRng = mulberry32;
const T0 = Date.UTC(2026, 0, 1) + 17 * 60_000; // not on an hour boundary

function close(a: Map<string, number>, b: Map<string, number>) {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [k, v] of a) expect(v).toBeCloseTo(b.get(k)!, 9);
}

let dir: ReturnType<typeof tempDir>;
let store: SqliteResultsStore;
let path: string;
beforeEach(() => {
  dir = tempDir();
  path = join(dir.dir, "r.db");
  store = openResultsStore(path);
});
afterEach(() => {
  store.close();
  dir.cleanup();
});

/** Random rounds over `hours` hours: hotkeys h0..h7 as generators and discriminators, some rounds by "Validator". */
function randomRounds(n: number, hours: number, rng: () => number) {
  const hk = (i: number) => `h${i}`;
  return Array.from({ length: n }, (_, i) => {
    const gen = rng() < 0.5 ? "Validator" : hk(Math.floor(rng() * 8));
    const answers: Array<[string, string | null]> = Array.from({ length: 5 }, () => [
      hk(Math.floor(rng() * 8)),
      rng() < 0.1 ? null : rng() < 0.5 ? "0" : "1",
    ]);
    return makeRound(`r${i}`, T0 + Math.floor(rng() * hours * H), gen, answers);
  });
}

describe("reward bucket sums", () => {
  it("give the same totals as the rows for any window start, also after prunes", () => {
    const rng = seededRng(11);
    store.insertRounds(randomRounds(1500, 30, rng));
    for (let i = 0; i < 40; i++) {
      const since = T0 - H + Math.floor(rng() * 32 * H);
      close(store.windowTotals(since), store.windowTotalsFromRows(since));
    }
    // Prune through the middle of an hour, then ask windows that start before, at and after the cutoff.
    const cut = T0 + 7 * H + 1234;
    store.pruneBefore(cut, 97);
    for (const since of [0, cut - H, cut, cut + 1, cut + 5 * H]) {
      close(store.windowTotals(since), store.windowTotalsFromRows(since));
    }
  });

  it("are rebuilt from existing rows by the migration (a database from before they existed)", () => {
    store.insertRounds(randomRounds(300, 10, seededRng(3)));
    const expected = store.windowTotalsFromRows(0);
    store.close();
    const raw = new Database(path);
    raw.exec("DROP TABLE reward_buckets");
    raw
      .prepare(
        "DELETE FROM __drizzle_migrations WHERE created_at = (SELECT MAX(created_at) FROM __drizzle_migrations)",
      )
      .run();
    raw.close();
    store = openResultsStore(path);
    close(store.windowTotals(0), expected);
    close(store.windowTotals(T0 + 3 * H + 5), store.windowTotalsFromRows(T0 + 3 * H + 5));
  });
});
