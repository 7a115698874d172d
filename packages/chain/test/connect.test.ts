// connectChain: the one rule by which the miner, validator and localnet CLIs reach a chain.
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
});
