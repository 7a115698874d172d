// bootstrap on a chain that builds no blocks by itself (chopsticks' Instant mode: a block only when an extrinsic
// arrives). The stand-in node speaks JSON-RPC over WebSocket like chopsticks and serves only rpc_methods and
// dev_newBlock; the state behind it is a SimChain that never makes blocks on its own, whose calls bootstrap makes
// in process. Before bootstrap knew dev_newBlock it waited for start_call's blocks until its deadline.
import { WsProvider } from "@polkadot/api";
import { Keyring } from "@polkadot/keyring";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  bootstrapSubnet,
  ChainError,
  devNewBlocks,
  runSubtensorLocal,
  SimChain,
  SubtensorClient,
  servesDevBlocks,
} from "../src/index.js";
import { serveWsJsonRpc, type WsJsonRpcServer } from "./helpers/ws-json-rpc.js";

let kr: Keyring;
beforeAll(async () => {
  await cryptoWaitReady();
  kr = new Keyring({ type: "sr25519", ss58Format: 42 });
});
const key = (name: string) => kr.addFromUri(`//${name}`);

/** SimChain state reached for its blocks through a node's dev RPCs over ws, as SubtensorClient reaches them. */
class InstantChain extends SimChain {
  provider: WsProvider | null = null;
  private send = (method: string, params: unknown[]) => this.provider!.send(method, params);
  supportsDevBlocks(): Promise<boolean> {
    return servesDevBlocks(this.send);
  }
  devAdvanceBlocks(n: number): Promise<void> {
    return devNewBlocks(this.send, n);
  }
}

let node: WsJsonRpcServer | undefined;
let chain: InstantChain | undefined;
afterEach(async () => {
  await chain?.provider?.disconnect();
  await chain?.close();
  await node?.close();
  node = chain = undefined;
});

async function standIn(withDevBlocks: boolean): Promise<InstantChain> {
  const c = new InstantChain({ autoBlocks: false, tempo: 10 });
  node = await serveWsJsonRpc({
    rpc_methods: () => ({ methods: withDevBlocks ? ["rpc_methods", "dev_newBlock"] : ["rpc_methods"] }),
    ...(withDevBlocks
      ? {
          dev_newBlock: ([opts]) => {
            const count = (opts as { count?: number } | undefined)?.count ?? 1;
            const block = c.produceBlocks(count);
            return `0x${block.toString(16).padStart(64, "0")}`;
          },
        }
      : {}),
  });
  c.provider = new WsProvider(node.url, 0);
  await c.provider.connect();
  await c.provider.isReady;
  chain = c;
  return c;
}

const roles = () => ({
  sudo: key("Alice"),
  owner: { coldkey: key("Alice"), hotkey: key("InstantOwner") },
  validators: [{ coldkey: key("Bob"), hotkey: key("InstantVal"), stakeRao: 10n ** 12n }],
  miners: [{ coldkey: key("Charlie"), hotkey: key("InstantMiner") }],
});

describe("bootstrap on an Instant-mode chain", () => {
  it("asks the node for blocks with dev_newBlock and finishes with permits", async () => {
    const c = await standIn(true);
    const res = await bootstrapSubnet(c, { ...roles(), blockWaitMs: 500 });
    const mg = await c.metagraph(res.netuid);
    expect(mg.neurons[res.uids.validators[0]!]!.validatorPermit).toBe(true);
    expect(res.uids.miners).toHaveLength(1);
    // start_call waits DurationOfStartCall (10) blocks and permits one epoch: all of it came from dev_newBlock.
    expect(node!.calls.filter((m) => m === "dev_newBlock").length).toBeGreaterThanOrEqual(10);
    expect(await c.currentBlock()).toBeGreaterThanOrEqual(10);
  });

  it("without dev_newBlock, the wait ends at its deadline and says what it waited for", async () => {
    const c = await standIn(false);
    const err = await bootstrapSubnet(c, { ...roles(), blockWaitMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChainError);
    expect((err as ChainError).chainError).toBe("Timeout");
    expect((err as Error).message).toMatch(
      /start_call on subnet 2, refused with NeedWaitingMoreBlocksToStarCall/,
    );
    expect((err as Error).message).toMatch(/serves no dev_newBlock/);
    expect(node!.calls).toEqual(["rpc_methods"]);
  });
});

// The real thing: a subtensor runtime in chopsticks' Instant mode (APEX_SUBTENSOR_SPEC, never in CI), bootstrapped
// through SubtensorClient with no advanceBlocks given: bootstrap must find dev_newBlock itself.
const SPEC = process.env["APEX_SUBTENSOR_SPEC"];
console.info(
  SPEC
    ? `live bootstrap on Instant-mode chopsticks: RUNS on ${SPEC}`
    : "live bootstrap on Instant-mode chopsticks: skipped (set APEX_SUBTENSOR_SPEC)",
);
describe.skipIf(!SPEC)("bootstrap on a real runtime in Instant mode", () => {
  it("finishes with permits, its blocks built with dev_newBlock", async () => {
    const local = await runSubtensorLocal({
      specPath: SPEC!,
      port: 22944 + Math.floor(Math.random() * 1000),
      blocks: "instant",
    });
    const client = new SubtensorClient({ endpoints: local.url, rpcTimeoutMs: 60_000 });
    try {
      await client.connect();
      const res = await bootstrapSubnet(client, { ...roles(), fundRao: 10n ** 11n, blockWaitMs: 20_000 });
      const mg = await client.metagraph(res.netuid);
      expect(mg.neurons[res.uids.validators[0]!]!.validatorPermit).toBe(true);
      expect(mg.neurons[res.uids.miners[0]!]!.hotkey).toBe(key("InstantMiner").address);
    } finally {
      await client.close();
      await local.close();
    }
  }, 600_000);
});
