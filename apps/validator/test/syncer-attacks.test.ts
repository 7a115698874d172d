// Attack 2 (security.md §10): a peer validator with a permit and stake answers get_rewards with numbers chosen
// to stop our weights ({"m3": 1e308}: the stake-weighted sum overflows to Infinity and no weight vector can be
// built) or to capture them ({"m3": 1e9}: m3 takes all the weight). Real HTTP, a SimChain subnet, the real
// validator's scoring cycle: weights are still set, and the attacker moves at most max_peer_share of them.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { bootstrapSubnet, SimChain } from "@apex/chain";
import { openResultsStore } from "@apex/db";
import { OfflineBackend, OfflineWebSearch } from "@apex/llm";
import { epistulaReady, type Signer, VirtualClock } from "@apex/protocol";
import { devKeypair } from "@apex/wallet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createValidator,
  makeValidatorConfig,
  mergeRewardsBounded,
  type PeerRewards,
  syncerAxonParams,
  type ValidatorConfig,
} from "../src/index.js";
import { roundWith } from "./rounds.js";

const ALPHA = 1_000_000_000n;

describe("a hostile peer validator cannot stop or capture our weights", () => {
  const clock = new VirtualClock(Date.UTC(2026, 4, 1));
  let chain: SimChain;
  let netuid: number;
  let me: Signer;
  let miners: Signer[];
  let payload = "{}";
  let server: http.Server;

  beforeAll(async () => {
    await epistulaReady();
    const k = (s: string) => devKeypair(`//PeerAttack${s}`);
    me = await k("Me");
    const attacker = await k("Attacker");
    miners = [await k("M1"), await k("M2"), await k("M3")];
    chain = new SimChain({ tempo: 10 });
    const boot = await bootstrapSubnet(chain, {
      sudo: await devKeypair("//Alice"),
      owner: { coldkey: await k("OwnerCold"), hotkey: await k("Owner") },
      validators: [
        { coldkey: await k("MeCold"), hotkey: me, stakeRao: 20_000n * ALPHA },
        // The attacker holds twice our stake: upstream gives it two thirds of the merge.
        { coldkey: await k("AttackerCold"), hotkey: attacker, stakeRao: 40_000n * ALPHA },
      ],
      miners: await Promise.all(miners.map(async (m, i) => ({ coldkey: await k(`M${i}Cold`), hotkey: m }))),
      tempo: 10,
      commitReveal: false,
      weightsRateLimit: 0,
      advanceBlocks: (n) => {
        chain.produceBlocks(n);
      },
    });
    netuid = boot.netuid;
    server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(payload));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.6", r));
    await chain.serveAxon(
      attacker,
      syncerAxonParams(netuid, "127.0.0.6", (server.address() as AddressInfo).port),
    );
  }, 20_000);

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  async function cycle(body: string, sync: Partial<ValidatorConfig["weight_syncer"]> = {}) {
    payload = body;
    const store = openResultsStore(":memory:");
    // Our own window: m1 3, m2 1 (m3 earned nothing from us).
    store.insertRound(roundWith("r1", clock.now(), { [miners[0]!.address]: 3, [miners[1]!.address]: 1 }));
    const config = makeValidatorConfig({
      chain: { network: "sim", netuid },
      weight_syncer: { enable_receive: true, min_alpha_stake: 15_000, request_timeout: 5, ...sync },
    });
    const validator = createValidator(config, {
      chain,
      hotkey: me,
      store,
      backend: new OfflineBackend({ seed: 1 }),
      search: new OfflineWebSearch({ seed: 1 }),
      clock,
    });
    try {
      const outcome = await validator.scoreAndSetWeights();
      const mg = await chain.metagraph(netuid);
      const uidOf = (s: Signer) => mg.neurons.find((n) => n.hotkey === s.address)!.uid;
      const total = outcome.weights.reduce((a, w) => a + w, 0);
      const share = (s: Signer) => {
        const i = outcome.uids.indexOf(uidOf(s));
        return i < 0 ? 0 : outcome.weights[i]! / total;
      };
      return { outcome, share };
    } finally {
      await validator.stop();
      store.close();
    }
  }

  it("an overflowing payload does not stop weight setting (default merge)", async () => {
    const { outcome, share } = await cycle(JSON.stringify({ [miners[2]!.address]: 1e308 }));
    expect(outcome.ok).toBe(true);
    expect(outcome.outcome).toBe("ok");
    expect(share(miners[2]!)).toBeLessThanOrEqual(0.5 + 1e-4);
    expect(share(miners[0]!)).toBeGreaterThan(0.3);
  });

  it("a huge payload moves at most max_peer_share of the weight (default merge)", async () => {
    const { outcome, share } = await cycle(JSON.stringify({ [miners[2]!.address]: 1e9 }));
    expect(outcome.ok).toBe(true);
    // Normalised maps, the peer's share capped at 0.5: m3 0.5, m1 0.375, m2 0.125.
    expect(share(miners[2]!)).toBeCloseTo(0.5, 3);
    expect(share(miners[0]!)).toBeCloseTo(0.375, 3);
    expect(share(miners[1]!)).toBeCloseTo(0.125, 3);
  });

  it("upstream's merge (weight_syncer.merge: upstream) is captured by 1e9, and skips an overflowing peer", async () => {
    const captured = await cycle(JSON.stringify({ [miners[2]!.address]: 1e9 }), { merge: "upstream" });
    expect(captured.outcome.ok).toBe(true);
    expect(captured.share(miners[2]!)).toBeGreaterThan(0.999);
    const overflow = await cycle(JSON.stringify({ [miners[2]!.address]: 1e308 }), { merge: "upstream" });
    expect(overflow.outcome.ok).toBe(true);
    expect(overflow.share(miners[2]!)).toBe(0);
    expect(overflow.share(miners[0]!)).toBeCloseTo(0.75, 3);
  });

  it("the bounded merge: maps normalised, strangers dropped, shares capped, always finite", () => {
    const own = new Map([
      ["a", 30],
      ["b", 10],
    ]);
    const known = (h: string) => h !== "stranger";
    const peers: PeerRewards[] = [
      { hotkey: "p1", stake: 100, rewards: { a: 1, c: 1e308, stranger: 1e9 } },
      { hotkey: "p2", stake: 100, rewards: { stranger: 5 } }, // nothing usable: skipped
    ];
    const out = mergeRewardsBounded(own, 100, peers, { isKnownHotkey: known, maxPeerShare: 0.25 });
    expect([...out.values()].every(Number.isFinite)).toBe(true);
    expect(out.has("stranger")).toBe(false);
    // p1 holds min(0.25, 100/300); we keep 0.75 spread as a 0.75·0.75 and b 0.75·0.25.
    expect(out.get("c")).toBeCloseTo(0.25, 12);
    expect(out.get("a")).toBeCloseTo(0.75 * 0.75, 12);
    expect(out.get("b")).toBeCloseTo(0.75 * 0.25, 12);
    expect(mergeRewardsBounded(own, null, peers, { isKnownHotkey: known, maxPeerShare: 0.5 })).toEqual(own);
  });
});
