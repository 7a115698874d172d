// `it` with a `simSubnet` fixture: a fresh SimChain with a started subnet per test (owner uid 0, one permitted
// validator uid 1, miners from uid 2), closed when the test ends, pass or fail. A suite that needs another subnet
// sets `simSubnetOptions` with `it.override({ simSubnetOptions: { ... } })` inside its describe.
import { Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { it as base } from "vitest";
import { bootstrapSubnet, SimChain, type SimChainOptions } from "../src/index.js";

export interface SimSubnetOptions extends SimChainOptions {
  /** Miners registered after the validator; default 2. */
  miners?: number;
  /** The subnet's weights rate limit, set by bootstrap; default 0 so a test may set weights at once. */
  weightsRateLimit?: number;
}

export interface SimSubnet {
  chain: SimChain;
  netuid: number;
  /** //Alice, the chain's sudo key. */
  sudo: KeyringPair;
  owner: { coldkey: KeyringPair; hotkey: KeyringPair };
  validator: { coldkey: KeyringPair; hotkey: KeyringPair; stakeRao: bigint };
  miners: Array<{ coldkey: KeyringPair; hotkey: KeyringPair }>;
}

async function keyring(): Promise<(name: string) => KeyringPair> {
  await cryptoWaitReady();
  const kr = new Keyring({ type: "sr25519", ss58Format: 42 });
  return (name) => kr.addFromUri(`//${name}`);
}

export const it = base.extend<{ simSubnetOptions: SimSubnetOptions; simSubnet: SimSubnet }>({
  simSubnetOptions: {},
  simSubnet: async ({ simSubnetOptions: opts }, use) => {
    const key = await keyring();
    const sudo = key("Alice");
    const owner = { coldkey: key("OwnerC"), hotkey: key("OwnerH") };
    const validator = { coldkey: key("ValC"), hotkey: key("ValH"), stakeRao: 1_000_000_000_000n };
    const miners = Array.from({ length: opts.miners ?? 2 }, (_, i) => ({
      coldkey: key(`MinerC${i}`),
      hotkey: key(`MinerH${i}`),
    }));
    const chain = new SimChain(opts);
    try {
      const { netuid } = await bootstrapSubnet(chain, {
        sudo,
        owner,
        validators: [validator],
        miners,
        tempo: opts.tempo ?? 10,
        commitReveal: opts.commitReveal ?? false,
        weightsRateLimit: opts.weightsRateLimit ?? 0,
        advanceBlocks: (n) => void chain.produceBlocks(n),
      });
      await use({ chain, netuid, sudo, owner, validator, miners });
    } finally {
      await chain.close();
    }
  },
});
