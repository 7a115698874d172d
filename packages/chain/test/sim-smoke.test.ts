import { Keyring } from "@polkadot/keyring";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ChainError, SimChain } from "../src/index.js";

let keyring: Keyring;
beforeAll(async () => {
  await cryptoWaitReady();
  keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
});

describe("SimChain smoke", () => {
  it("registers, serves, stakes, sets weights and pays incentive after epochs", async () => {
    const chain = new SimChain({ weightsRateLimit: 0 });
    const alice = keyring.addFromUri("//Alice");
    const owner = { cold: keyring.addFromUri("//OwnerC"), hot: keyring.addFromUri("//OwnerH") };
    const val = { cold: keyring.addFromUri("//ValC"), hot: keyring.addFromUri("//ValH") };
    const miner = { cold: keyring.addFromUri("//MinC"), hot: keyring.addFromUri("//MinH") };
    const { netuid } = await chain.registerNetwork(owner.cold, owner.hot.address);
    expect(netuid).toBe(2);
    chain.produceBlocks(10);
    await chain.startCall(owner.cold, netuid);
    expect((await chain.burnedRegister(val.cold, netuid, val.hot.address)).uid).toBe(1);
    chain.produceBlocks(1);
    expect((await chain.burnedRegister(miner.cold, netuid, miner.hot.address)).uid).toBe(2);
    await chain.addStake(val.cold, val.hot.address, netuid, 1000n * 1_000_000_000n);
    await expect(
      chain.serveAxon(miner.hot, {
        netuid,
        version: 1,
        ip: "127.0.0.1",
        port: 8091,
        ipType: 4,
        protocol: 4,
        placeholder1: 0,
        placeholder2: 0,
      }),
    ).rejects.toMatchObject({ chainError: "InvalidIpAddress" });
    await chain.serveAxon(miner.hot, {
      netuid,
      version: 1,
      ip: "127.0.0.2",
      port: 8091,
      ipType: 4,
      protocol: 4,
      placeholder1: 0,
      placeholder2: 0,
    });
    await expect(
      chain.setWeights(val.hot, { netuid, uids: [2], weights: [65535], versionKey: 0 }),
    ).rejects.toBeInstanceOf(ChainError);
    chain.produceBlocks(12);
    await chain.setWeights(val.hot, { netuid, uids: [2], weights: [65535], versionKey: 0 });
    chain.produceBlocks(24);
    const mg = await chain.metagraph(netuid);
    expect(mg.neurons[2]!.incentive).toBeCloseTo(1, 3);
    expect(mg.neurons[1]!.dividends).toBeGreaterThan(0.5);
    expect(mg.neurons[2]!.axon.ip).toBe("127.0.0.2");
    void alice;
  });
});
