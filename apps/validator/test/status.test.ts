// No-chain mode end to end: real miners, a status server via inject, and the scores/export commands on the DB.
import { join } from "node:path";
import { openResultsStore } from "@apex/db";
import { OfflineBackend, OfflineWebSearch } from "@apex/llm";
import { VirtualClock } from "@apex/protocol";
import { devKeypair } from "@apex/wallet";
import { describe, expect } from "vitest";
import { main } from "../src/cli.js";
import { buildStatusServer, createValidator, loadValidatorConfig, type StatusJson } from "../src/index.js";
import { fleetTest } from "./fleet.js";

const it = fleetTest.override({ fleetSpec: { behaviours: ["perfect", "always1", "always0"] } });

describe("no-chain validator, status server and CLI reads", () => {
  it("runs rounds via start() on a virtual clock, serves /health, /metrics, /api/status, and the DB reads back", async ({
    fleet,
    tmpDir: dir,
  }) => {
    const db = join(dir, "v.db");
    const miners = fleet.miners.map((m) => `http://${m.host}:${m.port}=${m.hotkey.address}`).join(",");
    const config = loadValidatorConfig(
      ["--no-chain", "--miners", miners, "--db", db, "--rounds", "3", "--seed", "5"],
      {},
      () => "",
    );
    const store = openResultsStore(db);
    const clock = new VirtualClock(Date.UTC(2026, 0, 2));
    const v = createValidator(config, {
      hotkey: await devKeypair("//StatusValidator"),
      store,
      backend: new OfflineBackend({ seed: 1 }),
      search: new OfflineWebSearch({ seed: 1 }),
      clock,
    });
    const seen: string[] = [];
    v.onRound((e) => seen.push(e.round.kind));
    v.start();
    // Step the virtual clock until the pipeline has finished its 3 rounds.
    let stopped = false;
    void v.done().then(() => {
      stopped = true;
    });
    for (let i = 0; i < 400 && !stopped; i++) {
      await new Promise((r) => setTimeout(r, 5));
      const next = clock.nextWake();
      // Jump only over the pipeline's long rests, never over an in-flight 20 s request deadline.
      if (next !== undefined && next - clock.now() > 60_000) clock.advanceTo(next);
    }
    expect(stopped).toBe(true);
    expect(seen).toHaveLength(3);
    expect(store.roundCount()).toBe(3);
    // The scorer ran at start: in no-chain mode it only logs (and records) what it would set.
    expect(store.lastWeightSubmission()).toMatchObject({ outcome: "skipped", mode: "set" });

    const app = buildStatusServer(v);
    expect((await app.inject({ url: "/health" })).json()).toEqual({ ok: true, running: false });
    const metrics = (await app.inject({ url: "/metrics" })).body;
    expect(metrics).toMatch(/apex_validator_rounds_total\{kind="(reference|generator)"\} \d/);
    expect(metrics).toMatch(/apex_validator_miner_requests_total\{[^}]*outcome="answered"[^}]*\} \d/);
    expect(metrics).toContain("apex_validator_db_size_bytes");
    const status = (await app.inject({ url: "/api/status?limit=2" })).json() as StatusJson;
    expect(status.version).toBe(1);
    expect(status.recentRounds).toHaveLength(2);
    expect(status.recentRounds[0]!.discriminators).toHaveLength(3);
    expect(status.counts.stored).toBe(3);
    expect(Object.keys(status.windowTotals).length).toBeGreaterThan(0);
    // get_rewards lives on the weight syncer's own listener, never on the (local) status server.
    expect((await app.inject({ method: "POST", url: "/v1/get_rewards", payload: {} })).statusCode).toBe(404);
    await app.close();
    const totals = Object.fromEntries(store.windowTotals(0));
    store.close();

    // `scores --json` prints {hotkey: total}; `export` prints JSONL rounds.
    let out = "";
    const io = { stdout: (t: string) => (out += t), stderr: () => {}, env: {}, readFile: () => "" };
    expect(await main(["scores", "--db", db, "--window", "100000h", "--json"], io)).toBe(0);
    const printed = JSON.parse(out) as Record<string, number>;
    for (const [h, t] of Object.entries(totals)) expect(printed[h]).toBeCloseTo(t, 12);
    out = "";
    expect(await main(["export", "--since", "2026-01-01", "--db", db], io)).toBe(0);
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toHaveProperty("discriminators");
    let err = "";
    expect(await main(["export", "--db", db], { ...io, stderr: (t: string) => (err += t) })).toBe(2);
    expect(err).toMatch(/--since/);
  }, 30_000);
});
