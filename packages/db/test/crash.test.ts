import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { openResultsStore } from "../src/index.js";
import { makeRound, tempDir } from "./fixtures.js";

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

it("a process killed in the middle of a write transaction leaves only whole rounds", async () => {
  const path = join(dir, "results.db");
  const store = openResultsStore(path);
  store.insertRound(makeRound("kept", 1_000, "hkA", [["hkB", "1"]]));
  store.close();

  // A separate process opens the same file, starts a transaction, writes a round header without its
  // discriminator rows, says so, and waits to be killed (SIGKILL: no cleanup, no rollback code runs).
  const betterSqlite = createRequire(import.meta.url).resolve("better-sqlite3");
  const script = join(dir, "writer.cjs");
  writeFileSync(
    script,
    `const Database = require(${JSON.stringify(betterSqlite)});
     const db = new Database(${JSON.stringify(path)});
     db.pragma("journal_mode = WAL");
     db.exec("BEGIN");
     db.prepare("INSERT INTO rounds (id, created_at, kind, ground_truth, query, shown_text, generator_hotkey, generator_score, discriminator_count) VALUES ('torn', 2000, 'generator', 1, 'q', 't', 'hkX', 1, 50)").run();
     for (let i = 0; i < 20; i++) db.prepare("INSERT INTO discriminator_results VALUES ('torn', ?, 2000, 'hk' || ?, ?, '1', 1, 0.02, 1, 1)").run(i, i, i);
     process.stdout.write("mid\\n");
     setInterval(() => {}, 1000);`,
  );
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      if (d.toString().includes("mid")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`writer exited early with ${code}`)));
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  child.kill("SIGKILL");
  await exited;

  const reopened = openResultsStore(path);
  expect(reopened.integrityCheck()).toBe("ok");
  expect(reopened.roundCount()).toBe(1);
  expect(reopened.getRound("torn")).toBeNull();
  expect(Object.fromEntries(reopened.windowTotals(0))).toEqual({ hkA: 0, hkB: 1 });
  reopened.close();
}, 20_000);
