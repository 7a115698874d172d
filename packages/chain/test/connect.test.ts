// connectChain: the one rule by which the miner, validator and localnet CLIs reach a chain.
import { createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { connectChain, DEFAULT_SIM_ENDPOINT, SimChainClient } from "../src/index.js";

describe("connectChain", () => {
  it("reaches a served SimChain by 'sim', by an http(s) network or by an http(s) endpoint", async () => {
    const cases: Array<[Parameters<typeof connectChain>[0], string]> = [
      [{ network: "sim" }, DEFAULT_SIM_ENDPOINT],
      [{ network: "sim", endpoint: "http://127.0.0.1:9000" }, "http://127.0.0.1:9000"],
      [{ network: ["sim", "finney"] }, DEFAULT_SIM_ENDPOINT],
      [{ network: "http://10.0.0.5:9955" }, "http://10.0.0.5:9955"],
      [{ network: "local", endpoint: "https://sim.example:9955" }, "https://sim.example:9955"],
    ];
    for (const [target, url] of cases) {
      const chain = await connectChain(target);
      expect(chain).toBeInstanceOf(SimChainClient);
      expect(chain.network).toBe(`served-sim ${url}`);
    }
  });

  it("treats anything else as subtensor and refuses what is neither a network name nor a ws URL", async () => {
    await expect(connectChain({ network: "mainnet" })).rejects.toThrow(/neither a network name/);
    await expect(connectChain({ network: "finney", endpoint: "tcp://x" })).rejects.toThrow(
      /neither a network name/,
    );
  });

  it("gives a subtensor node the RPC deadline it is asked for", async () => {
    // A node that accepts the connection and never answers the WebSocket handshake.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((ok) => silent.listen(0, "127.0.0.1", ok));
    const { port } = silent.address() as { port: number };
    try {
      await expect(connectChain({ network: `ws://127.0.0.1:${port}`, rpcTimeoutMs: 300 })).rejects.toThrow(
        /did not answer within 300 ms/,
      );
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((done) => silent.close(done));
    }
  });
});
