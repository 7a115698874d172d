import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Keyring } from "@polkadot/keyring";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChainError, runSubtensorLocal, SubtensorClient, type SubtensorLocal } from "../src/index.js";

// A WebSocket server that completes the handshake and then never answers a frame: every RPC hangs.
function silentWebSocketServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer();
  server.on("upgrade", (req, socket: Socket) => {
    sockets.add(socket);
    const accept = createHash("sha1")
      .update(`${req.headers["sec-websocket-key"]}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest("base64");
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket.on("data", () => undefined);
    socket.on("error", () => undefined);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `ws://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

describe("SubtensorClient without a chain", () => {
  it("cuts an RPC that never answers and reports it as a ChainError of kind timeout", async () => {
    const silent = await silentWebSocketServer();
    const client = new SubtensorClient({ endpoints: silent.url, rpcTimeoutMs: 300 });
    const started = Date.now();
    try {
      const error = await client.connect().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ChainError);
      expect((error as ChainError).kind).toBe("timeout");
      expect((error as ChainError).message).toMatch(/did not answer within 300 ms/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await client.close();
      await silent.close();
    }
  });

  it("refuses calls before connect() with a clear error", async () => {
    const client = new SubtensorClient({ endpoints: "local" });
    await expect(client.currentBlock()).rejects.toThrow(/call connect\(\) first/);
  });
});

// Real runtime: APEX_SUBTENSOR_URL (a node) or APEX_SUBTENSOR_SPEC (a chain spec run through chopsticks).
// Neither is available in CI (a spec embeds an upstream runtime and is never committed), so these skip there.
const NODE_URL = process.env["APEX_SUBTENSOR_URL"];
const SPEC = process.env["APEX_SUBTENSOR_SPEC"];
const REAL = Boolean(NODE_URL || SPEC);

describe.skipIf(!REAL)("SubtensorClient on a real subtensor runtime", () => {
  let local: SubtensorLocal | undefined;
  let client: SubtensorClient;
  let alice: ReturnType<Keyring["addFromUri"]>;

  beforeAll(async () => {
    await cryptoWaitReady();
    alice = new Keyring({ type: "sr25519", ss58Format: 42 }).addFromUri("//Alice");
    let url = NODE_URL;
    if (!url) {
      local = await runSubtensorLocal({ specPath: SPEC!, port: 19944 + Math.floor(Math.random() * 1000) });
      url = local.url;
    }
    client = new SubtensorClient({ endpoints: url, rpcTimeoutMs: 60_000 });
    await client.connect();
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await local?.close();
  });

  it("reads the runtime, the head and subnet 1's hyperparameters and metagraph through runtime APIs", async () => {
    expect(client.runtime).toMatch(/subtensor \d+/);
    expect(await client.currentBlock()).toBeGreaterThanOrEqual(0);
    expect(await client.subnetExists(1)).toBe(true);
    expect(await client.subnetExists(999)).toBe(false);
    const h = await client.hyperparameters(1);
    expect(h.tempo).toBeGreaterThan(0);
    expect(h.blockTimeMs).toBeGreaterThan(0);
    const mg = await client.metagraph(1);
    expect(mg.netuid).toBe(1);
    for (const n of mg.neurons) expect(n.incentive).toBeLessThanOrEqual(1);
  }, 60_000);

  it("runs a sudo call and maps a failing one to the chain's error name", async () => {
    const ok = await client.sudo(alice, { call: "network_rate_limit", value: 0 });
    expect(ok.events).toContain("Sudid");
    const err = await client.sudo(alice, { call: "tempo", netuid: 999, value: 10 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ChainError);
    expect((err as ChainError).kind).toBe("sudo");
    expect((err as ChainError).chainError).toMatch(
      /SubnetDoesNotExist|SubNetworkDoesNotExist|NetworkDoesNotExist/,
    );
  }, 60_000);

  it("maps a pool rejection (serve_axon from an unregistered hotkey) to subtensor's custom error name", async () => {
    const stranger = new Keyring({ type: "sr25519", ss58Format: 42 }).addFromUri("//NotRegistered");
    const err = await client
      .serveAxon(stranger, {
        netuid: 1,
        version: 1,
        ip: "10.0.0.2",
        port: 8091,
        ipType: 4,
        protocol: 4,
        placeholder1: 0,
        placeholder2: 0,
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ChainError);
    expect((err as ChainError).chainError).toMatch(
      /HotKeyNotRegisteredInNetwork|HotKeyNotRegisteredInSubNet/,
    );
  }, 60_000);
});
