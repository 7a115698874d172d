// The weight syncer's client against hostile and broken peers over real HTTP: only well-formed, signed-for-them
// 200 replies count; slow, huge, non-JSON, redirecting, failing and empty peers are ignored within the deadline.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ChainClient, Metagraph } from "@apex/chain";
import { epistulaReady, type Signer, VirtualClock, verifyEpistula } from "@apex/protocol";
import { devKeypair } from "@apex/wallet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET_REWARDS_ROUTE, silentLogger, WeightSyncer } from "../src/index.js";
import { neuronInfo } from "./neuron.js";

type Behaviour =
  | "ok"
  | "empty"
  | "error500"
  | "silent"
  | "huge"
  | "notJson"
  | "redirect"
  | "badUtf8"
  | "array"
  | "junkValues";

interface Peer {
  behaviour: Behaviour;
  hotkey: Signer;
  port: number;
  /** Epistula verdicts of the requests this peer received (checked against its own hotkey). */
  seen: Array<{ ok: boolean; path: string; body: string }>;
}

describe("weight syncer client against misbehaving peers", () => {
  const clock = new VirtualClock(Date.UTC(2026, 3, 1));
  const host = "127.0.0.5";
  const behaviours: Behaviour[] = [
    "ok",
    "empty",
    "error500",
    "silent",
    "huge",
    "notJson",
    "redirect",
    "badUtf8",
    "array",
    "junkValues",
  ];
  const peers: Peer[] = [];
  const servers: http.Server[] = [];
  let me: Signer;
  let verified: Peer;

  function serve(peer: Omit<Peer, "port">): Promise<Peer> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks);
        const check = verifyEpistula(req.headers, raw, peer.hotkey.address, clock.now());
        peer.seen.push({ ok: check.ok, path: req.url ?? "", body: raw.toString("utf8") });
        const json = (s: string) => res.writeHead(200, { "content-type": "application/json" }).end(s);
        switch (peer.behaviour) {
          case "ok":
            return json(JSON.stringify({ m1: 4, m2: 2 }));
          case "empty":
            return json("{}");
          case "error500":
            return res.writeHead(500).end('{"m1": 100}');
          case "silent":
            return; // never answers
          case "huge":
            return json(`{"m1": 1, "pad": "${"x".repeat(64 * 1024)}"}`);
          case "notJson":
            return json("m1=100");
          case "redirect":
            return res
              .writeHead(302, { location: `http://${host}:${peers[0]!.port}${GET_REWARDS_ROUTE}` })
              .end();
          case "badUtf8":
            return res
              .writeHead(200, { "content-type": "application/json" })
              .end(
                Buffer.from([
                  0x7b, 0x22, 0x6d, 0x31, 0x22, 0x3a, 0x31, 0x2c, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d,
                ]),
              );
          case "array":
            return json("[1, 2, 3]");
          case "junkValues":
            return json(JSON.stringify({ m1: -5, m2: "NaN", m3: null, m4: { x: 1 } }));
        }
      });
    });
    servers.push(server);
    return new Promise((resolve) =>
      server.listen(0, host, () => resolve({ ...peer, port: (server.address() as AddressInfo).port })),
    );
  }

  beforeAll(async () => {
    await epistulaReady();
    me = await devKeypair("//PeersMe");
    for (const [i, behaviour] of behaviours.entries())
      peers.push(await serve({ behaviour, hotkey: await devKeypair(`//PeersPeer${i}`), seen: [] }));
    verified = await serve({ behaviour: "ok", hotkey: await devKeypair("//PeersVerified"), seen: [] });
  });

  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  function metagraph(): Metagraph {
    const neuron = (uid: number, hotkey: string, stake: number, port: number) =>
      neuronInfo({ uid, hotkey, stake, validatorPermit: true, axon: { ip: host, port } });
    return {
      netuid: 1,
      block: 100,
      taoWeight: 0,
      neurons: [
        neuron(0, me.address, 1000, 1),
        ...peers.map((p, i) => neuron(i + 1, p.hotkey.address, 2000, p.port)),
        // Verified with no stake; its axon points nowhere useful, its verified address is the real one.
        neuron(peers.length + 1, verified.hotkey.address, 3000, 9),
      ],
    };
  }

  it("counts only the good peer and the verified one, each asked at the right address, signed for it", async () => {
    const chain = { metagraph: async () => metagraph() } as unknown as ChainClient;
    const syncer = new WeightSyncer(chain, me, clock, silentLogger, {
      netuid: 1,
      minAlphaStake: 15_000,
      verifiedHotkeys: [{ hotkey: verified.hotkey.address, address: `${host}:${verified.port}` }],
      timeoutMs: 800,
      maxResponseBytes: 16 * 1024,
      merge: "upstream",
    });
    // Stakes are below min_alpha_stake, so only the verified peer qualifies...
    const few = await syncer.sync(new Map([["m1", 1]]));
    expect(few.asked).toBe(1);
    expect(few.peers.map((p) => p.hotkey)).toEqual([verified.hotkey.address]);

    // ...and with a threshold they all meet, every peer is asked once.
    const all = new WeightSyncer(chain, me, clock, silentLogger, {
      netuid: 1,
      minAlphaStake: 1500,
      verifiedHotkeys: [{ hotkey: verified.hotkey.address, address: `http://${host}:${verified.port}/` }],
      timeoutMs: 800,
      maxResponseBytes: 16 * 1024,
      merge: "upstream",
    });
    const okSeenBefore = peers[0]!.seen.length;
    const out = await all.sync(new Map([["m1", 1]]));
    expect(out.asked).toBe(peers.length + 1);
    expect(out.ownStake).toBe(1000);
    expect(out.peers.map((p) => p.hotkey).sort()).toEqual(
      [peers[0]!.hotkey.address, verified.hotkey.address].sort(),
    );
    // m1 = (1·1000 + 4·2000 + 4·3000) / 6000, m2 = (2·2000 + 2·3000) / 6000.
    expect(out.totals.get("m1")).toBeCloseTo(21_000 / 6000, 12);
    expect(out.totals.get("m2")).toBeCloseTo(10_000 / 6000, 12);
    expect([...out.totals.keys()].sort()).toEqual(["m1", "m2"]);
    // Every peer got exactly one POST of {} to the route, Epistula-valid for its own hotkey; the redirect was
    // not followed (the good peer saw one request only).
    for (const p of peers) {
      const mine = p.behaviour === "ok" ? p.seen.slice(okSeenBefore) : p.seen;
      expect(mine, p.behaviour).toEqual([{ ok: true, path: GET_REWARDS_ROUTE, body: "{}" }]);
    }
    expect(verified.seen.map((s) => s.ok)).toEqual([true, true]);
  }, 10_000);

  it("keeps our own totals when our hotkey is not in the metagraph", async () => {
    const stranger = await devKeypair("//PeersStranger");
    const chain = { metagraph: async () => metagraph() } as unknown as ChainClient;
    const syncer = new WeightSyncer(chain, stranger, clock, silentLogger, {
      netuid: 1,
      minAlphaStake: 15_000,
      verifiedHotkeys: [{ hotkey: verified.hotkey.address, address: `${host}:${verified.port}` }],
      timeoutMs: 800,
      merge: "upstream",
    });
    const out = await syncer.sync(new Map([["m1", 1]]));
    expect(out.ownStake).toBeNull();
    expect(out.peers).toHaveLength(1); // asked and answered, but upstream does not merge without our stake
    expect(out.totals).toEqual(new Map([["m1", 1]]));
  });
});
