// bootstrapSubnet on chains that model balances funds fresh coldkeys first; past max_allowed_uids it makes room.
import type { Signer } from "@apex/protocol";
import { Keyring } from "@polkadot/keyring";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { bootstrapSubnet, SimChain, type TxResult } from "../src/index.js";

let kr: Keyring;
beforeAll(async () => {
  await cryptoWaitReady();
  kr = new Keyring({ type: "sr25519", ss58Format: 42 });
});
const key = (name: string) => kr.addFromUri(`//${name}`);

/** SimChain plus a balances transfer that records what it was asked to move. */
class FundedSim extends SimChain {
  readonly transfers: Array<{ from: string; to: string; amount: bigint }> = [];
  async transfer(from: Signer, to: string, amountRao: bigint): Promise<TxResult> {
    this.transfers.push({ from: from.address, to, amount: amountRao });
    return { block: await this.currentBlock(), events: ["Transfer"] };
  }
}

describe("bootstrapSubnet", () => {
  it("funds each distinct coldkey once from sudo, validators with their stake on top", async () => {
    const chain = new FundedSim({});
    const sharedMinerCold = key("Miners");
    const validator = { coldkey: key("ValC"), hotkey: key("ValH"), stakeRao: 5_000n };
    await bootstrapSubnet(chain, {
      sudo: key("Alice"),
      owner: { coldkey: key("Alice"), hotkey: key("OwnerH") },
      validators: [validator],
      miners: [
        { coldkey: sharedMinerCold, hotkey: key("M0") },
        { coldkey: sharedMinerCold, hotkey: key("M1") },
      ],
      fundRao: 1_000n,
      advanceBlocks: (n) => void chain.produceBlocks(n),
    });
    expect(chain.transfers).toEqual([
      { from: key("Alice").address, to: validator.coldkey.address, amount: 6_000n },
      { from: key("Alice").address, to: sharedMinerCold.address, amount: 1_000n },
    ]);
  });

  it("raises max_allowed_uids when more neurons are asked for than the subnet holds", async () => {
    const chain = new SimChain({});
    const cold = key("Many");
    const miners = Array.from({ length: 300 }, (_, i) => ({
      coldkey: cold,
      hotkey: { address: key(`m${i}`).address },
    }));
    const { netuid, uids } = await bootstrapSubnet(chain, {
      sudo: key("Alice"),
      owner: { coldkey: key("Alice"), hotkey: key("OwnerH2") },
      validators: [],
      miners,
      advanceBlocks: (n) => void chain.produceBlocks(n),
    });
    expect(uids.miners).toHaveLength(300);
    expect(new Set(uids.miners).size).toBe(300);
    expect((await chain.metagraph(netuid)).neurons).toHaveLength(301);
  }, 60_000);
});
