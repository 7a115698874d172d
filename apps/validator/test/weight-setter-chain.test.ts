// WeightSetter's two commit-reveal paths against a chain that records what it received: the timelocked (drand)
// commit the chain reveals by itself, and the hash commit the validator reveals on the first block of the reveal
// epoch, driven by the chain's new-block notifications after start(). The recorder wraps a real SimChain.
import type { ChainClient, SetWeightsParams, SimChain, TxResult } from "@apex/chain";
import { ChainError, epochIndex, firstBlockOfEpoch } from "@apex/chain";
import { openResultsStore } from "@apex/db";
import { epistulaReady, type Signer, VirtualClock, versionKey } from "@apex/protocol";
import { devKeypair } from "@apex/wallet";
import { beforeAll, describe, expect, it } from "vitest";
import { createValidator, makeValidatorConfig, silentLogger, WeightSetter } from "../src/index.js";
import { simSubnet } from "./fleet.js";

interface Received {
  method: string;
  /** The chain head when the call arrived. */
  head: number;
  from: string;
  args: unknown[];
}

/** SimChain behind a recorder; `timelock` adds SubtensorClient's timelocked commit (recorded, or refused). */
function recording(chain: SimChain, timelock?: { refuse?: string }) {
  const received: Received[] = [];
  const recorded = new Set(["setWeights", "commitWeights", "revealWeights"]);
  const proxy = new Proxy(chain, {
    get(target, prop, receiver) {
      if (prop === "commitTimelockedWeights" && timelock) {
        return async (hotkey: Signer, p: SetWeightsParams): Promise<{ revealRound: number } & TxResult> => {
          received.push({
            method: "commitTimelockedWeights",
            head: target.blockNumber,
            from: hotkey.address,
            args: [p],
          });
          if (timelock.refuse) throw new ChainError(timelock.refuse, `chain refused: ${timelock.refuse}`);
          return { revealRound: 4242, block: target.blockNumber, events: ["TimelockedWeightsCommitted"] };
        };
      }
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== "function") return v;
      if (!recorded.has(String(prop))) return v.bind(target);
      return (...args: unknown[]) => {
        received.push({
          method: String(prop),
          head: target.blockNumber,
          from: (args[0] as Signer).address,
          args: args.slice(1),
        });
        return v.apply(target, args);
      };
    },
  });
  return { chain: proxy as ChainClient, received };
}

async function subnet() {
  const miners = await Promise.all(
    [0, 1].map(async (i) => ({
      name: `m${i}`,
      behaviour: "perfect" as const,
      hotkey: await devKeypair(`//TMiner${i}`),
      coldkey: await devKeypair(`//TCold${i}`),
      port: 9100 + i,
      host: "10.0.0.3",
      seen: [],
    })),
  );
  return { net: await simSubnet(miners, { commitReveal: true }), miners };
}

const W = { uids: [1, 2], weights: [65535, 21845] };

describe("WeightSetter's commit paths against a recording chain", () => {
  beforeAll(async () => {
    await epistulaReady();
  });

  it("timelock branch: one timelocked commit with our weights, nothing left to reveal, no hash commit", async () => {
    const { net } = await subnet();
    const { chain, received } = recording(net.chain, {});
    const store = openResultsStore(":memory:");
    const opts = {
      netuid: net.netuid,
      versionKey: versionKey(),
      maxAttempts: 1,
      backoffMs: 1,
      rng: () => 0.5,
    };
    const setter = new WeightSetter(chain, net.validator, store, new VirtualClock(), silentLogger, opts);
    const out = await setter.submit(W);
    expect(out).toMatchObject({ ok: true, mode: "commit", outcome: "ok" });
    expect(received.map((r) => r.method)).toEqual(["commitTimelockedWeights"]);
    expect(received[0]!.from).toBe(net.validator.address);
    expect(received[0]!.args[0]).toEqual({
      netuid: net.netuid,
      uids: W.uids,
      weights: W.weights,
      versionKey: versionKey(),
    });
    expect(setter.pendingReveal).toBeNull(); // the chain reveals a timelocked commit itself
    expect(await setter.revealIfDue()).toBeNull();
    expect(store.recentWeightSubmissions(5).map((r) => [r.mode, r.outcome])).toEqual([["commit", "ok"]]);

    // commitMode "hash" on the same chain takes the hash path instead.
    const hashSetter = new WeightSetter(chain, net.validator, store, new VirtualClock(), silentLogger, {
      ...opts,
      commitMode: "hash",
    });
    expect(await hashSetter.submit(W)).toMatchObject({ ok: true, mode: "commit" });
    expect(received.map((r) => r.method)).toEqual(["commitTimelockedWeights", "commitWeights"]);
    expect(hashSetter.pendingReveal).not.toBeNull();
  });

  it("timelock branch: a refused timelocked commit is an error with the chain's name, recorded, not retried as a hash", async () => {
    const { net } = await subnet();
    const { chain, received } = recording(net.chain, { refuse: "CommittingWeightsTooFast" });
    const store = openResultsStore(":memory:");
    const setter = new WeightSetter(chain, net.validator, store, new VirtualClock(), silentLogger, {
      netuid: net.netuid,
      versionKey: versionKey(),
      maxAttempts: 3,
      backoffMs: 1,
      rng: () => 0.5,
    });
    const out = await setter.submit(W);
    expect(out).toMatchObject({
      ok: false,
      mode: "commit",
      outcome: "error",
      chainError: "CommittingWeightsTooFast",
    });
    expect(received.map((r) => r.method)).toEqual(["commitTimelockedWeights"]);
    expect(store.recentWeightSubmissions(5).map((r) => [r.mode, r.outcome])).toEqual([["commit", "error"]]);
  });

  it("reveal on new blocks: after start(), the hash commit is revealed on the reveal epoch's first block, once", async () => {
    const { net, miners } = await subnet();
    const { chain, received } = recording(net.chain);
    const store = openResultsStore(":memory:");
    // Window totals for the two miners, so the scorer's first cycle (at start) has weights to commit.
    const now = 1_000_000;
    store.insertRound({
      id: "r1",
      createdAt: now,
      kind: "reference",
      groundTruth: 0,
      query: "q",
      shownText: "t",
      generatorHotkey: "Validator",
      generatorUid: null,
      generatorLatencyMs: null,
      generatorScore: 0.25,
      referenceFailed: false,
      discriminators: miners.map((m, i) => ({
        hotkey: m.hotkey.address,
        uid: net.uidOf[m.hotkey.address]!,
        answer: i === 0 ? "0" : "1",
        correct: i === 0,
        score: i === 0 ? 0.5 : 0,
        latencyMs: 5,
      })),
    });
    const clock = new VirtualClock(now + 1_000);
    const config = makeValidatorConfig({
      chain: { network: "sim", netuid: net.netuid },
      miner_sampler: { address_policy: "any" },
      pipeline: { seed: 1 },
    });
    const validator = createValidator(config, {
      chain,
      hotkey: net.validator,
      store,
      backend: { complete: async () => "" } as never,
      search: { search: async () => [] } as never,
      clock,
      // Rounds fail at once (no query maker): only the scorer and the block listener act.
      makeQuery: async () => {
        throw new Error("no rounds in this test");
      },
      research: async () => "",
    });
    const settle = async () => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    };
    validator.start();
    try {
      await settle();
      const commits = received.filter((r) => r.method === "commitWeights");
      expect(commits).toHaveLength(1);
      const hp = await net.chain.hyperparameters(net.netuid);
      const revealEpoch =
        // SimChain includes a call in the block it arrives at: the commit epoch is the head's.
        epochIndex(net.netuid, hp.tempo, commits[0]!.head) + Math.max(1, hp.commitRevealPeriod);
      const revealBlock = firstBlockOfEpoch(net.netuid, hp.tempo, revealEpoch);
      // Step the chain one block at a time; the validator sees each through onBlock and must not reveal early.
      while (net.chain.blockNumber < revealBlock + 3) {
        net.chain.produceBlocks(1);
        await settle();
      }
      const reveals = received.filter((r) => r.method === "revealWeights");
      expect(reveals).toHaveLength(1);
      expect(reveals[0]!.head).toBe(revealBlock);
      expect(reveals[0]!.from).toBe(net.validator.address);
      const [p] = reveals[0]!.args as [{ uids: number[]; values: number[] }];
      const onChain = net.chain.weightsOf(net.netuid, net.uidOf[net.validator.address]!);
      expect(onChain).toEqual(p.uids.map((u, i) => [u, p.values[i]!]));
      expect(p.uids).toContain(net.uidOf[miners[0]!.hotkey.address]!);
    } finally {
      await validator.stop();
    }
  });
});
