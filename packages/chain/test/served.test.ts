import { Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ChainError, SimChain, SimChainClient, serveSimChain, signCall } from "../src/index.js";

let keyring: Keyring;
let alice: KeyringPair;
beforeAll(async () => {
  await cryptoWaitReady();
  keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
  alice = keyring.addFromUri("//Alice");
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function served(sim = new SimChain()) {
  const s = await serveSimChain(sim, { port: 0 });
  const client = new SimChainClient(s.url, { timeoutMs: 5_000, pollWaitMs: 1_000, retryDelayMs: 50 });
  cleanups.push(
    () => client.close(),
    () => s.close(),
    () => sim.close(),
  );
  return { sim, server: s, client };
}

describe("served SimChain", () => {
  it("answers reads and signed calls through the client, with the chain's error names", async () => {
    const { sim, client } = await served();
    const owner = keyring.addFromUri("//Owner");
    const { netuid } = await client.registerNetwork(owner, owner.address);
    expect(netuid).toBe(2);
    expect(await client.subnetExists(netuid)).toBe(true);
    expect(await client.subnetOwnerHotkey(netuid)).toBe(owner.address);
    const hp = await client.hyperparameters(netuid);
    expect(hp.burn).toBe(100_000_000n);
    expect(hp.tempo).toBe(10);
    const miner = keyring.addFromUri("//M");
    const { uid } = await client.burnedRegister(keyring.addFromUri("//MC"), netuid, miner.address);
    expect(uid).toBe(1);
    const err = await client
      .serveAxon(miner, {
        netuid,
        version: 1,
        ip: "127.0.0.1",
        port: 1,
        ipType: 4,
        protocol: 4,
        placeholder1: 0,
        placeholder2: 0,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChainError);
    expect((err as ChainError).chainError).toBe("InvalidIpAddress");
    await client.sudo(alice, { call: "tempo", netuid, value: 5 });
    expect((await client.hyperparameters(netuid)).tempo).toBe(5);
    sim.produceBlocks(3);
    expect(await client.currentBlock()).toBe(3);
    const mg = await client.metagraph(netuid);
    expect(mg.neurons.map((n) => n.hotkey)).toEqual([owner.address, miner.address]);
  });

  it("refuses a forged signature and someone else's key", async () => {
    const { server, sim } = await served();
    const owner = keyring.addFromUri("//Owner");
    const mallory = keyring.addFromUri("//Mallory");
    const call = signCall(mallory, "register_network", { hotkey: owner.address }, 0, sim.genesisHash);
    const forged = { ...call, signer: owner.address };
    const res = await fetch(`${server.url}/rpc`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ method: "submit", params: forged }),
    });
    const body = (await res.json()) as { error: { chainError: string } };
    expect(body.error.chainError).toBe("BadProof");
  });

  it("delivers blocks by long-poll and follows a restarted server", async () => {
    const sim = new SimChain();
    const first = await serveSimChain(sim, { port: 0 });
    const port = Number(new URL(first.url).port);
    const client = new SimChainClient(first.url, { timeoutMs: 2_000, pollWaitMs: 500, retryDelayMs: 20 });
    cleanups.push(() => client.close());
    const seen: number[] = [];
    const stop = client.onBlock((b) => seen.push(b));
    await expect.poll(() => seen.length).toBeGreaterThan(0);
    sim.produceBlocks(2);
    await expect.poll(() => seen.at(-1)).toBe(2);
    await first.close();
    await expect(client.currentBlock()).rejects.toMatchObject({
      chainError: "ConnectionFailed",
      kind: "transport",
    });
    const sim2 = new SimChain();
    sim2.produceBlocks(7);
    const second = await serveSimChain(sim2, { port });
    cleanups.push(() => second.close());
    expect(await client.currentBlock()).toBe(7);
    await expect.poll(() => seen.at(-1), { timeout: 5_000 }).toBe(7);
    stop();
  });
});
