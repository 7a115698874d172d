// Weight setting against SimChain: too fast, stale version key, commit-reveal required, hotkey not registered.
import type { SimChain } from "@apex/chain";
import { openResultsStore } from "@apex/db";
import { epistulaReady, VirtualClock, versionKey } from "@apex/protocol";
import { devKeypair } from "@apex/wallet";
import { beforeAll, describe, expect, it } from "vitest";
import { silentLogger, WeightSetter } from "../src/index.js";
import { simSubnet } from "./fleet.js";

const W = { uids: [1, 2], weights: [65535, 32768] };

async function setup(opts: { commitReveal?: boolean; weightsRateLimit?: number; maxAttempts?: number } = {}) {
  const miners = await Promise.all(
    [0, 1].map(async (i) => ({
      name: `m${i}`,
      behaviour: "perfect" as const,
      hotkey: await devKeypair(`//WMiner${i}`),
      coldkey: await devKeypair(`//WCold${i}`),
      port: 9000 + i,
      host: "10.0.0.2",
      seen: [],
    })),
  );
  const net = await simSubnet(miners, {
    commitReveal: opts.commitReveal ?? false,
    weightsRateLimit: opts.weightsRateLimit ?? 0,
  });
  const store = openResultsStore(":memory:");
  const clock = new VirtualClock();
  const make = (hotkey = net.validator, maxAttempts = opts.maxAttempts ?? 1) =>
    new WeightSetter(net.chain, hotkey, store, clock, silentLogger, {
      netuid: net.netuid,
      versionKey: versionKey(),
      maxAttempts,
      backoffMs: 100,
      rng: () => 0.5,
    });
  return { net, store, clock, make, chain: net.chain as SimChain };
}

/** Runs `p` to completion, producing blocks and moving the virtual clock whenever it sleeps. */
async function drive<T>(p: Promise<T>, clock: VirtualClock, chain: SimChain, blockMs: number): Promise<T> {
  let done = false;
  const out = p.finally(() => {
    done = true;
  });
  for (let i = 0; i < 200 && !done; i++) {
    await new Promise((r) => setTimeout(r, 1));
    const next = clock.nextWake();
    if (next !== undefined) {
      chain.produceBlocks(Math.max(1, Math.ceil((next - clock.now()) / blockMs)));
      clock.advanceTo(next);
    }
  }
  return out;
}

describe("WeightSetter on SimChain", () => {
  beforeAll(async () => {
    await epistulaReady();
  });

  it("sets weights, then refuses to go faster than weights_rate_limit and retries once allowed", async () => {
    const { make, store, clock, chain, net } = await setup({ weightsRateLimit: 5 });
    const first = await make().submit(W);
    expect(first).toMatchObject({ ok: true, mode: "set", outcome: "ok" });

    const tooFast = await make().submit(W);
    expect(tooFast.ok).toBe(false);
    expect(tooFast.chainError).toBe("SettingWeightsTooFast");
    expect(tooFast.error).toMatch(/allows one every 5/);

    // With retries, it waits out the limit on the clock and then succeeds (within the tempo).
    const hp = await chain.hyperparameters(net.netuid);
    const retried = await drive(make(net.validator, 4).submit(W), clock, chain, hp.blockTimeMs);
    expect(retried).toMatchObject({ ok: true, mode: "set" });
    expect(retried.attempts).toBeGreaterThan(1);
    const log = store.recentWeightSubmissions(10).map((r) => r.outcome);
    expect(log.filter((o) => o === "ok")).toHaveLength(2);
    expect(log.filter((o) => o === "skipped").length).toBeGreaterThanOrEqual(2);
  });

  it("refuses with a clear error when our version key is below the subnet's weights_version", async () => {
    const { make, net, store } = await setup();
    await net.chain.sudo(net.sudo, {
      call: "weights_version_key",
      netuid: net.netuid,
      value: versionKey() + 1,
    });
    const out = await make().submit(W);
    expect(out).toMatchObject({ ok: false, outcome: "error", chainError: "IncorrectWeightVersionKey" });
    expect(out.error).toMatch(/below the subnet's weights_version/);
    expect(net.chain.weightsOf(net.netuid, net.uidOf[net.validator.address]!)).toEqual([]);
    expect(store.lastWeightSubmission()).toMatchObject({ outcome: "error", mode: "set" });
  });

  it("commits, then reveals in the reveal epoch when the subnet requires commit-reveal", async () => {
    const { make, net, store } = await setup({ commitReveal: true });
    const setter = make();
    const committed = await setter.submit(W);
    expect(committed).toMatchObject({ ok: true, mode: "commit" });
    expect(setter.pendingReveal).not.toBeNull();
    expect(await setter.revealIfDue()).toBeNull(); // same epoch: too early, nothing sent
    const wait = await setter.blocksUntilReveal();
    expect(wait).toBeGreaterThan(0);
    net.chain.produceBlocks(wait!);
    const revealed = await setter.revealIfDue();
    expect(revealed).toMatchObject({ ok: true, mode: "reveal" });
    expect(setter.pendingReveal).toBeNull();
    expect(net.chain.weightsOf(net.netuid, net.uidOf[net.validator.address]!)).toEqual([
      [1, 65535],
      [2, 32768],
    ]);
    expect(store.recentWeightSubmissions(5).map((r) => r.mode)).toEqual(["reveal", "commit"]);
  });

  it("reports a hotkey that is not (or no longer) registered, without calling the chain", async () => {
    const { make } = await setup();
    const stranger = await devKeypair("//Deregistered");
    const out = await make(stranger).submit(W);
    expect(out).toMatchObject({ ok: false, chainError: "HotKeyNotRegisteredInNetwork" });
    expect(out.error).toMatch(/has no uid on subnet/);
  });
});
