// Test fixtures: real HTTP miners with known behaviour on loopback, and a SimChain subnet with them registered.
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { axonParams, bootstrapSubnet, SimChain } from "@apex/chain";
import { epistulaReady, mulberry32, type Signer, verifyEpistula } from "@apex/protocol";
import { devKeypair } from "@apex/wallet";
import { test as baseTest } from "vitest";

export type Behaviour =
  | "perfect"
  | "always0"
  | "always1"
  | "random"
  | "silent"
  | "slow"
  | "garbage"
  | "huge"
  | "reset"
  | "veto";

export const REFERENCE_MARKER = "[validator-reference]";

export interface SeenRequest {
  step: string;
  query: string;
  generation?: string;
  /** What the miner replied (null when it gave no usable answer by design). */
  reply: string | null;
  epistulaOk: boolean;
}

export interface FleetMiner {
  name: string;
  behaviour: Behaviour;
  hotkey: Signer;
  coldkey: Signer;
  port: number;
  host: string;
  seen: SeenRequest[];
}

export interface Fleet {
  miners: FleetMiner[];
  close(): Promise<void>;
}

export async function startFleet(
  behaviours: Behaviour[],
  opts: { host?: string; slowMs?: number; seed?: number } = {},
): Promise<Fleet> {
  const host = opts.host ?? "127.0.0.1";
  const servers: http.Server[] = [];
  const miners: FleetMiner[] = [];
  const sockets = new Set<import("node:net").Socket>();
  for (const [i, behaviour] of behaviours.entries()) {
    const hotkey = await devKeypair(`//FleetMiner${i}`);
    const coldkey = await devKeypair(`//FleetCold${i}`);
    // One seeded PRNG per miner, so "random" behaviour replays from its seed.
    const rand = mulberry32((opts.seed ?? 7) + i);
    const seen: SeenRequest[] = [];
    const server = http.createServer((req, res) => {
      if (behaviour === "reset") {
        req.socket.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks);
        const check = verifyEpistula(req.headers, raw, hotkey.address, Date.now());
        const body = JSON.parse(raw.toString("utf8")) as { step: string; query: string; generation?: string };
        const record: SeenRequest = { ...body, reply: null, epistulaOk: check.ok };
        seen.push(record);
        if (behaviour === "silent") return; // never answers; the validator's deadline must end it
        if (behaviour === "huge") {
          // 50 MB of "1"s, written lazily: the validator must stop reading at its cap.
          res.writeHead(200, { "content-type": "text/plain" });
          const chunk = Buffer.alloc(64 * 1024, "1");
          let left = 50 * 1024 * 1024;
          // One chunk per turn of the event loop: the miners share the validator's process in this test.
          const pump = () => {
            if (left <= 0 || res.destroyed) {
              if (!res.destroyed) res.end();
              return;
            }
            left -= chunk.length;
            if (res.write(chunk)) setImmediate(pump);
            else res.once("drain", pump);
          };
          pump();
          return;
        }
        let reply: string;
        if (body.step === "generator") reply = `An answer from ${behaviour} miner ${i} to: ${body.query}`;
        else if (behaviour === "perfect") reply = body.generation?.includes(REFERENCE_MARKER) ? "0" : "1";
        else if (behaviour === "always0") reply = "0";
        else if (behaviour === "always1") reply = "1";
        else if (behaviour === "random") reply = rand() < 0.5 ? "0" : "1";
        else if (behaviour === "garbage") reply = "\u0000maybe?{not json";
        // `choices: null` makes upstream's query_discriminators raise TypeError and lose the whole round.
        else if (behaviour === "veto") reply = '{"choices": null}';
        else reply = "1"; // slow: a correct-looking answer that arrives too late
        const send = () => {
          if (res.destroyed) return;
          record.reply = behaviour === "slow" ? null : reply;
          res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
          res.end(reply);
        };
        if (behaviour === "slow") setTimeout(send, opts.slowMs ?? 2000);
        else send();
      });
    });
    server.on("connection", (s) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, host, r));
    servers.push(server);
    miners.push({
      name: `${behaviour}-${i}`,
      behaviour,
      hotkey,
      coldkey,
      port: (server.address() as AddressInfo).port,
      host,
      seen,
    });
  }
  return {
    miners,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}

export interface SimSubnet {
  chain: SimChain;
  netuid: number;
  validator: Signer;
  owner: Signer;
  sudo: Signer;
  uidOf: Record<string, number>;
}

/** A SimChain subnet with one staked validator and the fleet registered and served. */
export async function simSubnet(
  fleet: FleetMiner[],
  opts: { commitReveal?: boolean; weightsRateLimit?: number; tempo?: number } = {},
): Promise<SimSubnet> {
  const chain = new SimChain({ tempo: opts.tempo ?? 10 });
  const sudo = await devKeypair("//Alice");
  const owner = await devKeypair("//Owner");
  const ownerCold = await devKeypair("//OwnerCold");
  const validator = await devKeypair("//Validator");
  const validatorCold = await devKeypair("//ValidatorCold");
  const res = await bootstrapSubnet(chain, {
    sudo,
    owner: { coldkey: ownerCold, hotkey: owner },
    validators: [{ coldkey: validatorCold, hotkey: validator, stakeRao: 30_000n * 1_000_000_000n }],
    miners: fleet.map((m) => ({ coldkey: m.coldkey, hotkey: m.hotkey })),
    tempo: opts.tempo ?? 10,
    commitReveal: opts.commitReveal ?? false,
    weightsRateLimit: opts.weightsRateLimit ?? 0,
    advanceBlocks: (n) => {
      chain.produceBlocks(n);
    },
  });
  for (const m of fleet) {
    await chain.serveAxon(m.hotkey, axonParams(res.netuid, m.host, m.port));
  }
  return { chain, netuid: res.netuid, validator, owner, sudo, uidOf: res.uids.byHotkey };
}

/** What a test file's fleet is made of; a file picks its own with `fleetTest.override({ fleetSpec: … })`. */
export interface FleetSpec {
  behaviours: Behaviour[];
  opts?: { host?: string; slowMs?: number; seed?: number };
  /** Register the fleet on a SimChain subnet (the `subnet` fixture). */
  subnet?: Parameters<typeof simSubnet>[1];
}

/**
 * `it` with file-scoped fixtures: `fleet` (real HTTP miners, started once per file and always closed), `subnet`
 * (a SimChain subnet with the fleet registered, always closed) and `tmpDir` (a fresh directory per test, always
 * removed). A fixture starts only when a test asks for it.
 */
export const fleetTest = baseTest
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  .extend("fleetSpec", { scope: "file" }, ({}): FleetSpec => ({ behaviours: ["perfect"] }))
  .extend("fleet", { scope: "file" }, async ({ fleetSpec }, { onCleanup }) => {
    await epistulaReady();
    const fleet = await startFleet(fleetSpec.behaviours, fleetSpec.opts);
    onCleanup(() => fleet.close());
    return fleet;
  })
  .extend("subnet", { scope: "file" }, async ({ fleet, fleetSpec }, { onCleanup }) => {
    const net = await simSubnet(fleet.miners, fleetSpec.subnet);
    onCleanup(() => net.chain.close());
    return net;
  })
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  .extend("tmpDir", async ({}, { onCleanup }) => {
    const dir = mkdtempSync(join(tmpdir(), "apex-validator-test-"));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  });
