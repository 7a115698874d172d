import { describe, expect, it } from "vitest";
import { runScenario, SimChain, SimChainClient, serveSimChain } from "../src/index.js";

function sim() {
  const chain = new SimChain();
  return { chain, advanceBlocks: (n: number) => void chain.produceBlocks(n) };
}

describe("scenarios on SimChain", () => {
  it("incentive: the miner earns the incentive and the validator the dividends", async () => {
    const { chain, advanceBlocks } = sim();
    const r = await runScenario("incentive", chain, { advanceBlocks, runTag: "t1" });
    expect(r.steps.every((s) => s.ok)).toBe(true);
    expect(r.passed).toBe(true);
    const res = r.result as {
      uids: { owner: number; validator: number; miner: number };
      neurons: Array<{
        uid: number;
        incentive: number;
        dividends: number;
        consensus: number;
        validator_trust: number;
        emission: number;
      }>;
    };
    const miner = res.neurons[res.uids.miner]!;
    const val = res.neurons[res.uids.validator]!;
    expect(miner.incentive).toBeCloseTo(1, 4);
    expect(miner.consensus).toBeCloseTo(1, 4);
    expect(miner.dividends).toBe(0);
    expect(val.dividends).toBeCloseTo(1, 4);
    expect(val.validator_trust).toBeCloseTo(1, 4);
    expect(val.incentive).toBe(0);
    // Half of the post-owner-cut emission each, for one tempo (11 blocks of 1 alpha, 18% owner cut).
    const perEpoch = 11 * (1 - 11_796 / 65_535);
    expect(miner.emission).toBeCloseTo(perEpoch / 2, 3);
    expect(val.emission).toBeCloseTo(perEpoch / 2, 3);
  });

  it("errors: each step fails with subtensor's error name", async () => {
    const { chain, advanceBlocks } = sim();
    const r = await runScenario("errors", chain, { advanceBlocks });
    expect(r.steps.map((s) => [s.name, s.ok ? "ok" : s.error])).toEqual([
      ["bootstrap subnet (owner, 1 staked validator, 1 miner)", "ok"],
      ["serve axon on 127.0.0.1", "InvalidIpAddress"],
      ["first set_weights", "ok"],
      ["set_weights again at once", "SettingWeightsTooFast"],
      ["sudo weights_version_key 5", "ok"],
      ["set_weights with stale version key 4", "IncorrectWeightVersionKey"],
      ["set_weights from an unregistered hotkey", "HotKeyNotRegisteredInSubNet"],
      ["sudo commit_reveal_weights_enabled on", "ok"],
      ["set_weights while commit-reveal is on", "CommitRevealEnabled"],
    ]);
    expect(r.passed).toBe(true);
  });

  it("commit-reveal: too early, then accepted in the next epoch", async () => {
    const { chain, advanceBlocks } = sim();
    const r = await runScenario("commit-reveal", chain, { advanceBlocks });
    expect(r.steps.map((s) => (s.ok ? "ok" : s.error))).toEqual(["ok", "ok", "RevealTooEarly", "ok"]);
    expect(r.passed).toBe(true);
    const { netuid } = r.result as { netuid: number };
    expect(chain.weightsOf(netuid, 1)).toEqual([[2, 65_535]]);
  });

  it("runs through the served client too (same steps, same errors)", async () => {
    const { chain, advanceBlocks } = sim();
    const served = await serveSimChain(chain, { port: 0 });
    const client = new SimChainClient(served.url);
    try {
      const r = await runScenario("errors", client, { advanceBlocks });
      expect(r.passed).toBe(true);
      expect(r.network).toBe(`served-sim ${served.url}`);
    } finally {
      await client.close();
      await served.close();
    }
  });

  it("refuses an unknown scenario with the list of names", async () => {
    await expect(runScenario("nope", new SimChain())).rejects.toThrow(/incentive, errors, commit-reveal/);
  });
});
