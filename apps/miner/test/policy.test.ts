import { SimChain, U64_MAX } from "@apex/chain";
import { VirtualClock } from "@apex/protocol";
import { Keyring } from "@polkadot/keyring";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { allowedFromMetagraph, MetagraphPolicy, RateLimiter, trustedSetPolicy } from "../src/policy.js";

let kr: Keyring;
beforeAll(async () => {
  await cryptoWaitReady();
  kr = new Keyring({ type: "sr25519", ss58Format: 42 });
});

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("MetagraphPolicy", () => {
  it("allows staked signers only, and refreshes early (rate-limited) when an unknown signer shows up", async () => {
    const clock = new VirtualClock();
    const chain = new SimChain({ clock });
    const owner = kr.addFromUri("//PolOwner");
    const { netuid } = await chain.registerNetwork(owner, kr.addFromUri("//PolOwnerH").address);
    chain.produceBlocks(10);
    await chain.startCall(owner, netuid);
    const vCold = kr.addFromUri("//PolValC");
    const vHot = kr.addFromUri("//PolValH");
    const mCold = kr.addFromUri("//PolMinC");
    const mHot = kr.addFromUri("//PolMinH");
    await chain.burnedRegister(mCold, netuid, mHot.address);
    chain.produceBlocks(1);
    await chain.burnedRegister(vCold, netuid, vHot.address);

    // No periodic refresh in this test: only the early one can pick the change up.
    const policy = new MetagraphPolicy({
      chain,
      netuid,
      minStake: 1000,
      clock,
      refreshMs: 1e12,
      unknownSignerRefreshMs: 10_000,
    });
    await policy.start();
    expect(policy.isAllowed(vHot.address)).toBe(false);
    expect(policy.isAllowed(mHot.address)).toBe(false);

    // The validator stakes; an early refresh is due only 10 s after the last one.
    await chain.addStake(vCold, vHot.address, netuid, 5000n * 1_000_000_000n);
    expect(policy.isAllowed(vHot.address)).toBe(false);
    clock.advance(10_000);
    expect(policy.isAllowed(vHot.address)).toBe(false); // refused, but triggers the refresh
    await tick();
    expect(policy.isAllowed(vHot.address)).toBe(true);
    expect(policy.isAllowed(mHot.address)).toBe(false);
    policy.close();
    await chain.close();
  });

  it("the background loop picks up changes within one tempo", async () => {
    const clock = new VirtualClock();
    const chain = new SimChain({ clock });
    const owner = kr.addFromUri("//PolOwner2");
    const { netuid } = await chain.registerNetwork(owner, kr.addFromUri("//PolOwnerH2").address);
    chain.produceBlocks(10);
    await chain.startCall(owner, netuid);
    const vCold = kr.addFromUri("//PolValC2");
    const vHot = kr.addFromUri("//PolValH2");
    await chain.burnedRegister(vCold, netuid, vHot.address);
    const policy = new MetagraphPolicy({
      chain,
      netuid,
      minStake: 1000,
      clock,
      unknownSignerRefreshMs: 1e12,
    });
    await policy.start();
    const hp = await chain.hyperparameters(netuid);
    expect(policy.refreshMs).toBe(hp.tempo * hp.blockTimeMs);
    await chain.addStake(vCold, vHot.address, netuid, 5000n * 1_000_000_000n);
    expect(policy.isAllowed(vHot.address)).toBe(false);
    clock.advance(policy.refreshMs);
    await tick();
    expect(policy.isAllowed(vHot.address)).toBe(true);
    policy.close();
    await chain.close();
  });
});

describe("trustedSetPolicy and RateLimiter", () => {
  it("a trusted set allows exactly its members", () => {
    const p = trustedSetPolicy(["5A", "5B"]);
    expect(p.isAllowed("5A")).toBe(true);
    expect(p.isAllowed("5C")).toBe(false);
  });

  it("the token bucket allows a burst, then refills at the configured rate, per signer", () => {
    const rl = new RateLimiter(60, 3);
    const t = 1_000_000;
    expect([rl.take("a", t), rl.take("a", t), rl.take("a", t), rl.take("a", t)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(rl.take("b", t)).toBe(true);
    expect(rl.take("a", t + 999)).toBe(false);
    expect(rl.take("a", t + 1000)).toBe(true);
    expect(new RateLimiter(0, 1).take("a", t)).toBe(true);
  });
});

describe("allowedFromMetagraph stake measure", () => {
  it("--stake-measure total counts root TAO at the chain's TAO weight (the same rule as the validator)", async () => {
    const chain = new SimChain({ taoWeightRaw: U64_MAX / 5n }); // TAO weight 0.2
    const owner = kr.addFromUri("//SmOwner");
    const { netuid } = await chain.registerNetwork(owner, kr.addFromUri("//SmOwnerH").address);
    chain.produceBlocks(10);
    await chain.startCall(owner, netuid);
    const vCold = kr.addFromUri("//SmValC");
    const vHot = kr.addFromUri("//SmValH");
    await chain.burnedRegister(vCold, netuid, vHot.address);
    await chain.addStake(vCold, vHot.address, 0, 10_000n * 1_000_000_000n); // 10 000 TAO → 2 000 total
    const mg = await chain.metagraph(netuid);
    expect(allowedFromMetagraph(mg, 1000, "alpha").has(vHot.address)).toBe(false);
    expect(allowedFromMetagraph(mg, 1000, "total").has(vHot.address)).toBe(true);
  });
});
