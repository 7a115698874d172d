// A fleet of real HTTP miners with known behaviour against a validator on SimChain and a temp SQLite file.
// Expected rewards are computed from what the MINERS saw and said (an oracle independent of the validator).
import { join } from "node:path";
import { openResultsStore } from "@apex/db";
import { OfflineBackend, OfflineWebSearch } from "@apex/llm";
import { systemClock, toU16Weights } from "@apex/protocol";
import { describe, expect } from "vitest";
import { createValidator, makeValidatorConfig, type RoundEvent, seededRng } from "../src/index.js";
import { type Behaviour, type FleetMiner, fleetTest, REFERENCE_MARKER, type SimSubnet } from "./fleet.js";

const TIMEOUT_S = 1;
const BEHAVIOURS: Behaviour[] = [
  "perfect",
  "always0",
  "always1",
  "random",
  "silent",
  "slow",
  "garbage",
  "huge",
  "reset",
];
// SimChain refuses 127.0.0.1 as an axon (like subtensor); any other 127/8 address is loopback too.
const it = fleetTest.override({
  fleetSpec: { behaviours: BEHAVIOURS, opts: { host: "127.0.0.2", slowMs: 3000, seed: 11 } },
});

/** Replays the game from the miners' side: per round, GT from the text they were shown, d = 1/N, g = 1 − Σd. */
function oracleTotals(
  fleet: FleetMiner[],
  boundaries: Array<Map<FleetMiner, number>>,
  sampled: number,
): { totals: Map<string, number>; kinds: Array<0 | 1> } {
  const totals = new Map<string, number>();
  const kinds: Array<0 | 1> = [];
  for (let r = 1; r < boundaries.length; r++) {
    const slice = (m: FleetMiner) => m.seen.slice(boundaries[r - 1]!.get(m)!, boundaries[r]!.get(m)!);
    // A miner that resets the connection never reads a request, so it is the generator nobody saw asked.
    const generator =
      fleet.find((m) => slice(m).some((s) => s.step === "generator")) ??
      fleet.find((m) => m.behaviour === "reset");
    const shown = fleet
      .flatMap((m) => slice(m).filter((s) => s.step === "discriminator"))
      .map((s) => s.generation);
    const gt: 0 | 1 = shown[0]?.includes(REFERENCE_MARKER) ? 0 : 1;
    expect(new Set(shown).size).toBe(1); // everyone was shown the same text
    kinds.push(gt);
    const row = new Map<string, number>();
    let sum = 0;
    for (const m of fleet) {
      const d = slice(m).find((s) => s.step === "discriminator");
      const answer = d?.reply?.trim() ?? null;
      const score = answer === String(gt) ? 1 / sampled : 0;
      sum += score;
      row.set(m.hotkey.address, score);
    }
    if (gt === 1 && generator) row.set(generator.hotkey.address, 1 - sum);
    for (const [h, v] of row) totals.set(h, (totals.get(h) ?? 0) + v);
  }
  return { totals, kinds };
}

describe("validator against a fleet of real miners (SimChain + SQLite)", () => {
  function makeValidator(net: SimSubnet, dbPath: string, seed: number) {
    const config = makeValidatorConfig({
      chain: { network: "sim", netuid: net.netuid },
      miner_sampler: { request_timeout: TIMEOUT_S, address_policy: "any" },
      pipeline: { seed },
      deep_research: { timeout: 2 },
      logger_db: { db_path: dbPath },
    });
    const store = openResultsStore(dbPath);
    const validator = createValidator(config, {
      chain: net.chain,
      hotkey: net.validator,
      store,
      backend: new OfflineBackend({ seed: 1 }),
      search: new OfflineWebSearch({ seed: 1 }),
      clock: systemClock,
      rng: seededRng(seed),
      makeQuery: async () => "Why do rivers meander? Explain step by step. Consider erosion.",
      research: async (q) => `${REFERENCE_MARKER} Executive Summary: a report on ${q}`,
    });
    return { validator, store };
  }

  it("pays exactly the game's rewards, every round within its deadline, and sets those weights", async ({
    fleet,
    subnet: net,
    tmpDir: dir,
  }) => {
    const { validator, store } = makeValidator(net, join(dir, "fleet.db"), 42);
    const events: RoundEvent[] = [];
    validator.onRound((e) => events.push(e));
    const snapshot = () => new Map(fleet.miners.map((m) => [m, m.seen.length]));
    const boundaries = [snapshot()];
    const ROUNDS = 6;
    for (let i = 0; i < ROUNDS; i++) {
      await validator.runRound();
      // Miners that were cut off may still be finishing their request log; give the event loop a tick.
      await new Promise((r) => setTimeout(r, 20));
      boundaries.push(snapshot());
    }
    expect(events).toHaveLength(ROUNDS);
    // Every round ends within its deadline: one generator request plus one discriminator fan-out, each ≤ 1 s.
    // Real sockets, real time: 3 s of room for a loaded 2-core machine. The silent miner never answers, so a
    // missing deadline hangs the round; serial deadlines (9 × 1 s per fan-out) would still exceed the bound.
    for (const e of events) expect(e.durationMs).toBeLessThan(2 * TIMEOUT_S * 1000 + 3_000);
    // N is the sampled count: all 9 miners are candidates (stake < 24,000, served, not us).
    for (const e of events) expect(e.round.discriminators).toHaveLength(BEHAVIOURS.length);

    const { totals: expected, kinds } = oracleTotals(fleet.miners, boundaries, BEHAVIOURS.length);
    expect(kinds).toContain(0);
    expect(kinds).toContain(1);
    expect(kinds).toEqual(events.map((e) => e.round.groundTruth));

    const got = store.windowTotals(0);
    for (const m of fleet.miners)
      expect(got.get(m.hotkey.address) ?? 0, m.name).toBeCloseTo(expected.get(m.hotkey.address) ?? 0, 9);
    expect(got.has("Validator")).toBe(false);

    // The perfect discriminator is right every round; the no-answer miners never earn as discriminators.
    const by = (b: Behaviour) => fleet.miners.find((m) => m.behaviour === b)!;
    const perfectRounds = events.filter(
      (e) => e.round.generatorHotkey !== by("perfect").hotkey.address,
    ).length;
    const perfectAsDisc = events
      .flatMap((e) => e.round.discriminators)
      .filter((d) => d.hotkey === by("perfect").hotkey.address && d.correct).length;
    expect(perfectAsDisc).toBe(ROUNDS);
    expect(perfectRounds).toBeGreaterThan(0);
    for (const b of ["silent", "slow", "huge", "reset"] as const) {
      const answers = events
        .flatMap((e) => e.round.discriminators)
        .filter((d) => d.hotkey === by(b).hotkey.address);
      expect(
        answers.every((d) => d.answer === null && d.score === 0),
        b,
      ).toBe(true);
    }
    const garbage = events
      .flatMap((e) => e.round.discriminators)
      .filter((d) => d.hotkey === by("garbage").hotkey.address);
    expect(garbage.every((d) => d.answer !== null && !d.correct)).toBe(true);
    // Every request the miners could read carried a valid Epistula signature over the exact bytes, for them.
    for (const m of fleet.miners) for (const s of m.seen) expect(s.epistulaOk, m.name).toBe(true);

    // Weights: the same totals on the chain's uids, max-upscaled.
    const outcome = await validator.scoreAndSetWeights();
    expect(outcome.ok).toBe(true);
    expect(outcome.mode).toBe("set");
    const mg = await net.chain.metagraph(net.netuid);
    const uids = mg.neurons.map((n) => n.uid);
    const values = mg.neurons.map((n) => expected.get(n.hotkey) ?? 0);
    const want = toU16Weights(uids, values);
    const onChain = net.chain.weightsOf(net.netuid, net.uidOf[net.validator.address]!);
    expect(onChain.map(([u]) => u)).toEqual(want.uids);
    for (const [i, [, w]] of onChain.entries()) expect(Math.abs(w - want.weights[i]!)).toBeLessThanOrEqual(1);
    expect(store.lastWeightSubmission()?.outcome).toBe("ok");
    await validator.stop();
    store.close();
  }, 40_000);

  it("keeps totals across a restart: reopen the DB and continue", async ({ subnet: net, tmpDir: dir }) => {
    const path = join(dir, "restart.db");
    const first = makeValidator(net, path, 7);
    await first.validator.runRound();
    await first.validator.runRound();
    const before = first.store.windowTotals(0);
    const rounds = first.store.roundCount();
    await first.validator.stop();
    first.store.close();

    const second = makeValidator(net, path, 8);
    expect(second.store.roundCount()).toBe(rounds);
    expect(second.store.windowTotals(0)).toEqual(before);
    const added = await second.validator.runRound();
    const after = second.store.windowTotals(0);
    for (const d of added.discriminators) {
      const extra = d.hotkey === added.generatorHotkey ? added.generatorScore : d.score;
      expect(after.get(d.hotkey) ?? 0).toBeCloseTo((before.get(d.hotkey) ?? 0) + extra, 9);
    }
    expect(second.store.roundCount()).toBe(rounds + 1);
    await second.validator.stop();
    second.store.close();
  }, 30_000);
});
