// startMiner end to end over real HTTP on 127.0.0.1: --no-chain with trusted validators, and joining a SimChain.
import { SimChain } from "@apex/chain";
import { axonVersion, encodeRequestBody, MINER_ROUTE, signEpistula } from "@apex/protocol";
import { Keyring } from "@polkadot/keyring";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadMinerConfig } from "../src/config.js";
import { type RunningMiner, startMiner } from "../src/server.js";
import { constantDiscriminator } from "../src/strategies/discriminators.js";
import { devKeys, fixedGenerator, type Keys } from "./helpers.js";

let keys: Keys;
let kr: Keyring;
beforeAll(async () => {
  keys = await devKeys();
  kr = new Keyring({ type: "sr25519", ss58Format: 42 });
});

const running: RunningMiner[] = [];
afterEach(async () => {
  for (const m of running.splice(0)) await m.close();
});

const noFile = (p: string): string => {
  throw new Error(`no file ${p}`);
};

async function ask(
  url: string,
  signer: Keys["miner"],
  signedFor: string,
  body = encodeRequestBody({ step: "generator", query: "Why do rivers meander?" }),
) {
  const headers = signEpistula(signer, body, { signedFor });
  const res = await fetch(`${url}${MINER_ROUTE}`, {
    method: "POST",
    body,
    headers: { ...headers, "content-type": "application/json" },
  });
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") };
}

describe("--no-chain with --trusted-validators", () => {
  it("answers a key it trusts and refuses one it does not, over real HTTP", async () => {
    const config = loadMinerConfig(
      [
        "--no-chain",
        "--trusted-validators",
        keys.validator.address,
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--generator",
        "dummy",
        "--discriminator",
        "constant-0",
      ],
      {},
      noFile,
    );
    const miner = await startMiner(config, { hotkey: keys.miner, coldkeyAddress: "" });
    running.push(miner);
    expect(miner.axon).toBe("none");
    expect(miner.port).toBeGreaterThan(0);
    expect(miner.url).toBe(`http://127.0.0.1:${miner.port}`);
    const ok = await ask(miner.url, keys.validator, keys.miner.address);
    expect(ok).toEqual({
      status: 200,
      text: "This is a dummy generation from the base miner",
      type: "text/plain; charset=utf-8",
    });
    const disc = await ask(
      miner.url,
      keys.validator,
      keys.miner.address,
      encodeRequestBody({ step: "discriminator", query: "q", generation: "g" }),
    );
    expect(disc.text).toBe("0");
    const refused = await ask(miner.url, keys.stranger, keys.miner.address);
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/^signer_not_allowed/);
    const health = await fetch(`${miner.url}/health`);
    expect(health.status).toBe(200);
  });
});

describe("joining a SimChain", () => {
  async function subnet() {
    const chain = new SimChain({ weightsRateLimit: 0 });
    const owner = { cold: kr.addFromUri("//OwnerC"), hot: kr.addFromUri("//OwnerH") };
    const minerCold = kr.addFromUri("//MinerCold");
    const { netuid } = await chain.registerNetwork(owner.cold, owner.hot.address);
    chain.produceBlocks(10);
    await chain.startCall(owner.cold, netuid);
    return { chain, netuid, minerCold };
  }
  const base = (netuid: number) =>
    loadMinerConfig(
      [
        "--network",
        "sim",
        "--netuid",
        String(netuid),
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--external-ip",
        "127.0.0.2",
      ],
      {},
      noFile,
    );

  it("refuses to start when the hotkey is not registered, saying how to register", async () => {
    const { chain, netuid, minerCold } = await subnet();
    const err = await startMiner(base(netuid), {
      chain,
      hotkey: keys.miner,
      coldkeyAddress: minerCold.address,
      generator: fixedGenerator,
      discriminator: constantDiscriminator("1"),
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/is not registered on subnet \d+/);
    expect(err?.message).toMatch(/btcli subnets register --netuid/);
  });

  it("serves the axon once (protocol 4, our version) and does not re-serve when unchanged", async () => {
    const { chain, netuid, minerCold } = await subnet();
    await chain.burnedRegister(minerCold, netuid, keys.miner.address);
    const served: number[] = [];
    const realServe = chain.serveAxon.bind(chain);
    chain.serveAxon = async (k, p) => {
      served.push(p.port);
      return realServe(k, p);
    };
    const deps = {
      chain,
      hotkey: keys.miner,
      coldkeyAddress: minerCold.address,
      generator: fixedGenerator,
      discriminator: constantDiscriminator("1"),
    };
    const config = { ...base(netuid), axonPort: 18091 };
    const first = await startMiner(config, deps);
    running.push(first);
    expect(first.axon).toBe("served");
    expect(first.uid).toBeGreaterThanOrEqual(0);
    const mg = await chain.metagraph(netuid);
    const me = mg.neurons.find((n) => n.hotkey === keys.miner.address)!;
    expect(me.axon).toMatchObject({
      ip: "127.0.0.2",
      port: 18091,
      ipType: 4,
      protocol: 4,
      version: axonVersion(),
      placeholder1: 0,
      placeholder2: 0,
    });
    await first.close();
    running.length = 0;
    chain.produceBlocks(2);
    const second = await startMiner(config, deps);
    running.push(second);
    expect(second.axon).toBe("unchanged");
    expect(served).toEqual([18091]);
    // A different port is a change: served again.
    await second.close();
    running.length = 0;
    chain.produceBlocks(60);
    const third = await startMiner({ ...config, axonPort: 18092 }, deps);
    running.push(third);
    expect(third.axon).toBe("served");
    expect(served).toEqual([18091, 18092]);
  });

  it("refuses to announce 127.0.0.1 and explains why", async () => {
    const { chain, netuid, minerCold } = await subnet();
    await chain.burnedRegister(minerCold, netuid, keys.miner.address);
    const err = await startMiner(
      { ...base(netuid), externalIp: "127.0.0.1" },
      {
        chain,
        hotkey: keys.miner,
        coldkeyAddress: minerCold.address,
        generator: fixedGenerator,
        discriminator: constantDiscriminator("1"),
      },
    ).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/chain rejects exactly 127\.0\.0\.1/);
    expect(err?.message).toMatch(/127\.0\.0\.2/);
  });

  it("accepts validators from the metagraph (permit or stake) and refuses others", async () => {
    const { chain, netuid, minerCold } = await subnet();
    await chain.burnedRegister(minerCold, netuid, keys.miner.address);
    chain.produceBlocks(1);
    const vCold = kr.addFromUri("//ValidatorCold");
    await chain.burnedRegister(vCold, netuid, keys.validator.address);
    await chain.addStake(vCold, keys.validator.address, netuid, 30_000n * 1_000_000_000n);
    const miner = await startMiner(base(netuid), {
      chain,
      hotkey: keys.miner,
      coldkeyAddress: minerCold.address,
      generator: fixedGenerator,
      discriminator: constantDiscriminator("1"),
    });
    running.push(miner);
    expect((await ask(miner.url, keys.validator, keys.miner.address)).status).toBe(200);
    const stranger = await ask(miner.url, keys.stranger, keys.miner.address);
    expect(stranger.status).toBe(403);
  });

  it("with --no-serve-axon leaves the axon to someone else (a localnet) and announces 127.0.0.2 by default on sim", async () => {
    const { chain, netuid, minerCold } = await subnet();
    await chain.burnedRegister(minerCold, netuid, keys.miner.address);
    const deps = {
      chain,
      hotkey: keys.miner,
      coldkeyAddress: "",
      generator: fixedGenerator,
      discriminator: constantDiscriminator("1"),
    };
    const cfg = loadMinerConfig(
      ["--network", "sim", "--netuid", String(netuid), "--host", "127.0.0.1", "--port", "0"],
      {},
      noFile,
    );
    const quiet = await startMiner({ ...cfg, serveAxon: false }, deps);
    running.push(quiet);
    expect(quiet.axon).toBe("none");
    expect(
      (await chain.metagraph(netuid)).neurons.find((n) => n.hotkey === keys.miner.address)!.axon.ip,
    ).toBe("0.0.0.0");
    const loud = await startMiner(cfg, deps);
    running.push(loud);
    expect(loud.axon).toBe("served");
    const axon = (await chain.metagraph(netuid)).neurons.find((n) => n.hotkey === keys.miner.address)!.axon;
    expect(axon).toMatchObject({ ip: "127.0.0.2", port: loud.port });
  });

  it("finds the netuid on the chain when none is given", async () => {
    const { chain, netuid, minerCold } = await subnet();
    await chain.burnedRegister(minerCold, netuid, keys.miner.address);
    const config = loadMinerConfig(
      ["--network", "sim", "--host", "127.0.0.1", "--port", "0", "--external-ip", "10.0.0.5"],
      {},
      noFile,
    );
    const miner = await startMiner(config, {
      chain,
      hotkey: keys.miner,
      coldkeyAddress: minerCold.address,
      generator: fixedGenerator,
      discriminator: constantDiscriminator("1"),
    });
    running.push(miner);
    expect(miner.netuid).toBe(netuid);
  });
});
