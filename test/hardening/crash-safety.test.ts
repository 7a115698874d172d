// Crash safety: the built validator CLI (node apps/validator/dist/cli.js --fast) against real miners and a
// served SimChain in this process, SIGKILLed at seeded random points and restarted. After every kill: each
// round the process had reported stored is on disk, whole; nothing on disk before is lost; PRAGMA
// integrity_check is ok; and on restart the scorer sets weights from the totals it finds in the DB.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMinerConfig, type RunningMiner, startMiner } from "../../apps/miner/src/index.js";
import { rewardsToVector } from "../../apps/validator/src/index.js";
import {
  bootstrapSubnet,
  type ServedSimChain,
  SimChain,
  SimChainClient,
  serveSimChain,
} from "../../packages/chain/src/index.js";
import { openResultsStore } from "../../packages/db/src/index.js";
import { epistulaReady } from "../../packages/protocol/src/index.js";
import { devKeypair, writeDevWallet } from "../../packages/wallet/src/index.js";
import { intIn, mulberry32, pick } from "../helpers/prng.js";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const CLI = join(ROOT, "apps/validator/dist/cli.js");
const KILLS = 6;
const MINER_HOST = "127.0.0.2";

let cliProblem: string | null = null;
let sim: SimChain;
let served: ServedSimChain;
let netuid: number;
let validatorUid: number;
let dir: string;
const miners: RunningMiner[] = [];
const clients: SimChainClient[] = [];

/** Builds the validator CLI when dist is missing (a fresh clone); says why when it cannot. */
function ensureCli(): string | null {
  if (existsSync(CLI)) return null;
  const turbo = join(ROOT, "node_modules/.bin/turbo");
  if (!existsSync(turbo)) return `no ${CLI} and no turbo to build it (run npm run build)`;
  const r = spawnSync(turbo, ["run", "build", "--filter=@apex/validator", "--output-logs=errors-only"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 170_000,
  });
  if (r.status !== 0 || !existsSync(CLI))
    return `building @apex/validator failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout).slice(-400)}`;
  return null;
}

beforeAll(async () => {
  cliProblem = ensureCli();
  if (cliProblem) return;
  await epistulaReady();
  dir = mkdtempSync(join(tmpdir(), "apex-hardening-crash-"));
  sim = new SimChain({ tempo: 10, weightsRateLimit: 0 });
  const validator = await writeDevWallet({
    root: join(dir, "wallets"),
    wallet: "crash",
    hotkey: "validator",
    uri: "//Hardening/crash-validator",
    coldkeyUri: "//Hardening/crash-validator-cold",
  });
  const minerKeys = await Promise.all([0, 1, 2].map((i) => devKeypair(`//Hardening/crash-miner${i}`)));
  const res = await bootstrapSubnet(sim, {
    sudo: await devKeypair("//Alice"),
    owner: {
      coldkey: await devKeypair("//Hardening/crash-owner-cold"),
      hotkey: await devKeypair("//Hardening/crash-owner"),
    },
    validators: [
      {
        coldkey: await devKeypair("//Hardening/crash-validator-cold"),
        hotkey: { address: validator.hotkeyAddress },
        stakeRao: 30_000n * 1_000_000_000n,
      },
    ],
    miners: await Promise.all(
      minerKeys.map(async (hotkey, i) => ({
        coldkey: await devKeypair(`//Hardening/crash-miner-cold${i}`),
        hotkey,
      })),
    ),
    weightsRateLimit: 0,
    advanceBlocks: (n) => {
      sim.produceBlocks(n);
    },
  });
  netuid = res.netuid;
  validatorUid = res.uids.byHotkey[validator.hotkeyAddress]!;
  served = await serveSimChain(sim, { host: "127.0.0.1", port: 0 });
  sim.start(); // blocks on the real clock, as a served chain has them

  // Real miners that join the served chain themselves: look up their uid, announce 127.0.0.2, verify Epistula
  // against the metagraph (the validator holds a permit).
  const answers = ["constant-1", "constant-0", "heuristic"];
  for (const [i, hotkey] of minerKeys.entries()) {
    const client = new SimChainClient(served.url, { timeoutMs: 5_000 });
    clients.push(client);
    const config = loadMinerConfig(
      [
        "--network",
        "sim",
        "--netuid",
        String(netuid),
        "--host",
        MINER_HOST,
        "--port",
        "0",
        "--external-ip",
        MINER_HOST,
        "--generator",
        "dummy",
        "--discriminator",
        answers[i]!,
        "--min-validator-stake",
        "1000",
      ],
      {},
      (p) => {
        throw new Error(`no file ${p}`);
      },
    );
    miners.push(await startMiner(config, { chain: client, hotkey, coldkeyAddress: "" }));
  }
  writeFileSync(
    join(dir, "validator.yaml"),
    [
      "miner_sampler:",
      "  request_timeout: 3",
      "  discriminator_sample_size: 3",
      "  address_policy: any",
      "pipeline:",
      "  reference_rate: 0.5",
      "",
    ].join("\n"),
  );
}, 200_000);

afterAll(async () => {
  for (const m of miners) await m.close();
  for (const c of clients) await c.close();
  await served?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Life {
  child: ChildProcess;
  /** Round ids the process logged as stored, in order. */
  stored: string[];
  weightsOk: number;
  lines: string[];
  waiters: Array<() => void>;
  exited: Promise<void>;
}

function spawnValidator(db: string, seed: number): Life {
  const child = spawn(
    process.execPath,
    [
      CLI,
      "--network",
      "sim",
      "--chain-endpoint",
      served.url,
      "--netuid",
      String(netuid),
      "--wallet-path",
      join(dir, "wallets"),
      "--coldkey",
      "crash",
      "--hotkey",
      "validator",
      "--config",
      join(dir, "validator.yaml"),
      "--fast",
      "--db",
      db,
      "--port",
      "0",
      "--seed",
      String(seed),
      "--log-level",
      "info",
    ],
    { cwd: dir, env: {}, stdio: ["ignore", "ignore", "pipe"] },
  );
  const life: Life = {
    child,
    stored: [],
    weightsOk: 0,
    lines: [],
    waiters: [],
    exited: new Promise((r) => child.once("exit", () => r())),
  };
  let buf = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    buf += chunk;
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      life.lines.push(line);
      try {
        const j = JSON.parse(line) as { msg?: string; round?: string; outcome?: string };
        if (j.msg === "round stored" && j.round) life.stored.push(j.round);
        if (j.msg === "weight submission" && j.outcome === "ok") life.weightsOk++;
      } catch {
        // not a log line
      }
      for (const w of life.waiters.splice(0)) w();
    }
  });
  return life;
}

/** Resolves when `done()` holds (checked on every log line) or after `ms`; true when it held. */
function until(life: Life, done: () => boolean, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(done()), ms);
    const check = () => {
      if (done()) {
        clearTimeout(timer);
        resolve(true);
      } else life.waiters.push(check);
    };
    check();
    life.exited.then(() => {
      clearTimeout(timer);
      resolve(done());
    });
  });
}

function readDb(db: string) {
  const store = openResultsStore(db, { readonly: true });
  try {
    const rounds = store.recentRounds(1_000_000);
    return {
      integrity: store.integrityCheck(),
      rounds,
      ids: new Set(rounds.map((r) => r.id)),
      totals: store.windowTotals(0),
    };
  } finally {
    store.close();
  }
}

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

describe("crash safety of the validator CLI", () => {
  it(`SIGKILL at ${KILLS} random points and restart: committed rounds survive whole, integrity ok, scorer resumes`, {
    timeout: 240_000, // six lives; each wait below is bounded at 30 s only so a stuck life cannot hang the suite
  }, async () => {
    // A must-run test (scripts/test.mjs): a CLI that cannot be built is a failure, not a skip.
    if (cliProblem) throw new Error(`crash-safety cannot run: ${cliProblem}`);
    if (statSync(CLI).mtimeMs < statSync(join(ROOT, "apps/validator/src/cli.ts")).mtimeMs)
      console.warn("crash-safety: apps/validator/dist is older than src; run the build to test current code");
    const db = join(dir, "results.db");
    const rnd = mulberry32(0xc0ffee);
    let onDisk = new Set<string>();
    let lastTotal = 0;
    let resumedChecks = 0;
    const livesWithRounds = new Set<number>();
    // Where each kill landed in the life it ended: the test must have killed in every one of these phases.
    const phases = new Set<string>();

    for (let i = 0; i < KILLS; i++) {
      // Totals as the restarted scorer will find them (the DB is closed: the previous life is dead).
      const before = existsSync(db) ? readDb(db) : null;
      const life = spawnValidator(db, 100 + i);
      // Kill points are picked in the process's own event order (its log lines), not in milliseconds: the same
      // seed kills at the same step of each life however loaded the machine is.
      const mode =
        i === 0 ? "after-round" : pick(rnd, ["after-round", "after-round", "after-weights", "early"]);
      if (mode === "after-round") {
        const n = intIn(rnd, 1, 2);
        await until(life, () => life.stored.length >= n, 30_000);
        const lines = life.lines.length + intIn(rnd, 0, 3);
        await until(life, () => life.lines.length >= lines, 30_000);
      } else if (mode === "after-weights") {
        await until(life, () => life.weightsOk > 0, 30_000);
      } else {
        // Its first log lines: the status server is up, the validator started (nothing stored yet).
        const lines = intIn(rnd, 1, 2);
        await until(life, () => life.lines.length >= lines, 30_000);
      }
      phases.add(
        life.stored.length === 0
          ? "before any round"
          : life.weightsOk > 0
            ? "after weights"
            : "between rounds",
      );
      // The restarted scorer set weights from what it found in the DB (before this life stored anything: its
      // first cycle reads the totals synchronously at start, ahead of any round).
      if (before && before.totals.size > 0 && life.weightsOk > 0) {
        const mg = await sim.metagraph(netuid);
        const expected = rewardsToVector(before.totals, mg);
        const onChain = new Map(sim.weightsOf(netuid, validatorUid));
        const e = new Map(expected.uids.map((u, j) => [u, expected.values[j]!]));
        const eMax = Math.max(...e.values());
        const cMax = Math.max(...onChain.values());
        for (const [uid, v] of e)
          expect((onChain.get(uid) ?? 0) / cMax, `uid ${uid}`).toBeCloseTo(v / eMax, 3);
        resumedChecks++;
      }
      const reported = [...life.stored];
      life.child.kill("SIGKILL");
      await life.exited;
      expect(life.child.signalCode).toBe("SIGKILL");
      if (reported.length > 0) livesWithRounds.add(i);

      const after = readDb(db);
      expect(after.integrity, `integrity after kill ${i + 1}`).toBe("ok");
      for (const id of reported)
        expect(after.ids.has(id), `round ${id} reported before kill ${i + 1}`).toBe(true);
      for (const id of onDisk)
        expect(after.ids.has(id), `round ${id} on disk before life ${i + 1}`).toBe(true);
      for (const r of after.rounds) expect(r.discriminators, `round ${r.id} is whole`).toHaveLength(3);
      const total = sum(after.totals);
      expect(total).toBeGreaterThanOrEqual(lastTotal - 1e-9);
      onDisk = after.ids;
      lastTotal = total;
    }

    expect([...phases].sort()).toEqual(["after weights", "before any round", "between rounds"]);
    // Work went on across restarts, and the scorer picked up the DB's totals at least twice.
    expect(livesWithRounds.size).toBeGreaterThanOrEqual(3);
    expect(onDisk.size).toBeGreaterThanOrEqual(4);
    expect(resumedChecks).toBeGreaterThanOrEqual(2);
  });
});
