// Every SimChain check and error name (docs/upstream.md § Chain calls and checks).
import type { Signer } from "@apex/protocol";
import { Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { beforeAll, describe, expect } from "vitest";
import {
  blocksUntilNextEpoch,
  ChainError,
  commitHash,
  INITIAL_TAO_WEIGHT_RAW,
  isEpochBlock,
  SimChain,
  signCall,
  stakeOf,
  taoWeightRatio,
  U64_MAX,
} from "../src/index.js";
import { it } from "./sim-subnet.js";

let kr: Keyring;
let alice: KeyringPair;
beforeAll(async () => {
  await cryptoWaitReady();
  kr = new Keyring({ type: "sr25519", ss58Format: 42 });
  alice = kr.addFromUri("//Alice");
});

const key = (name: string) => kr.addFromUri(`//${name}`);

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ChainError) return err.chainError;
    throw err;
  }
  return "ok";
}

const axon = {
  version: 1,
  ip: "10.0.0.2",
  port: 8091,
  ipType: 4 as const,
  protocol: 4,
  placeholder1: 0,
  placeholder2: 0,
};

describe("register_network / start_call", () => {
  it("first netuid is 2, owner hotkey is uid 0, start_call only by the owner coldkey after the delay", async () => {
    const chain = new SimChain();
    const owner = key("O1");
    const { netuid } = await chain.registerNetwork(owner, key("O1H").address);
    expect(netuid).toBe(2);
    expect((await chain.registerNetwork(key("O2"), key("O2H").address)).netuid).toBe(3);
    expect((await chain.metagraph(2)).neurons[0]!.hotkey).toBe(key("O1H").address);
    expect(await errorOf(chain.startCall(owner, netuid))).toBe("NeedWaitingMoreBlocksToStarCall");
    chain.produceBlocks(10);
    expect(await errorOf(chain.startCall(key("O2"), netuid))).toBe("BadOrigin");
    expect(await errorOf(chain.startCall(owner, netuid))).toBe("ok");
    expect(await errorOf(chain.startCall(owner, netuid))).toBe("FirstEmissionBlockNumberAlreadySet");
    expect(await errorOf(chain.startCall(owner, 9))).toBe("SubNetworkDoesNotExist");
  });

  it("network registration rate limit", async () => {
    const chain = new SimChain({ networkRateLimit: 5 });
    await chain.registerNetwork(key("A1"), key("A1H").address);
    expect(await errorOf(chain.registerNetwork(key("A2"), key("A2H").address))).toBe(
      "NetworkTxRateLimitExceeded",
    );
    chain.produceBlocks(5);
    expect(await errorOf(chain.registerNetwork(key("A2"), key("A2H").address))).toBe("ok");
  });
});

describe("burned_register", () => {
  it("gives uids in order, refuses duplicates and someone else's hotkey, and enforces the registration limits", async () => {
    const chain = new SimChain();
    const owner = key("RegO");
    const { netuid } = await chain.registerNetwork(owner, key("RegOH").address);
    expect((await chain.burnedRegister(key("C1"), netuid, key("H1").address)).uid).toBe(1);
    expect(await errorOf(chain.burnedRegister(key("C2"), netuid, key("H2").address))).toBe(
      "TooManyRegistrationsThisBlock",
    );
    chain.produceBlocks(1);
    expect(await errorOf(chain.burnedRegister(key("C1"), netuid, key("H1").address))).toBe(
      "HotKeyAlreadyRegisteredInSubNet",
    );
    expect(await errorOf(chain.burnedRegister(key("C2"), netuid, key("H1").address))).toBe(
      "HotKeyAlreadyRegisteredInSubNet",
    );
    const other = (await chain.registerNetwork(key("RegO2"), key("RegO2H").address)).netuid;
    expect(await errorOf(chain.burnedRegister(key("C2"), other, key("H1").address))).toBe(
      "NonAssociatedColdKey",
    );
    for (let i = 2; i <= 6; i++) {
      expect((await chain.burnedRegister(key(`C${i}`), netuid, key(`H${i}`).address)).uid).toBe(i);
      chain.produceBlocks(1);
    }
    // 6 = 3 × target (2) per interval.
    expect(await errorOf(chain.burnedRegister(key("C7"), netuid, key("H7").address))).toBe(
      "TooManyRegistrationsThisInterval",
    );
    chain.produceBlocks(100);
    expect(await errorOf(chain.burnedRegister(key("C7"), netuid, key("H7").address))).toBe("ok");
    await chain.sudo(alice, { call: "max_registrations_per_block", netuid, value: 0 });
    expect(await errorOf(chain.burnedRegister(key("C8"), netuid, key("H8").address))).toBe(
      "TooManyRegistrationsThisBlock",
    );
  });

  it("when full, replaces the lowest pruning score past the immunity period (never the owner)", async () => {
    const chain = new SimChain();
    const { netuid } = await chain.registerNetwork(key("FO"), key("FOH").address);
    await chain.sudo(alice, { call: "max_allowed_uids", netuid, value: 3 });
    await chain.sudo(alice, { call: "immunity_period", netuid, value: 5 });
    await chain.burnedRegister(key("F1"), netuid, key("F1H").address);
    chain.produceBlocks(1);
    await chain.burnedRegister(key("F2"), netuid, key("F2H").address);
    chain.produceBlocks(1);
    // Everyone immune and equal: the earliest registered non-owner goes first.
    const r = await chain.burnedRegister(key("F3"), netuid, key("F3H").address);
    expect(r.uid).toBe(1);
    const mg = await chain.metagraph(netuid);
    expect(mg.neurons.map((n) => n.hotkey)).toEqual([
      key("FOH").address,
      key("F3H").address,
      key("F2H").address,
    ]);
    expect(mg.neurons[1]!.registeredAt).toBe(2);
    chain.produceBlocks(6);
    // Past immunity, uid 2 (registered earlier than uid 1) goes.
    expect((await chain.burnedRegister(key("F4"), netuid, key("F4H").address)).uid).toBe(2);
  });

  it("refuses a subnet with registration off and the root subnet", async () => {
    const chain = new SimChain();
    expect(await errorOf(chain.burnedRegister(key("X"), 0, key("XH").address))).toBe(
      "RegistrationNotPermittedOnRootSubnet",
    );
    expect(await errorOf(chain.burnedRegister(key("X"), 5, key("XH").address))).toBe(
      "SubNetworkDoesNotExist",
    );
  });
});

describe("serve_axon", () => {
  it("applies the IP rules, the port rule and the serving rate limit", async ({ simSubnet }) => {
    const { chain, netuid, miners } = simSubnet;
    const m = miners[0]!.hotkey;
    await chain.sudo(alice, { call: "serving_rate_limit", netuid, value: 50 });
    expect(await errorOf(chain.serveAxon(m, { ...axon, netuid, ip: "127.0.0.1" }))).toBe("InvalidIpAddress");
    expect(await errorOf(chain.serveAxon(m, { ...axon, netuid, ip: "::1", ipType: 6 }))).toBe(
      "InvalidIpAddress",
    );
    expect(await errorOf(chain.serveAxon(m, { ...axon, netuid, ip: "255.255.255.255" }))).toBe(
      "InvalidIpAddress",
    );
    expect(await errorOf(chain.serveAxon(m, { ...axon, netuid, ipType: 5 as 4 }))).toBe("InvalidIpType");
    expect(await errorOf(chain.serveAxon(m, { ...axon, netuid, port: 0 }))).toBe("InvalidPort");
    expect(await errorOf(chain.serveAxon(key("Nobody"), { ...axon, netuid }))).toBe(
      "HotKeyNotRegisteredInNetwork",
    );
    expect(await errorOf(chain.serveAxon(m, { ...axon, netuid, ip: "127.0.0.2" }))).toBe("ok");
    expect(await errorOf(chain.serveAxon(m, { ...axon, netuid, ip: "10.0.0.3" }))).toBe(
      "ServingRateLimitExceeded",
    );
    chain.produceBlocks(50);
    expect(await errorOf(chain.serveAxon(m, { ...axon, netuid, ip: "2001:db8::1", ipType: 6 }))).toBe("ok");
    expect(await errorOf(chain.serveAxon(miners[1]!.hotkey, { ...axon, netuid, ip: "0.0.0.0" }))).toBe("ok");
    const mg = await chain.metagraph(netuid);
    expect(mg.neurons.find((n) => n.hotkey === m.address)!.axon).toMatchObject({
      ip: "2001:db8::1",
      ipType: 6,
      port: 8091,
    });
  });
});

describe("set_weights: checks in subtensor's order", () => {
  const w = (netuid: number, uids: number[], weights: number[], versionKey = 0) => ({
    netuid,
    uids,
    weights,
    versionKey,
  });

  describe("with three miners", () => {
    it.override({ simSubnetOptions: { miners: 3 } });

    it("names each failure like subtensor", async ({ simSubnet }) => {
      const { chain, netuid, validator, miners } = simSubnet;
      const v = validator.hotkey;
      expect(await errorOf(chain.setWeights(v, w(netuid, [2, 3], [1])))).toBe("WeightVecNotEqualSize");
      expect(await errorOf(chain.setWeights(v, w(netuid, [0, 1, 2, 3, 4, 5], [1, 1, 1, 1, 1, 1])))).toBe(
        "UidsLengthExceedUidsInSubNet",
      );
      expect(await errorOf(chain.setWeights(key("Stranger"), w(netuid, [2], [1])))).toBe(
        "HotKeyNotRegisteredInSubNet",
      );
      await chain.sudo(alice, { call: "stake_threshold", value: 2_000_000_000_000 });
      expect(await errorOf(chain.setWeights(v, w(netuid, [2], [1])))).toBe("NotEnoughStakeToSetWeights");
      await chain.sudo(alice, { call: "stake_threshold", value: 0 });
      await chain.sudo(alice, { call: "weights_version_key", netuid, value: 3 });
      expect(await errorOf(chain.setWeights(v, w(netuid, [2], [1], 2)))).toBe("IncorrectWeightVersionKey");
      expect(await errorOf(chain.setWeights(miners[0]!.hotkey, w(netuid, [3], [1], 3)))).toBe(
        "NeuronNoValidatorPermit",
      );
      // A miner may set a self-weight without a permit.
      expect(await errorOf(chain.setWeights(miners[0]!.hotkey, w(netuid, [2], [1], 3)))).toBe("ok");
      expect(await errorOf(chain.setWeights(v, w(netuid, [2, 2], [1, 1], 3)))).toBe("DuplicateUids");
      expect(await errorOf(chain.setWeights(v, w(netuid, [2, 9], [1, 1], 3)))).toBe(
        "UidVecContainInvalidOne",
      );
      await chain.sudo(alice, { call: "min_allowed_weights", netuid, value: 3 });
      expect(await errorOf(chain.setWeights(v, w(netuid, [2, 3], [1, 1], 3)))).toBe("WeightVecLengthIsLow");
      await chain.sudo(alice, { call: "min_allowed_weights", netuid, value: 1 });
      await chain.sudo(alice, { call: "max_weight_limit", netuid, value: 40_000 });
      // [1, 1] upscales to [65535, 65535] > 40000.
      expect(await errorOf(chain.setWeights(v, w(netuid, [2, 3], [1, 1], 3)))).toBe("MaxWeightExceeded");
      await chain.sudo(alice, { call: "max_weight_limit", netuid, value: 65_535 });
      expect(await errorOf(chain.setWeights(v, w(netuid, [2, 3, 4], [1, 2, 4], 3)))).toBe("ok");
      // u16 max-upscaling, as subtensor's vec_u16_max_upscale_to_u16.
      expect(chain.weightsOf(netuid, 1)).toEqual([
        [2, 16_383],
        [3, 32_767],
        [4, 65_535],
      ]);
    });
  });

  describe("with a weights rate limit of 100", () => {
    it.override({ simSubnetOptions: { weightsRateLimit: 100 } });

    it("the order matters: version key is checked before the rate limit, permit after it", async ({
      simSubnet,
    }) => {
      const { chain, netuid, validator, miners } = simSubnet;
      const v = validator.hotkey;
      // Registration counts as an update (LastUpdate = registration block, as on spec 293): the limit runs from it.
      expect(await errorOf(chain.setWeights(v, w(netuid, [2], [1])))).toBe("SettingWeightsTooFast");
      chain.produceBlocks(100);
      expect(await errorOf(chain.setWeights(v, w(netuid, [2], [1])))).toBe("ok");
      expect(await errorOf(chain.setWeights(v, w(netuid, [2], [1])))).toBe("SettingWeightsTooFast");
      await chain.sudo(alice, { call: "weights_version_key", netuid, value: 3 });
      expect(await errorOf(chain.setWeights(v, w(netuid, [2], [1], 1)))).toBe("IncorrectWeightVersionKey");
      // Duplicate uids but rate limited: the rate limit wins.
      expect(await errorOf(chain.setWeights(v, w(netuid, [2, 2], [1, 1], 3)))).toBe("SettingWeightsTooFast");
      // No permit and duplicates: the permit check comes first.
      expect(await errorOf(chain.setWeights(miners[0]!.hotkey, w(netuid, [3, 3], [1, 1], 3)))).toBe(
        "NeuronNoValidatorPermit",
      );
      chain.produceBlocks(100);
      expect(await errorOf(chain.setWeights(v, w(netuid, [2], [1], 3)))).toBe("ok");
    });
  });

  it("the subnet owner may set weights without a permit; commit-reveal on refuses set_weights", async ({
    simSubnet,
  }) => {
    const { chain, netuid, owner } = simSubnet;
    expect(await errorOf(chain.setWeights(owner.hotkey, w(netuid, [2], [1])))).toBe("ok");
    await chain.sudo(alice, { call: "commit_reveal_weights_enabled", netuid, value: true });
    expect(await errorOf(chain.setWeights(owner.hotkey, w(netuid, [2], [1])))).toBe("CommitRevealEnabled");
  });
});

describe("hash commit-reveal", () => {
  describe("with commit-reveal on", () => {
    it.override({ simSubnetOptions: { commitReveal: true } });

    it("commit, too early, reveal in the next epoch, wrong hash, expiry", async ({ simSubnet }) => {
      const { chain, netuid, validator } = simSubnet;
      const v = validator.hotkey;
      const reveal = { netuid, uids: [2], values: [65_535], salt: [1, 2, 3], versionKey: 0 };
      const hash = commitHash(v.publicKey, netuid, reveal.uids, reveal.values, reveal.salt, 0);
      expect(await errorOf(chain.revealWeights(v, reveal))).toBe("NoWeightsCommitFound");
      await chain.commitWeights(v, netuid, hash);
      expect(await errorOf(chain.revealWeights(v, reveal))).toBe("RevealTooEarly");
      const tempo = 10;
      chain.produceBlocks(blocksUntilNextEpoch(netuid, tempo, chain.blockNumber) + 1);
      expect(await errorOf(chain.revealWeights(v, { ...reveal, salt: [9] }))).toBe(
        "InvalidRevealCommitHashNotMatch",
      );
      expect(await errorOf(chain.revealWeights(v, reveal))).toBe("ok");
      expect(chain.weightsOf(netuid, 1)).toEqual([[2, 65_535]]);
      // A commit left for two epochs expires.
      await chain.commitWeights(v, netuid, hash);
      chain.produceBlocks(2 * (tempo + 1));
      expect(await errorOf(chain.revealWeights(v, reveal))).toBe("ExpiredWeightCommit");
    });
  });

  it("commit needs commit-reveal on and a registered hotkey", async ({ simSubnet }) => {
    const { chain, netuid, validator } = simSubnet;
    const h = commitHash(validator.hotkey.address, netuid, [2], [1], [1], 0);
    expect(await errorOf(chain.commitWeights(validator.hotkey, netuid, h))).toBe("CommitRevealDisabled");
    await chain.sudo(alice, { call: "commit_reveal_weights_enabled", netuid, value: true });
    expect(await errorOf(chain.commitWeights(key("Nobody"), netuid, h))).toBe("HotKeyNotRegisteredInSubNet");
  });

  it("commitHash is blake2_256 over the SCALE tuple (hotkey, netuid, uids, values, salt, version_key)", () => {
    // Independent check of the layout: 32-byte key ‖ u16 LE ‖ compact len + u16s (×3) ‖ u64 LE.
    const pk = new Uint8Array(32).fill(1);
    const a = commitHash(pk, 2, [1, 2], [3, 4], [5], 7);
    expect(a).toMatch(/^0x[0-9a-f]{64}$/);
    expect(commitHash(pk, 2, [1, 2], [3, 4], [5], 7n)).toBe(a);
    expect(commitHash(pk, 3, [1, 2], [3, 4], [5], 7)).not.toBe(a);
    expect(commitHash(pk, 2, [1, 2], [3, 4], [5], 8)).not.toBe(a);
    expect(() => commitHash(pk, 70_000, [], [], [], 0)).toThrow(/u16/);
  });
});

describe("signatures", () => {
  it("refuses forged, replayed and wrongly-keyed calls", async ({ simSubnet }) => {
    const { chain, netuid, validator, miners } = simSubnet;
    const v = validator.hotkey;
    const call = signCall(
      v,
      "set_weights",
      { netuid, uids: [2], weights: [1], versionKey: 0 },
      chain.accountNonce(v.address),
      chain.genesisHash,
    );
    // Tampered args.
    await expect(chain.submit({ ...call, args: { ...call.args, uids: [3] } })).rejects.toMatchObject({
      chainError: "BadProof",
    });
    // Claimed by another account.
    await expect(chain.submit({ ...call, signer: miners[0]!.hotkey.address })).rejects.toMatchObject({
      chainError: "BadProof",
    });
    await chain.submit(call);
    // Replay.
    await expect(chain.submit(call)).rejects.toMatchObject({ chainError: "Stale" });
    await expect(
      chain.submit(
        signCall(v, "set_weights", call.args, chain.accountNonce(v.address) + 5, chain.genesisHash),
      ),
    ).rejects.toMatchObject({
      chainError: "Future",
    });
    // A call signed for another chain (same accounts, same nonce) is refused: the genesis hash is signed too.
    const other = signCall(
      v,
      "set_weights",
      call.args,
      chain.accountNonce(v.address),
      "0x0000000000000000000000000000000000000000000000000000000000000001",
    );
    await expect(chain.submit(other)).rejects.toMatchObject({ chainError: "BadProof" });
    // Nobody can serve someone else's axon: the origin is whoever signed.
    const mallory = key("Mallory");
    expect(await errorOf(chain.serveAxon(mallory, { ...axon, netuid }))).toBe("HotKeyNotRegisteredInNetwork");
    // Sudo needs the sudo key.
    const sudoByMallory = chain.sudo(mallory, { call: "tempo", netuid, value: 3 });
    await expect(sudoByMallory).rejects.toMatchObject({ chainError: "RequireSudo", kind: "sudo" });
  });

  it("a Signer that signs with the wrong key is refused", async () => {
    const chain = new SimChain();
    const real = key("Real");
    const liar: Signer = {
      address: real.address,
      publicKey: real.publicKey,
      sign: (m) => key("Other").sign(m),
    };
    await expect(chain.registerNetwork(liar, real.address)).rejects.toMatchObject({
      chainError: "BadProof",
      kind: "pool",
    });
  });
});

describe("blocks, epochs and emission", () => {
  it("runs epochs on (block + netuid + 1) % (tempo + 1) == tempo and pays 18% to the owner", async ({
    simSubnet,
  }) => {
    // netuid 2, tempo 10: (b + 3) % 11 == 10 at b = 7, 18, 29, …
    expect(isEpochBlock(2, 10, 7)).toBe(true);
    expect(isEpochBlock(2, 10, 18)).toBe(true);
    expect(isEpochBlock(2, 10, 8)).toBe(false);
    expect(blocksUntilNextEpoch(2, 10, 8)).toBe(10);
    const { chain, netuid, owner, validator, miners } = simSubnet;
    await chain.setWeights(validator.hotkey, { netuid, uids: [2], weights: [65_535], versionKey: 0 });
    const before = {
      owner: chain.stakeOf(owner.hotkey.address, netuid),
      val: chain.stakeOf(validator.hotkey.address, netuid),
      miner: chain.stakeOf(miners[0]!.hotkey.address, netuid),
    };
    // Move to just after an epoch, then exactly one more tempo.
    chain.produceBlocks(1);
    chain.produceBlocks(blocksUntilNextEpoch(netuid, 10, chain.blockNumber));
    const s0 = {
      owner: chain.stakeOf(owner.hotkey.address, netuid),
      val: chain.stakeOf(validator.hotkey.address, netuid),
      miner: chain.stakeOf(miners[0]!.hotkey.address, netuid),
    };
    expect(s0.miner).toBeGreaterThan(before.miner);
    chain.produceBlocks(11);
    const perTempo = 11n * 1_000_000_000n;
    const ownerCut = (perTempo * 11_796n) / 65_535n;
    expect(chain.stakeOf(owner.hotkey.address, netuid) - s0.owner).toBe(ownerCut);
    const minerGain = chain.stakeOf(miners[0]!.hotkey.address, netuid) - s0.miner;
    const valGain = chain.stakeOf(validator.hotkey.address, netuid) - s0.val;
    const half = Number(perTempo - ownerCut) / 2;
    expect(Math.abs(Number(minerGain) - half)).toBeLessThan(2);
    expect(Math.abs(Number(valGain) - half)).toBeLessThan(2);
  });

  it("activity cutoff: a validator that stops setting weights goes inactive and its weights stop counting", async ({
    simSubnet,
  }) => {
    const { chain, netuid, validator } = simSubnet;
    await chain.sudo(alice, { call: "activity_cutoff", netuid, value: 15 });
    await chain.setWeights(validator.hotkey, { netuid, uids: [2], weights: [65_535], versionKey: 0 });
    chain.produceBlocks(11);
    let mg = await chain.metagraph(netuid);
    expect(mg.neurons[1]!.active).toBe(true);
    expect(mg.neurons[2]!.incentive).toBeCloseTo(1, 4);
    chain.produceBlocks(22);
    mg = await chain.metagraph(netuid);
    expect(mg.neurons[1]!.active).toBe(false);
    expect(mg.neurons[2]!.incentive).toBe(0);
  });

  describe("with three miners", () => {
    it.override({ simSubnetOptions: { miners: 3 } });

    it("validator permits go to the top max_allowed_validators by stake", async ({ simSubnet }) => {
      const { chain, netuid, miners } = simSubnet;
      await chain.addStake(miners[0]!.coldkey, miners[0]!.hotkey.address, netuid, 5_000_000_000_000n);
      await chain.sudo(alice, { call: "max_allowed_validators", netuid, value: 1 });
      chain.produceBlocks(11);
      const mg = await chain.metagraph(netuid);
      expect(mg.neurons.filter((n) => n.validatorPermit).map((n) => n.uid)).toEqual([2]);
    });
  });

  it("syncToClock produces exactly the blocks whose time has come; start/close drive it on the clock", async () => {
    const { VirtualClock } = await import("@apex/protocol");
    const clock = new VirtualClock(0);
    const chain = new SimChain({ clock, blockTimeMs: 250 });
    clock.advance(1_000);
    expect(chain.syncToClock()).toBe(4);
    clock.advance(249);
    expect(chain.syncToClock()).toBe(4);
    const seen: number[] = [];
    chain.onBlock((b) => seen.push(b));
    chain.start();
    clock.advance(1);
    await new Promise((r) => setTimeout(r, 0));
    clock.advance(250);
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([5, 6]);
    await chain.close();
    clock.advance(1_000);
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([5, 6]);
  });
});

describe("stake: alpha and total (alpha + root TAO × TaoWeight)", () => {
  describe("with TaoWeight = u64::MAX / 4", () => {
    it.override({ simSubnetOptions: { taoWeightRaw: U64_MAX / 4n } });

    it("models root TAO stake and the chain's TAO weight the way subtensor weighs stake", async ({
      simSubnet,
    }) => {
      // TaoWeight = u64::MAX / 4 → 0.25.
      const { chain, netuid, validator, miners } = simSubnet;
      const before = await chain.metagraph(netuid);
      expect(before.taoWeight).toBeCloseTo(0.25, 15);
      const v = before.neurons.find((n) => n.hotkey === validator.hotkey.address)!;
      expect(v.taoStake).toBe(0);
      expect(v.totalStake).toBe(v.stake);

      // 40 000 TAO on root for a miner's hotkey: alpha unchanged, total + 10 000.
      const m = miners[0]!;
      await chain.addStake(m.coldkey, m.hotkey.address, 0, 40_000n * 1_000_000_000n);
      const after = await chain.metagraph(netuid);
      const n = after.neurons.find((x) => x.hotkey === m.hotkey.address)!;
      expect(n.taoStake).toBe(40_000);
      expect(n.totalStake).toBeCloseTo(n.stake + 10_000, 9);
      expect(stakeOf(n, "alpha")).toBe(n.stake);
      expect(stakeOf(n, "total")).toBe(n.totalStake);
    });
  });

  it("defaults to subtensor's initial TaoWeight", async ({ simSubnet }) => {
    const { chain, netuid } = simSubnet;
    expect((await chain.metagraph(netuid)).taoWeight).toBeCloseTo(taoWeightRatio(INITIAL_TAO_WEIGHT_RAW), 15);
  });
});
