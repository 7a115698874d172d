// The weight syncer's endpoint is announced on chain (as upstream's validator does), once, and not re-served
// when the chain already holds it.
import { bootstrapSubnet, SimChain } from "@apex/chain";
import type { Signer } from "@apex/protocol";
import { devKeypair } from "@apex/wallet";
import { beforeAll, describe, expect, it } from "vitest";
import { announceSyncerAxon, syncerAxonParams } from "../src/syncer.js";

const keys = new Map<string, Signer>();
beforeAll(async () => {
  for (const n of ["VC", "VH", "Alice", "OH", "Stranger"]) keys.set(n, await devKeypair(`//${n}`));
});

describe("announceSyncerAxon", () => {
  it("serves the status endpoint as the validator's axon once, then leaves it alone", async () => {
    const chain = new SimChain({});
    const k = (n: string) => keys.get(n)!;
    const validator = { coldkey: k("VC"), hotkey: k("VH"), stakeRao: 30_000_000_000_000n };
    const { netuid } = await bootstrapSubnet(chain, {
      sudo: k("Alice"),
      owner: { coldkey: k("Alice"), hotkey: k("OH") },
      validators: [validator],
      miners: [],
      advanceBlocks: (n) => void chain.produceBlocks(n),
    });
    const params = syncerAxonParams(netuid, "10.0.0.7", 8001);
    expect(await announceSyncerAxon(chain, validator.hotkey, params)).toBe("served");
    const me = (await chain.metagraph(netuid)).neurons.find((n) => n.hotkey === validator.hotkey.address)!;
    expect(me.axon).toMatchObject({ ip: "10.0.0.7", port: 8001, ipType: 4, protocol: 4 });
    chain.produceBlocks(60); // past any serving rate limit: "unchanged" must come from the comparison
    expect(await announceSyncerAxon(chain, validator.hotkey, params)).toBe("unchanged");
    expect(
      await announceSyncerAxon(chain, validator.hotkey, syncerAxonParams(netuid, "10.0.0.7", 8002)),
    ).toBe("served");
    await expect(announceSyncerAxon(chain, k("Stranger"), params)).rejects.toThrow(
      /not registered on subnet/,
    );
    expect(() => syncerAxonParams(netuid, "example.org", 8001)).toThrow(/not an IP address/);
  });
});
