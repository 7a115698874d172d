// Weight syncer (docs/upstream.md § Weight syncer) over real HTTP on loopback with a SimChain: two staked
// validators with permits whose syncer listeners are their served axons; A merges B's raw totals by stake; B's
// get_rewards refuses every kind of bad request with upstream's status; expiry on a virtual clock; the send and
// receive switches.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { bootstrapSubnet, type Metagraph, SimChain } from "@apex/chain";
import { openResultsStore, type ResultsStore } from "@apex/db";
import { OfflineBackend, OfflineWebSearch } from "@apex/llm";
import { epistulaReady, type Signer, signEpistula, VirtualClock } from "@apex/protocol";
import { devKeypair } from "@apex/wallet";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildSyncerServer,
  createValidator,
  GET_REWARDS_ROUTE,
  isPeerValidator,
  makeValidatorConfig,
  mayRequestRewards,
  mergeRewards,
  peerBaseUrl,
  sanitizeRewards,
  syncerAxonParams,
  type Validator,
  type WeightEvent,
} from "../src/index.js";
import { neuronInfo } from "./neuron.js";
import { roundWith } from "./rounds.js";

const ALPHA = 1_000_000_000n;
const STAKE_A = 20_000;
const STAKE_B = 40_000;
const STAKE_LOW = 1_000;

describe("weight syncer: pure rules", () => {
  const neuron = (hotkey: string, stake: number, permit: boolean, ip = "10.1.2.3", port = 8001) =>
    neuronInfo({ hotkey, stake, validatorPermit: permit, axon: { ip, port } });
  const mg: Metagraph = {
    netuid: 1,
    block: 1,
    taoWeight: 0.18,
    neurons: [
      neuron("big", 20_000, true),
      neuron("edge", 15_000, true),
      neuron("noPermit", 50_000, false),
      neuron("small", 14_999.9, true),
    ],
  };
  const policy = { minAlphaStake: 15_000, verifiedHotkeys: [{ hotkey: "friend", address: "1.2.3.4:8001" }] };

  it("asks stake ≥ threshold with a permit, or verified; serves stake ≥ threshold (no permit needed) or verified", () => {
    expect(
      ["big", "edge", "noPermit", "small", "friend", "stranger"].map((h) => isPeerValidator(h, mg, policy)),
    ).toEqual([true, true, false, false, true, false]);
    expect(
      ["big", "edge", "noPermit", "small", "friend", "stranger"].map((h) => mayRequestRewards(h, mg, policy)),
    ).toEqual([true, true, true, false, true, false]);
    // No metagraph (no-chain mode): only the verified list.
    expect(mayRequestRewards("big", null, policy)).toBe(false);
    expect(mayRequestRewards("friend", null, policy)).toBe(true);
  });

  it("addresses a peer by its verified entry, else its served axon, never an unserved or (public) private one", () => {
    expect(peerBaseUrl(neuron("x", 0, true), { hotkey: "x", address: "167.99.236.79:8001" })).toBe(
      "http://167.99.236.79:8001",
    );
    expect(peerBaseUrl(neuron("x", 0, true, "8.8.8.8", 8001), undefined)).toBe("http://8.8.8.8:8001");
    expect(peerBaseUrl(neuron("x", 0, true, "2001:4860::8888", 9), undefined)).toBe(
      "http://[2001:4860::8888]:9",
    );
    expect(peerBaseUrl(neuron("x", 0, true, "0.0.0.0", 8001), undefined)).toBeNull();
    expect(peerBaseUrl(neuron("x", 0, true, "8.8.8.8", 0), undefined)).toBeNull();
    expect(peerBaseUrl(neuron("x", 0, true, "10.1.2.3", 8001), undefined, "public")).toBeNull();
    expect(peerBaseUrl(neuron("x", 0, true, "10.1.2.3", 8001), undefined, "any")).toBe(
      "http://10.1.2.3:8001",
    );
  });

  it("merges by stake as upstream's example; own hotkey missing or zero total stake → own totals", () => {
    const own = new Map([
      ["m1", 0.9],
      ["m2", 0.1],
    ]);
    const peer = { hotkey: "v", stake: 2000, rewards: { m1: 0.85, m2: 0.82, m3: 0.7 } };
    const merged = mergeRewards(own, 1000, [peer]);
    expect(merged.get("m1")).toBeCloseTo((0.9 * 1000 + 0.85 * 2000) / 3000, 12);
    expect(merged.get("m2")).toBeCloseTo((0.1 * 1000 + 0.82 * 2000) / 3000, 12);
    expect(merged.get("m3")).toBeCloseTo((0.7 * 2000) / 3000, 12);
    expect(merged.get("m1")).toBeCloseTo(0.8667, 4);
    expect(mergeRewards(own, null, [peer])).toEqual(own);
    expect(mergeRewards(own, 0, [{ ...peer, stake: 0 }])).toEqual(own);
    // Own stake 0 but in the metagraph: upstream's formula gives our totals no weight.
    expect(mergeRewards(own, 0, [peer]).get("m1")).toBeCloseTo(0.85, 12);
    expect(sanitizeRewards({ a: 1, b: -1, c: "2", d: "x", e: null, f: "", g: Number.NaN })).toEqual({
      a: 1,
      c: 2,
    });
  });

  it("refuses to build an axon announcement from a host name or a bad port", () => {
    expect(syncerAxonParams(3, "127.0.0.2", 8001)).toMatchObject({
      ip: "127.0.0.2",
      port: 8001,
      ipType: 4,
      protocol: 4,
    });
    expect(() => syncerAxonParams(3, "validator.example", 8001)).toThrow(/external IP/);
    expect(() => syncerAxonParams(3, "1.2.3.4", 0)).toThrow(/1\.\.65535/);
  });
});

interface Node {
  hotkey: Signer;
  validator: Validator;
  store: ResultsStore;
  server: FastifyInstance;
  url: string;
  fetches: string[];
  weights: WeightEvent[];
}

describe("weight syncer between two validators on SimChain", () => {
  const clock = new VirtualClock(Date.UTC(2026, 2, 1));
  let chain: SimChain;
  let netuid: number;
  let uidOf: Record<string, number>;
  let keys: Record<"a" | "b" | "low" | "verified" | "m1" | "m2" | "m3", Signer>;
  let a: Node;
  let b: Node;
  const extra: Node[] = [];
  // The low-stake validator's axon: a server that records every request it gets.
  let lowHits = 0;
  let lowServer: http.Server;

  const post = (url: string, headers: Record<string, string>, body = "{}") =>
    fetch(`${url}${GET_REWARDS_ROUTE}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body,
    });
  const signedFor = (signer: Signer, target: string, opts: { nowMs?: number; body?: string } = {}) =>
    signEpistula(signer, opts.body ?? "{}", { signedFor: target, nowMs: opts.nowMs ?? clock.now() });

  async function node(
    hotkey: Signer,
    sync: { enable_send: boolean; enable_receive: boolean },
    host: string,
  ): Promise<Node> {
    const store = openResultsStore(":memory:");
    const fetches: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      fetches.push(String(input));
      return fetch(input, init);
    };
    const config = makeValidatorConfig({
      chain: { network: "sim", netuid },
      logger_db: { db_path: ":memory:" },
      weight_syncer: {
        ...sync,
        min_alpha_stake: 15_000,
        verified_hotkeys: [{ hotkey: keys.verified.address }],
        expiry: 3600,
        request_timeout: 5,
        // These tests pin upstream's formula; the default bounded merge is in syncer-attacks.test.ts.
        merge: "upstream",
      },
    });
    const validator = createValidator(config, {
      chain,
      hotkey,
      store,
      backend: new OfflineBackend({ seed: 1 }),
      search: new OfflineWebSearch({ seed: 1 }),
      clock,
      fetchImpl: countingFetch,
    });
    const weights: WeightEvent[] = [];
    validator.onWeights((e) => weights.push(e));
    const server = buildSyncerServer(validator);
    await server.listen({ host, port: 0 });
    const port = (server.server.address() as AddressInfo).port;
    return { hotkey, validator, store, server, url: `http://${host}:${port}`, fetches, weights };
  }

  beforeAll(async () => {
    await epistulaReady();
    const k = async (s: string) => devKeypair(`//Syncer${s}`);
    keys = {
      a: await k("A"),
      b: await k("B"),
      low: await k("Low"),
      verified: await k("Verified"),
      m1: await k("M1"),
      m2: await k("M2"),
      m3: await k("M3"),
    };
    chain = new SimChain({ tempo: 10 });
    const boot = await bootstrapSubnet(chain, {
      sudo: await devKeypair("//Alice"),
      owner: { coldkey: await k("OwnerCold"), hotkey: await k("Owner") },
      validators: [
        { coldkey: await k("ACold"), hotkey: keys.a, stakeRao: BigInt(STAKE_A) * ALPHA },
        { coldkey: await k("BCold"), hotkey: keys.b, stakeRao: BigInt(STAKE_B) * ALPHA },
        { coldkey: await k("LowCold"), hotkey: keys.low, stakeRao: BigInt(STAKE_LOW) * ALPHA },
      ],
      miners: [
        { coldkey: await k("M1Cold"), hotkey: keys.m1 },
        { coldkey: await k("M2Cold"), hotkey: keys.m2 },
        { coldkey: await k("M3Cold"), hotkey: keys.m3 },
      ],
      tempo: 10,
      commitReveal: false,
      weightsRateLimit: 0,
      advanceBlocks: (n) => {
        chain.produceBlocks(n);
      },
    });
    netuid = boot.netuid;
    uidOf = boot.uids.byHotkey;

    a = await node(keys.a, { enable_send: true, enable_receive: true }, "127.0.0.2");
    b = await node(keys.b, { enable_send: true, enable_receive: true }, "127.0.0.3");
    lowServer = http.createServer((req, res) => {
      lowHits++;
      req.resume();
      res.writeHead(200, { "content-type": "application/json" }).end('{"m1": 1000}');
    });
    await new Promise<void>((r) => lowServer.listen(0, "127.0.0.4", r));
    // Each validator's axon is its syncer listener, as upstream announces its syncer port (SimChain refuses
    // 127.0.0.1, so the servers listen on other loopback addresses).
    for (const [key, url] of [
      [keys.a, a.url],
      [keys.b, b.url],
      [keys.low, `http://127.0.0.4:${(lowServer.address() as AddressInfo).port}`],
    ] as const) {
      const u = new URL(url);
      await chain.serveAxon(key, syncerAxonParams(netuid, u.hostname, Number(u.port)));
    }

    // A's window: m1 3, m2 1. B's window: m2 3, m3 1.5 (no m1).
    a.store.insertRound(roundWith("a1", clock.now(), { [keys.m1.address]: 2, [keys.m2.address]: 1 }, uidOf));
    a.store.insertRound(roundWith("a2", clock.now(), { [keys.m1.address]: 1 }, uidOf));
    b.store.insertRound(
      roundWith("b1", clock.now(), { [keys.m2.address]: 3, [keys.m3.address]: 1.5 }, uidOf),
    );
  }, 20_000);

  afterAll(async () => {
    for (const n of [a, b, ...extra]) {
      if (!n) continue;
      await n.validator.stop();
      await n.server.close();
      n.store.close();
    }
    await new Promise((r) => lowServer?.close(r));
  });

  it("sets up what the rules need: A and B staked with permits, Low with a permit but below the threshold", async () => {
    const mg = await chain.metagraph(netuid);
    const byKey = (s: Signer) => mg.neurons.find((n) => n.hotkey === s.address)!;
    // Staked amounts plus the few alpha of emission the bootstrap's blocks paid out.
    for (const [key, stake] of [
      [keys.a, STAKE_A],
      [keys.b, STAKE_B],
      [keys.low, STAKE_LOW],
    ] as const) {
      expect(byKey(key).validatorPermit).toBe(true);
      expect(byKey(key).stake).toBeGreaterThanOrEqual(stake);
      expect(byKey(key).stake).toBeLessThan(stake * 1.001);
    }
    expect(byKey(keys.low).stake).toBeLessThan(15_000);
    expect(byKey(keys.b).axon).toMatchObject({ ip: "127.0.0.3", port: Number(new URL(b.url).port) });
    expect(mg.neurons.some((n) => n.hotkey === keys.verified.address)).toBe(false);
  });

  it("answers 503 before its first scoring cycle, to a properly signed request", async () => {
    const res = await post(b.url, signedFor(keys.a, keys.b.address));
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/no scoring cycle/);
  });

  it("A merges B's raw totals by stake, asks only B, and sets the merged weights on chain", async () => {
    const bOut = await b.validator.scoreAndSetWeights();
    expect(bOut.ok).toBe(true);
    // B asked A, which had nothing yet (503): B's weights come from its own totals alone.
    expect(b.fetches).toEqual([`${a.url}${GET_REWARDS_ROUTE}`]);
    expect(b.weights[0]!.totals).toEqual({ [keys.m2.address]: 3, [keys.m3.address]: 1.5 });

    // B serves exactly its raw totals.
    const shared = await post(b.url, signedFor(keys.a, keys.b.address));
    expect(shared.status).toBe(200);
    expect(await shared.json()).toEqual({ [keys.m2.address]: 3, [keys.m3.address]: 1.5 });

    const mg = await chain.metagraph(netuid);
    const sA = mg.neurons.find((n) => n.hotkey === keys.a.address)!.stake;
    const sB = mg.neurons.find((n) => n.hotkey === keys.b.address)!.stake;
    const out = await a.validator.scoreAndSetWeights();
    expect(out.ok).toBe(true);
    // Only B: Low has a permit but is below min_alpha_stake, so its axon is never contacted.
    expect(a.fetches).toEqual([`${b.url}${GET_REWARDS_ROUTE}`]);
    expect(lowHits).toBe(0);
    // r(h) = (r_A(h)·S_A + r_B(h)·S_B) / (S_A + S_B) with the metagraph's stakes; m1 only at A, m3 only at B.
    const after = await chain.metagraph(netuid); // the stakes A read are the ones checked here
    expect(after.neurons.find((n) => n.hotkey === keys.a.address)!.stake).toBe(sA);
    expect(after.neurons.find((n) => n.hotkey === keys.b.address)!.stake).toBe(sB);
    const t = a.weights[0]!.totals;
    expect(Object.keys(t).sort()).toEqual([keys.m1.address, keys.m2.address, keys.m3.address].sort());
    expect(t[keys.m1.address]).toBeCloseTo((3 * sA) / (sA + sB), 12);
    expect(t[keys.m2.address]).toBeCloseTo((1 * sA + 3 * sB) / (sA + sB), 12);
    expect(t[keys.m3.address]).toBeCloseTo((1.5 * sB) / (sA + sB), 12);
    // With S_B ≈ 2·S_A (20,000 vs 40,000 staked): m1 = 3/3 = 1, m2 = (1 + 6)/3 = 7/3, m3 = 3/3 = 1.
    expect(t[keys.m1.address]).toBeCloseTo(1, 3);
    expect(t[keys.m2.address]).toBeCloseTo(7 / 3, 3);
    expect(t[keys.m3.address]).toBeCloseTo(1, 3);
    // On chain: max-upscaled u16 (m2 the max; m1 and m3 at 3/7 of it).
    const third = Math.round((65535 * 3) / 7);
    expect(chain.weightsOf(netuid, uidOf[keys.a.address]!)).toEqual(
      [
        [uidOf[keys.m1.address]!, third],
        [uidOf[keys.m2.address]!, 65535],
        [uidOf[keys.m3.address]!, third],
      ].sort((x, y) => x[0]! - y[0]!),
    );
    // A still serves its own raw totals, not the merged ones.
    const fromA = await post(a.url, signedFor(keys.b, keys.a.address));
    expect(await fromA.json()).toEqual({ [keys.m1.address]: 3, [keys.m2.address]: 1 });
  });

  it("B refuses unsigned, mis-addressed, stale, replayed, tampered and under-staked requests with upstream's statuses", async () => {
    const status = async (headers: Record<string, string>, body?: string) => {
      const res = await post(b.url, headers, body);
      return { status: res.status, error: ((await res.json()) as { error?: string }).error ?? "" };
    };
    expect(await status({})).toMatchObject({ status: 400, error: expect.stringMatching(/missing header/) });
    expect(await status(signedFor(keys.a, keys.m1.address))).toMatchObject({
      status: 400,
      error: expect.stringMatching(/not this hotkey/),
    });
    expect(await status(signedFor(keys.a, keys.b.address, { nowMs: clock.now() - 9_000 }))).toMatchObject({
      status: 400,
      error: expect.stringMatching(/outside ±8000 ms/),
    });
    const once = signedFor(keys.a, keys.b.address);
    expect((await status(once)).status).toBe(200);
    expect(await status(once)).toMatchObject({
      status: 400,
      error: expect.stringMatching(/already received/),
    });
    // Signed over "{}" but sent with another body: the raw bytes no longer match the signature.
    expect(await status(signedFor(keys.a, keys.b.address), '{"x":1}')).toMatchObject({
      status: 400,
      error: expect.stringMatching(/does not match/),
    });
    expect(await status(signedFor(keys.a, keys.b.address, { body: "nope" }), "nope")).toMatchObject({
      status: 400,
      error: expect.stringMatching(/JSON/),
    });
    // Low is registered with a permit, but 1,000 < min_alpha_stake 15,000 and it is not verified.
    expect(await status(signedFor(keys.low, keys.b.address))).toMatchObject({
      status: 401,
      error: expect.stringMatching(/not a permitted validator/),
    });
    // A verified hotkey needs no stake at all (it is not even registered).
    const verified = await post(b.url, signedFor(keys.verified, keys.b.address));
    expect(verified.status).toBe(200);
    expect(await verified.json()).toEqual({ [keys.m2.address]: 3, [keys.m3.address]: 1.5 });
  });

  it("expires after 3600 s on the clock: B answers 503, and A then sets weights from its own totals", async () => {
    clock.advance(3_600_000); // exactly the expiry: still served
    expect((await post(b.url, signedFor(keys.a, keys.b.address))).status).toBe(200);
    clock.advance(1_000);
    const res = await post(b.url, signedFor(keys.a, keys.b.address));
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/older than the 3600 s expiry/);

    a.fetches.length = 0;
    await a.validator.scoreAndSetWeights();
    expect(a.fetches).toEqual([`${b.url}${GET_REWARDS_ROUTE}`]);
    expect(a.weights.at(-1)!.totals).toEqual({ [keys.m1.address]: 3, [keys.m2.address]: 1 });
  });

  it("405 when sending is disabled; with receiving disabled the raw totals are used and no peer is asked", async () => {
    // B scores again so its totals are fresh for anyone who asks.
    await b.validator.scoreAndSetWeights();
    const quiet = await node(keys.a, { enable_send: false, enable_receive: false }, "127.0.0.1");
    extra.push(quiet);
    quiet.store.insertRound(
      roundWith("q1", clock.now(), { [keys.m1.address]: 3, [keys.m2.address]: 1 }, uidOf),
    );
    const res = await post(quiet.url, signedFor(keys.b, keys.a.address));
    expect(res.status).toBe(405);

    const out = await quiet.validator.scoreAndSetWeights();
    expect(out.ok).toBe(true);
    expect(quiet.fetches).toEqual([]);
    expect(quiet.weights[0]!.totals).toEqual({ [keys.m1.address]: 3, [keys.m2.address]: 1 });
    expect(chain.weightsOf(netuid, uidOf[keys.a.address]!)).toEqual([
      [uidOf[keys.m1.address]!, 65535],
      [uidOf[keys.m2.address]!, Math.round(65535 / 3)],
    ]);

    // The same validator with receiving on merges B's fresh totals again (the switch is what differed).
    const listening = await node(keys.a, { enable_send: false, enable_receive: true }, "127.0.0.1");
    extra.push(listening);
    listening.store.insertRound(
      roundWith("l1", clock.now(), { [keys.m1.address]: 3, [keys.m2.address]: 1 }, uidOf),
    );
    await listening.validator.scoreAndSetWeights();
    expect(listening.fetches).toEqual([`${b.url}${GET_REWARDS_ROUTE}`]);
    expect(listening.weights[0]!.totals[keys.m2.address]).toBeCloseTo(7 / 3, 3);
  });
});
