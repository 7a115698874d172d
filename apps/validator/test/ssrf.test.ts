// Attack 4 (security.md §4): the address policy must not depend on what the network is called. A mainnet validator
// on its own node (`--network ws://127.0.0.1:9944`) is on a public network; the weight syncer follows the same
// policy as the sampler; IPv6 forms that reach private IPv4 space (NAT64, 6to4, Teredo) or are not public hosts
// (site-local, discard) are refused.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { bootstrapSubnet, SimChain } from "@apex/chain";
import { openResultsStore } from "@apex/db";
import { OfflineBackend, OfflineWebSearch } from "@apex/llm";
import { epistulaReady, type Signer, VirtualClock } from "@apex/protocol";
import { devKeypair } from "@apex/wallet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addressPolicy,
  createValidator,
  isPublicAddress,
  makeValidatorConfig,
  syncerAxonParams,
} from "../src/index.js";

describe("address classification", () => {
  it("refuses IPv6 forms that tunnel to private IPv4 or are not public hosts", () => {
    for (const ip of [
      "64:ff9b::7f00:1", // NAT64 of 127.0.0.1
      "64:ff9b::10.0.0.5",
      "64:ff9b:1::a9fe:a9fe",
      "2002:7f00:1::1", // 6to4 of 127.0.0.1
      "2002:a9fe:a9fe::1", // 6to4 of 169.254.169.254
      "2001:0:4136:e378:8000:63bf:3fff:fdd2", // Teredo
      "fec0::1",
      "100::1",
      "::",
      "::127.0.0.1",
      "::ffff:169.254.169.254",
      "::ffff:7f00:1",
      "fe80::1%eth0",
    ])
      expect(isPublicAddress(ip), ip).toBe(false);
    for (const ip of [
      "2606:4700::1111",
      "2001:4860:4860::8888",
      "2a00:1450:4001:80b::200e",
      "::ffff:8.8.8.8",
    ])
      expect(isPublicAddress(ip), ip).toBe(true);
  });

  it("policy: public for every network but the chains we run (sim, local), ws:// URLs included", () => {
    const policy = (network: string, p: "auto" | "any" | "public" = "auto") =>
      addressPolicy(makeValidatorConfig({ chain: { network }, miner_sampler: { address_policy: p } }));
    expect(policy("finney")).toBe("public");
    expect(policy("test")).toBe("public");
    expect(policy("ws://127.0.0.1:9944")).toBe("public");
    expect(policy("wss://entrypoint-finney.opentensor.ai:443")).toBe("public");
    expect(policy("archive")).toBe("public");
    expect(policy("sim")).toBe("any");
    expect(policy("local")).toBe("any");
    expect(policy("ws://127.0.0.1:9944", "any")).toBe("any");
    expect(policy("sim", "public")).toBe("public");
  });
});

describe("a validator on ws:// never posts to a private address, through the sampler or the syncer", () => {
  const clock = new VirtualClock(Date.UTC(2026, 4, 1));
  let chain: SimChain;
  let netuid: number;
  let me: Signer;
  let hits = 0;
  let target: http.Server;

  beforeAll(async () => {
    await epistulaReady();
    const k = (s: string) => devKeypair(`//Ssrf${s}`);
    me = await k("Me");
    const peer = await k("Peer");
    const miner = await k("Miner");
    chain = new SimChain({ tempo: 10 });
    const boot = await bootstrapSubnet(chain, {
      sudo: await devKeypair("//Alice"),
      owner: { coldkey: await k("OwnerCold"), hotkey: await k("Owner") },
      validators: [
        { coldkey: await k("MeCold"), hotkey: me, stakeRao: 30_000n * 1_000_000_000n },
        { coldkey: await k("PeerCold"), hotkey: peer, stakeRao: 30_000n * 1_000_000_000n },
      ],
      miners: [{ coldkey: await k("MinerCold"), hotkey: miner }],
      tempo: 10,
      commitReveal: false,
      weightsRateLimit: 0,
      advanceBlocks: (n) => {
        chain.produceBlocks(n);
      },
    });
    netuid = boot.netuid;
    // One loopback server stands for "the validator's own machine": both axons point at it.
    target = http.createServer((req, res) => {
      hits++;
      req.resume();
      res.writeHead(200, { "content-type": "application/json" }).end('{"x": 1}');
    });
    await new Promise<void>((r) => target.listen(0, "127.0.0.7", r));
    const port = (target.address() as AddressInfo).port;
    await chain.serveAxon(peer, syncerAxonParams(netuid, "127.0.0.7", port));
    await chain.serveAxon(miner, syncerAxonParams(netuid, "127.0.0.7", port));
  }, 20_000);

  afterAll(async () => {
    target.closeAllConnections();
    await new Promise((r) => target.close(r));
  });

  it("has no candidates and asks no peer; with address_policy: any it would have done both", async () => {
    const run = async (address_policy: "auto" | "any") => {
      const store = openResultsStore(":memory:");
      const config = makeValidatorConfig({
        chain: { network: "ws://127.0.0.1:9944", netuid },
        miner_sampler: { address_policy },
        weight_syncer: { enable_receive: true, min_alpha_stake: 15_000, request_timeout: 2 },
      });
      const v = createValidator(config, {
        chain,
        hotkey: me,
        store,
        backend: new OfflineBackend({ seed: 1 }),
        search: new OfflineWebSearch({ seed: 1 }),
        clock,
      });
      try {
        const candidates = await v.sampler.candidates();
        await v.scoreAndSetWeights();
        return candidates.length;
      } finally {
        await v.stop();
        store.close();
      }
    };
    hits = 0;
    expect(await run("auto")).toBe(0);
    expect(hits).toBe(0);
    // The control: the same chain with the policy opened up reaches the loopback server.
    expect(await run("any")).toBe(1);
    expect(hits).toBe(1);
  });
});
