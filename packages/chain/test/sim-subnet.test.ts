// The simSubnet fixture: what it hands a test, how a suite changes it, and that it closes the chain after the
// test whether the test passed or failed.
import { describe, expect } from "vitest";
import { it, type SimSubnet } from "./sim-subnet.js";

describe("simSubnet fixture", () => {
  it("hands over a started subnet: owner uid 0, a permitted validator uid 1, two miners", async ({
    simSubnet,
  }) => {
    const { chain, netuid, owner, validator, miners } = simSubnet;
    const mg = await chain.metagraph(netuid);
    expect(mg.neurons.map((n) => n.hotkey)).toEqual([
      owner.hotkey.address,
      validator.hotkey.address,
      ...miners.map((m) => m.hotkey.address),
    ]);
    expect(mg.neurons[1]!.validatorPermit).toBe(true);
    expect(chain.stakeOf(validator.hotkey.address, netuid)).toBeGreaterThanOrEqual(validator.stakeRao);
    const hp = await chain.hyperparameters(netuid);
    expect(hp.weightsRateLimit).toBe(0);
    expect(hp.commitRevealEnabled).toBe(false);
  });

  describe("with options", () => {
    it.override({ simSubnetOptions: { miners: 3, commitReveal: true, weightsRateLimit: 7, tempo: 20 } });

    it("builds the subnet the suite asked for", async ({ simSubnet: { chain, netuid, miners } }) => {
      expect(miners).toHaveLength(3);
      expect((await chain.metagraph(netuid)).neurons).toHaveLength(5);
      const hp = await chain.hyperparameters(netuid);
      expect(hp).toMatchObject({ commitRevealEnabled: true, weightsRateLimit: 7, tempo: 20 });
    });
  });

  describe("cleanup", () => {
    let afterPass: SimSubnet | undefined;
    let afterFail: SimSubnet | undefined;

    it("(a passing test)", ({ simSubnet }) => {
      afterPass = simSubnet;
    });

    it.fails("(a failing test)", ({ simSubnet }) => {
      afterFail = simSubnet;
      throw new Error("this test fails on purpose");
    });

    it("closed the chain after each of them", async () => {
      for (const used of [afterPass, afterFail]) {
        expect(used).toBeDefined();
        const { chain, owner, netuid } = used!;
        await expect(chain.startCall(owner.coldkey, netuid)).rejects.toMatchObject({
          chainError: "ChainClosed",
        });
      }
    });
  });
});
