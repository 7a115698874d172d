// Chain faults: the served SimChain goes away and comes back on the same port, and an RPC server that accepts
// connections but never answers. The SimChainClient (what miners and validators use for a served SimChain)
// must fail fast and clearly while the chain is away, then carry on by itself; a silent RPC must be cut by
// the client's deadline.
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MetagraphPolicy } from "../../apps/miner/src/index.js";
import { createValidator, makeValidatorConfig } from "../../apps/validator/src/index.js";
import {
  bootstrapSubnet,
  ChainError,
  type ServedSimChain,
  SimChain,
  SimChainClient,
  serveSimChain,
} from "../../packages/chain/src/index.js";
import { openResultsStore } from "../../packages/db/src/index.js";
import { OfflineBackend, OfflineWebSearch } from "../../packages/llm/src/index.js";
import { epistulaReady, systemClock } from "../../packages/protocol/src/index.js";
import { devKeypair } from "../../packages/wallet/src/index.js";

type Pair = Awaited<ReturnType<typeof devKeypair>>;

let sim: SimChain;
let served: ServedSimChain | null = null;
let port: number;
let netuid: number;
let validator: Pair;
let miners: Pair[];
let dir: string;

async function serve(): Promise<void> {
  served = await serveSimChain(sim, { host: "127.0.0.1", port });
}

async function down(): Promise<void> {
  await served?.close();
  served = null;
}

/** Awaits `p` and returns what it threw (failing the test if it did not throw). */
async function thrown(p: Promise<unknown>): Promise<ChainError> {
  try {
    await p;
  } catch (err) {
    return err as ChainError;
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  await epistulaReady();
  sim = new SimChain({ tempo: 10 });
  validator = await devKeypair("//Hardening/chain-validator");
  miners = [await devKeypair("//Hardening/chain-miner0"), await devKeypair("//Hardening/chain-miner1")];
  const res = await bootstrapSubnet(sim, {
    sudo: await devKeypair("//Alice"),
    owner: {
      coldkey: await devKeypair("//Hardening/chain-owner-cold"),
      hotkey: await devKeypair("//Hardening/chain-owner"),
    },
    validators: [
      {
        coldkey: await devKeypair("//Hardening/chain-validator-cold"),
        hotkey: validator,
        stakeRao: 30_000n * 1_000_000_000n,
      },
    ],
    miners: await Promise.all(
      miners.map(async (hotkey, i) => ({
        coldkey: await devKeypair(`//Hardening/chain-miner-cold${i}`),
        hotkey,
      })),
    ),
    weightsRateLimit: 0,
    advanceBlocks: (n) => {
      sim.produceBlocks(n);
    },
  });
  netuid = res.netuid;
  // Take a free port, then serve on it; the restart must come back on this same port.
  served = await serveSimChain(sim, { host: "127.0.0.1", port: 0 });
  port = Number(new URL(served.url).port);
  dir = mkdtempSync(join(tmpdir(), "apex-hardening-chain-"));
}, 30_000);

afterAll(async () => {
  await down();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("chain faults", () => {
  it("the served SimChain goes away and comes back on the same port: calls fail clearly, then resume", {
    timeout: 20_000,
  }, async () => {
    const client = new SimChainClient(`http://127.0.0.1:${port}`, {
      timeoutMs: 2_000,
      pollWaitMs: 200,
      retryDelayMs: 50,
    });
    const blocks: number[] = [];
    const unsubscribe = client.onBlock((b) => blocks.push(b));
    try {
      const mg = await client.metagraph(netuid);
      const uids = mg.neurons.filter((n) => miners.some((m) => m.address === n.hotkey)).map((n) => n.uid);
      const params = { netuid, uids, weights: [65535, 32768], versionKey: 0 };
      const hp = await client.hyperparameters(netuid);
      params.versionKey = hp.weightsVersion;

      const first = await client.setWeights(validator, params);
      expect(first.block).toBeGreaterThan(0);

      await down();
      const t0 = performance.now();
      const err = await thrown(client.setWeights(validator, params));
      expect(err).toBeInstanceOf(ChainError);
      expect(err.chainError).toBe("ConnectionFailed");
      expect(err.message).toMatch(/cannot reach the served SimChain/);
      // Refused at once, not after the deadline: ConnectionFailed (not Timeout) says so; the bound is a backstop.
      expect(performance.now() - t0).toBeLessThan(5_000);
      sim.produceBlocks(2); // the chain moves on while nobody can see it

      await serve();
      const again = await client.setWeights(validator, { ...params, weights: [32768, 65535] });
      expect(again.block).toBeGreaterThan(first.block);
      const after = await client.metagraph(netuid);
      const row = after.neurons.find((n) => n.hotkey === validator.address)!;
      expect(row).toBeDefined();
      expect(await client.currentBlock()).toBe(sim.blockNumber);

      // The block subscription picked up again by itself.
      const seen = blocks.length;
      sim.produceBlocks(3);
      // Waits for the notification itself (event order); the 20 s cap only keeps a broken subscription from
      // hanging the suite.
      const target = sim.blockNumber;
      await new Promise<void>((resolve) => {
        const cap = setTimeout(resolve, 20_000);
        const poll = setInterval(() => {
          if (blocks.slice(seen).includes(target)) {
            clearTimeout(cap);
            clearInterval(poll);
            resolve();
          }
        }, 10);
        cap.unref();
      });
      expect(blocks.slice(seen)).toContain(target);
    } finally {
      unsubscribe();
      await client.close();
      if (!served) await serve();
    }
  });

  it("a validator's weight setting fails without throwing while the chain is away, and resumes after", {
    timeout: 20_000,
  }, async () => {
    const client = new SimChainClient(`http://127.0.0.1:${port}`, { timeoutMs: 2_000 });
    const db = join(dir, "weights.db");
    const store = openResultsStore(db);
    const v = createValidator(
      makeValidatorConfig({
        chain: { network: "sim", netuid, endpoint: `http://127.0.0.1:${port}` },
        miner_scorer: { max_attempts: 1, retry_backoff: 0 },
        logger_db: { db_path: db },
      }),
      {
        chain: client,
        hotkey: validator,
        store,
        backend: new OfflineBackend({ seed: 1 }),
        search: new OfflineWebSearch({ seed: 1 }),
        clock: systemClock,
      },
    );
    // Something to pay: one stored generator round in which both miners took part.
    const mg = await sim.metagraph(netuid);
    const uid = (h: string) => mg.neurons.find((n) => n.hotkey === h)!.uid;
    store.insertRound({
      id: "chain-faults-round",
      createdAt: systemClock.now(),
      kind: "generator",
      groundTruth: 1,
      query: "q",
      shownText: "t",
      generatorHotkey: miners[1]!.address,
      generatorUid: uid(miners[1]!.address),
      generatorLatencyMs: 5,
      generatorScore: 0.5,
      referenceFailed: false,
      discriminators: [
        {
          hotkey: miners[0]!.address,
          uid: uid(miners[0]!.address),
          answer: "1",
          correct: true,
          score: 0.5,
          latencyMs: 3,
        },
        {
          hotkey: miners[1]!.address,
          uid: uid(miners[1]!.address),
          answer: "0",
          correct: false,
          score: 0,
          latencyMs: 3,
        },
      ],
    });
    try {
      const ok1 = await v.scoreAndSetWeights();
      expect(ok1.ok, ok1.error ?? undefined).toBe(true);
      await down();
      const during = await v.scoreAndSetWeights();
      expect(during.ok).toBe(false);
      expect(during.error).toMatch(/cannot reach the served SimChain|ConnectionFailed/);
      await serve();
      sim.produceBlocks(1);
      const ok2 = await v.scoreAndSetWeights();
      expect(ok2.ok, ok2.error ?? undefined).toBe(true);
      expect(ok2.block!).toBeGreaterThan(ok1.block!);
      expect(store.lastWeightSubmission()?.outcome).toBe("ok");
    } finally {
      await v.stop();
      store.close();
      await client.close();
      if (!served) await serve();
    }
  });

  it("a miner's validator allow-list keeps its cached copy while the chain is away and refreshes after", {
    timeout: 20_000,
  }, async () => {
    const client = new SimChainClient(`http://127.0.0.1:${port}`, { timeoutMs: 2_000 });
    const errors: Error[] = [];
    const policy = new MetagraphPolicy({
      chain: client,
      netuid,
      minStake: 1_000,
      clock: systemClock,
      refreshMs: 60_000,
      onError: (e) => errors.push(e),
    });
    try {
      await policy.start();
      expect(policy.isAllowed(validator.address)).toBe(true);
      await down();
      await expect(policy.refresh()).rejects.toThrow(/cannot reach the served SimChain/);
      expect(policy.isAllowed(validator.address)).toBe(true); // the cached set still answers
      await serve();
      await policy.refresh();
      expect(policy.isAllowed(validator.address)).toBe(true);
      expect(policy.isAllowed(miners[0]!.address)).toBe(false);
    } finally {
      policy.close();
      await client.close();
      if (!served) await serve();
    }
  });

  it("an RPC server that accepts and never answers is cut by the client's deadline", {
    timeout: 15_000,
  }, async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => {
      sockets.add(s);
      s.on("error", () => {});
    });
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const silentPort = (silent.address() as net.AddressInfo).port;
    const client = new SimChainClient(`http://127.0.0.1:${silentPort}`, { timeoutMs: 800 });
    try {
      for (const call of [
        () => client.currentBlock(),
        () => client.metagraph(1),
        () => client.setWeights(validator, { netuid: 1, uids: [0], weights: [1], versionKey: 0 }),
      ]) {
        const t0 = performance.now();
        const err = await thrown(call());
        const ms = performance.now() - t0;
        expect(err).toBeInstanceOf(ChainError);
        expect(err.chainError).toBe("Timeout");
        expect(err.message).toMatch(/no answer within 800 ms/);
        // The deadline is real time over a real socket: it never fires early; late by up to 4 s on a loaded
        // 2-core machine. The silent server never answers, so without the deadline the call would hang.
        expect(ms).toBeGreaterThanOrEqual(700);
        expect(ms).toBeLessThan(800 + 4_000);
      }
      expect(sockets.size).toBeGreaterThan(0); // it really connected, and really got nothing
    } finally {
      await client.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});
