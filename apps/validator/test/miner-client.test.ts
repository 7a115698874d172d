// MinerClient against real loopback servers that verify Epistula as a miner does: the secret signatures are
// reused per miner within their 10 s bucket and still verify, the body is the exact signed bytes, keep-alive
// connections are reused, idle sockets stay within maxIdleSockets, and no listener piles up on a reused socket.
import http from "node:http";
import type { Socket } from "node:net";
import {
  EPISTULA_HEADERS,
  epistulaReady,
  type Signer,
  secretSignatureStrings,
  sr25519VerifyAny,
  systemClock,
  VirtualClock,
  verifyEpistula,
} from "@apex/protocol";
import { devKeypair } from "@apex/wallet";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { MinerClient, missReason } from "../src/miner-client.js";

interface Seen {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  verified: boolean;
}

interface Miner {
  url: string;
  hotkey: string;
  seen: Seen[];
  /** Connections accepted, and those still open. */
  accepted: number;
  open: Set<Socket>;
  close(): Promise<void>;
}

const servers: Miner[] = [];
const clients: MinerClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function startMiner(hotkey: string, now: () => number = Date.now): Promise<Miner> {
  const miner: Miner = {
    url: "",
    hotkey,
    seen: [],
    accepted: 0,
    open: new Set(),
    close: async () => {},
  };
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const v = verifyEpistula(req.headers, body, hotkey, now());
      miner.seen.push({ headers: req.headers, body, verified: v.ok });
      res.writeHead(v.ok ? 200 : 401, { "content-type": "text/plain" });
      res.end(v.ok ? "1" : "no");
    });
  });
  server.on("connection", (s: Socket) => {
    miner.accepted++;
    miner.open.add(s);
    s.on("close", () => miner.open.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  miner.url = `http://127.0.0.1:${port}`;
  miner.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  servers.push(miner);
  return miner;
}

/** A signer that counts its sr25519 signatures (fastSigner leaves a non-keyring signer as it is). */
function counting(inner: Signer): Signer & { calls: number } {
  const s = {
    address: inner.address,
    publicKey: inner.publicKey,
    calls: 0,
    sign(message: Uint8Array) {
      s.calls++;
      return inner.sign(message);
    },
  };
  return s;
}

function client(signer: Signer, opts: Partial<ConstructorParameters<typeof MinerClient>[2]> = {}) {
  const c = new MinerClient(signer, systemClock, {
    timeoutMs: 5_000,
    maxResponseBytes: 1024,
    maxConcurrency: 8,
    ...opts,
  });
  clients.push(c);
  return c;
}

const until = async (ok: () => boolean, ms = 2_000) => {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
};

let validator: Signer;
const minerKeys: string[] = [];

beforeAll(async () => {
  await epistulaReady();
  validator = await devKeypair("//apex//test//miner-client//validator");
  for (let i = 0; i < 4; i++) minerKeys.push((await devKeypair(`//apex//test//miner-client//m${i}`)).address);
});

describe("MinerClient", () => {
  it("signs once per request after the first to a miner in a bucket, and every header still verifies", async () => {
    // A stamp clock that stands still (no bucket edge mid-test); the miners check against the same clock.
    const stamp = new VirtualClock(Date.now());
    const now = () => stamp.now();
    const signer = counting(validator);
    const [a, b] = [await startMiner(minerKeys[0]!, now), await startMiner(minerKeys[1]!, now)];
    const c = client(signer, { stampClock: stamp });
    const ta = { address: a.url, hotkey: a.hotkey };
    const tb = { address: `${b.url}/`, hotkey: b.hotkey };

    expect((await c.discriminate(ta, "q", "g")).text).toBe("1");
    expect(signer.calls).toBe(4);
    const replies = await Promise.all([
      c.discriminate(ta, "q", "g"),
      c.discriminate(ta, "q", "g"),
      c.generate(ta, "q"),
    ]);
    expect(replies.map((r) => r.text)).toEqual(["1", "1", "1"]);
    // Three more requests to the same miner: the request signature only.
    expect(signer.calls).toBe(7);
    expect((await c.discriminate(tb, "q", "g")).text).toBe("1");
    // A new miner: its own three secret signatures.
    expect(signer.calls).toBe(11);

    expect(a.seen.every((s) => s.verified)).toBe(true);
    const secrets = (s: Seen) =>
      [EPISTULA_HEADERS.secret0, EPISTULA_HEADERS.secret1, EPISTULA_HEADERS.secret2].map(
        (n) => s.headers[n.toLowerCase()] as string,
      );
    for (const s of a.seen) expect(secrets(s)).toEqual(secrets(a.seen[0]!));
    expect(new Set(a.seen.map((s) => s.headers[EPISTULA_HEADERS.signature.toLowerCase()])).size).toBe(4);
    for (const s of [...a.seen, ...b.seen]) {
      const ts = Number(s.headers[EPISTULA_HEADERS.timestamp.toLowerCase()]);
      const receiver = s.headers[EPISTULA_HEADERS.signedFor.toLowerCase()] as string;
      const strings = secretSignatureStrings(ts, receiver);
      secrets(s).forEach((sig, i) => {
        expect(sr25519VerifyAny(new TextEncoder().encode(strings[i]!), sig, validator.address)).toBe(true);
      });
    }
    // The exact bytes: the generator body differs from the discriminator one though both are cached.
    expect(a.seen[3]!.body.toString()).toBe('{"step": "generator", "query": "q"}');
    expect(a.seen[0]!.body.toString()).toBe('{"step": "discriminator", "query": "q", "generation": "g"}');
    expect(a.seen[0]!.headers.host).toBe(a.url.slice("http://".length));

    // The next bucket: new secret signatures.
    stamp.advance(10_000);
    const before = signer.calls;
    expect((await c.discriminate(ta, "q", "g")).text).toBe("1");
    expect(signer.calls).toBe(before + 4);
    expect(secrets(a.seen.at(-1)!)[1]).not.toBe(secrets(a.seen[0]!)[1]);
  });

  it("a new query or generation is encoded anew (never a stale body)", async () => {
    const a = await startMiner(minerKeys[0]!);
    const c = client(validator);
    const t = { address: a.url, hotkey: a.hotkey };
    await c.discriminate(t, "q1", "g1");
    await c.discriminate(t, "q1", "g2");
    await c.discriminate(t, "q2", "g2");
    await c.generate(t, "q2");
    expect(a.seen.map((s) => s.body.toString())).toEqual([
      '{"step": "discriminator", "query": "q1", "generation": "g1"}',
      '{"step": "discriminator", "query": "q1", "generation": "g2"}',
      '{"step": "discriminator", "query": "q2", "generation": "g2"}',
      '{"step": "generator", "query": "q2"}',
    ]);
    expect(a.seen.every((s) => s.verified)).toBe(true);
  });

  it("reuses one keep-alive connection per miner without piling listeners on it", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const a = await startMiner(minerKeys[0]!);
      const c = client(validator);
      for (let i = 0; i < 25; i++)
        expect((await c.discriminate({ address: a.url, hotkey: a.hotkey }, "q", "g")).text).toBe("1");
      expect(a.accepted).toBe(1);
      await new Promise((r) => setTimeout(r, 20));
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("keeps at most maxIdleSockets idle across miners, closing the longest idle", async () => {
    const miners = await Promise.all(minerKeys.map((k) => startMiner(k)));
    const c = client(validator, { maxIdleSockets: 2 });
    for (const m of miners)
      expect((await c.discriminate({ address: m.url, hotkey: m.hotkey }, "q", "g")).text).toBe("1");
    const openCount = () => miners.reduce((n, m) => n + m.open.size, 0);
    await until(() => openCount() === 2);
    expect(openCount()).toBe(2);
    // The two most recently used miners kept theirs.
    expect(miners.map((m) => m.open.size)).toEqual([0, 0, 1, 1]);
    // Asking a kept miner again reuses its socket; asking a dropped one connects anew.
    await c.discriminate({ address: miners[3]!.url, hotkey: miners[3]!.hotkey }, "q", "g");
    expect(miners[3]!.accepted).toBe(1);
    await c.discriminate({ address: miners[0]!.url, hotkey: miners[0]!.hotkey }, "q", "g");
    expect(miners[0]!.accepted).toBe(2);
    await until(() => openCount() === 2);
    expect(miners.map((m) => m.open.size)).toEqual([1, 0, 0, 1]);
  });

  it("closes idle sockets after idleSocketTimeoutMs", async () => {
    const a = await startMiner(minerKeys[0]!);
    const c = client(validator, { idleSocketTimeoutMs: 100 });
    await c.discriminate({ address: a.url, hotkey: a.hotkey }, "q", "g");
    expect(a.open.size).toBe(1);
    await until(() => a.open.size === 0);
    expect(a.open.size).toBe(0);
  });

  it("refuses a bad maxIdleSockets and answers a bad address with a clear error", async () => {
    expect(() => client(validator, { maxIdleSockets: -1 })).toThrow(/maxIdleSockets must be a non-negative/);
    const c = client(validator);
    const r = await c.discriminate({ address: "not a url", hotkey: minerKeys[0]! }, "q", "g");
    expect(r.text).toBeNull();
    expect(r.error).toMatch(/bad miner address/);
    const ftp = await c.discriminate({ address: "ftp://127.0.0.1:1", hotkey: minerKeys[0]! }, "q", "g");
    expect(ftp.error).toMatch(/bad miner address/);
  });
});

describe("MinerClient on a virtual clock", () => {
  it("stamps each miner from the clock that miner checks against, and counts a refusal as http_401", async () => {
    const virtual = new VirtualClock(Date.UTC(2026, 0, 1));
    const ours = await startMiner(minerKeys[0]!, () => virtual.now());
    const outside = await startMiner(minerKeys[1]!); // its own wall clock
    const stampFor = (hotkey: string) => (hotkey === outside.hotkey ? systemClock : virtual);
    const c = new MinerClient(validator, virtual, {
      timeoutMs: 5_000,
      maxResponseBytes: 1024,
      maxConcurrency: 8,
      stampClock: stampFor,
    });
    clients.push(c);
    expect(c.stampClockFor(ours.hotkey)).toBe(virtual);
    expect(c.stampClockFor(outside.hotkey)).toBe(systemClock);
    const a = await c.discriminate({ address: ours.url, hotkey: ours.hotkey }, "q", "g");
    const b = await c.discriminate({ address: outside.url, hotkey: outside.hotkey }, "q", "g");
    expect([a.text, b.text]).toEqual(["1", "1"]);
    expect([missReason(a), missReason(b)]).toEqual([null, null]);
    expect(Number(ours.seen[0]!.headers["epistula-timestamp"])).toBe(virtual.now());

    // One clock for both: the outside miner refuses the virtual stamp, and the miss says why.
    const oneClock = new MinerClient(validator, virtual, {
      timeoutMs: 5_000,
      maxResponseBytes: 1024,
      maxConcurrency: 8,
    });
    clients.push(oneClock);
    const refused = await oneClock.discriminate({ address: outside.url, hotkey: outside.hotkey }, "q", "g");
    expect(refused.text).toBeNull();
    expect(missReason(refused)).toBe("http_401");
  });

  it("ends a request at its deadline on the virtual clock, without waiting for wall time", async () => {
    const virtual = new VirtualClock(Date.UTC(2026, 0, 1));
    const silent = http.createServer(() => {}); // never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const c = new MinerClient(validator, virtual, {
        timeoutMs: 60_000,
        maxResponseBytes: 1024,
        maxConcurrency: 8,
      });
      clients.push(c);
      const started = Date.now();
      const pending = c.discriminate(
        { address: `http://127.0.0.1:${port}`, hotkey: minerKeys[2]! },
        "q",
        "g",
      );
      await new Promise((r) => setTimeout(r, 50));
      virtual.advance(60_000);
      const reply = await pending;
      expect(missReason(reply)).toBe("timeout");
      // Far less than the 60 s of wall time the real-time cap would have taken.
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("classifies every kind of missing answer", () => {
    expect(missReason({ text: "1", latencyMs: 1, status: 200 })).toBeNull();
    expect(missReason({ text: null, latencyMs: 1, status: 429, error: "HTTP 429" })).toBe("http_429");
    expect(missReason({ text: null, latencyMs: 1, status: 413, error: "HTTP 413" })).toBe("http_413");
    expect(missReason({ text: null, latencyMs: 1, error: "timeout" })).toBe("timeout");
    expect(missReason({ text: null, latencyMs: 1, error: "connect ECONNREFUSED 127.0.0.1:1" })).toBe(
      "transport",
    );
    expect(missReason({ text: null, latencyMs: 1, error: "reply is not valid UTF-8" })).toBe(
      "invalid_answer",
    );
  });
});
