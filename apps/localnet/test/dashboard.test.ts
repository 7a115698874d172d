import { createHash } from "node:crypto";
import { connect } from "node:net";
import { VirtualClock } from "@apex/protocol";
import { UsageError } from "@apex/protocol/options";
import type { StatusJson } from "@apex/validator";
import { describe, expect, it } from "vitest";
import {
  buildDashboardApp,
  type DashboardEvent,
  type DashboardSnapshot,
  dashboardCommand,
  normaliseWeights,
  parseDashboardArgs,
  serveDashboard,
  snapshotFromValidatorStatus,
  sseFrame,
  validatorStatusSource,
} from "../src/dashboard/index.js";
import { FakeSource, HOSTILE, makeRound, makeSnapshot } from "./dashboard-fixtures.js";

/** Reads an SSE stream until `until` matches the text received so far. */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  until: (text: string) => boolean,
  sofar = "",
): Promise<string> {
  const decoder = new TextDecoder();
  let text = sofar;
  const deadline = Date.now() + 5_000;
  while (!until(text)) {
    if (Date.now() > deadline) throw new Error(`SSE: timed out; got ${JSON.stringify(text)}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`SSE ended early; got ${JSON.stringify(text)}`);
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

function frames(text: string): DashboardEvent[] {
  return text
    .split("\n\n")
    .map((block) => block.split("\n").find((l) => l.startsWith("data: ")))
    .filter((l): l is string => l !== undefined)
    .map((l) => JSON.parse(l.slice(6)) as DashboardEvent);
}

describe("dashboard page", () => {
  it("serves one self-contained page whose inline script and style are pinned by the CSP", async () => {
    const app = buildDashboardApp({ source: new FakeSource() });
    const res = await app.inject({ method: "GET", url: "/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/html");
    const html = res.body;
    // No external resources at all: no src=/href= to http(s), no CDN.
    expect(html).not.toMatch(/(src|href)=["']?https?:/i);
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
    expect(script).toBeDefined();
    const hash = (t: string) => `'sha256-${createHash("sha256").update(t).digest("base64")}'`;
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain(`script-src ${hash(script!)}`);
    expect(csp).toContain(`style-src ${hash(style!)}`);
    expect(csp).not.toContain("unsafe-inline");
    // Data reaches the DOM through textContent only.
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    await app.close();
  });

  it("GET /api/snapshot returns the source's snapshot", async () => {
    const source = new FakeSource();
    const app = buildDashboardApp({ source });
    const res = await app.inject({ method: "GET", url: "/api/snapshot" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(source.state);
    await app.close();
  });

  it("sseFrame keeps hostile multi-line text on one data line", () => {
    const round = makeRound("x", { shownText: `line1\n\nevent: snapshot\ndata: {}\n${HOSTILE}` });
    const frame = sseFrame({ type: "round", round });
    expect(frame.split("\n").filter((l) => l.startsWith("data:"))).toHaveLength(1);
    expect(frame.endsWith("\n\n")).toBe(true);
    expect(frames(frame)[0]).toEqual({ type: "round", round });
  });
});

describe("dashboard SSE", () => {
  it("sends a snapshot first, then pushed events, heartbeats, and unsubscribes on disconnect", async () => {
    const source = new FakeSource();
    const server = await serveDashboard({ source, port: 0, heartbeatMs: 40 });
    try {
      const ac = new AbortController();
      const res = await fetch(`${server.url}api/events`, { signal: ac.signal });
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      const reader = res.body!.getReader();
      let text = await readUntil(reader, (t) => t.includes("event: snapshot"));
      expect(frames(text)[0]).toEqual({ type: "snapshot", snapshot: source.state });
      expect(source.listeners.size).toBe(1);

      source.push({ type: "round", round: makeRound("pushed") });
      source.push({ type: "block", block: 121, blocksUntilEpoch: 6 });
      text = await readUntil(reader, (t) => t.includes("event: block"), text);
      const events = frames(text);
      expect(events.map((e) => e.type)).toEqual(["snapshot", "round", "block"]);
      expect(events[1]).toMatchObject({ type: "round", round: { id: "pushed" } });
      text = await readUntil(reader, (t) => t.includes(": ping"), text);

      ac.abort();
      await expect.poll(() => source.listeners.size, { timeout: 5_000 }).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("close() does not hang on an open stream", async () => {
    const source = new FakeSource();
    const server = await serveDashboard({ source, port: 0 });
    const res = await fetch(`${server.url}api/events`);
    await readUntil(res.body!.getReader(), (t) => t.includes("event: snapshot"));
    // Browsers keep spare sockets open that never send a request; close must not wait for them.
    const port = Number(new URL(server.url).port);
    const spare = connect(port, "127.0.0.1");
    spare.on("error", () => {});
    await new Promise((r) => spare.once("connect", r));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(source.listeners.size).toBe(0);
    spare.destroy();
  });

  it("polls a source without subscribe and pushes a snapshot only when it changed", async () => {
    let state: DashboardSnapshot = makeSnapshot(10);
    let reads = 0;
    const source = {
      snapshot: async () => {
        reads++;
        return state;
      },
    };
    const server = await serveDashboard({ source, port: 0, pollMs: 30 });
    try {
      const ac = new AbortController();
      const res = await fetch(`${server.url}api/events`, { signal: ac.signal });
      const reader = res.body!.getReader();
      let text = await readUntil(reader, (t) => t.includes("event: snapshot"));
      await expect.poll(() => reads, { timeout: 5_000 }).toBeGreaterThan(3); // unchanged polls send nothing
      state = makeSnapshot(11);
      text = await readUntil(reader, (t) => frames(t).length >= 2, text);
      const events = frames(text);
      expect(events).toHaveLength(2);
      expect(events[1]).toMatchObject({ type: "snapshot", snapshot: { block: 11 } });
      ac.abort();
    } finally {
      await server.close();
    }
  });
});

// Typed as apex-validator's own StatusJson, so a change to its shape breaks this test at compile time.
const STATUS: StatusJson = {
  version: 1,
  network: "ws://subtensor:9944",
  netuid: 2,
  noChain: false,
  block: 105,
  tempo: 10,
  running: true,
  hotkey: "5Val",
  counts: { reference: 1, generator: 1, referenceFailed: 0, errors: 0, stored: 2 },
  windowHours: 22,
  lastWeightOutcome: null,
  missing: { "5MinerA": { http_429: 2 } },
  neurons: null,
  recentRounds: [
    {
      id: "a",
      createdAt: 1000,
      kind: "generator",
      groundTruth: 1,
      query: "q1",
      shownText: HOSTILE,
      generatorHotkey: "5MinerA",
      generatorUid: 3,
      generatorLatencyMs: 800,
      referenceFailed: false,
      generatorScore: 0.5,
      discriminators: [
        { hotkey: "5MinerA", uid: 3, answer: "1", correct: true, score: 0.5, latencyMs: 12 },
        { hotkey: "5MinerB", uid: 4, answer: null, correct: false, score: 0, latencyMs: 20000 },
      ],
    },
    {
      id: "b",
      createdAt: 2000,
      kind: "reference",
      groundTruth: 0,
      query: "q2",
      shownText: "ref",
      generatorHotkey: "Validator",
      generatorUid: null,
      generatorLatencyMs: null,
      generatorScore: 0,
      referenceFailed: false,
      discriminators: [],
    },
  ],
  windowTotals: { "5MinerA": 3.5, "5MinerB": 1, "5Unknown": 9 },
  lastWeightSubmission: {
    createdAt: 1500,
    block: 100,
    netuid: 2,
    uids: [3, 4],
    weights: [65535, 21845],
    versionKey: 1,
    mode: "set",
    outcome: "ok",
    error: null,
  },
};

describe("validator /api/status as a source", () => {
  it("maps the status JSON into a snapshot", () => {
    const { snapshot, point } = snapshotFromValidatorStatus(STATUS, [], 5_000);
    expect(snapshot).toMatchObject({ network: "ws://subtensor:9944", netuid: 2, block: 105, tempo: 10 });
    // Epoch at (block + netuid + 1) % (tempo + 1) == tempo: 108 % 11 = 9, so one block to go.
    expect(snapshot.blocksUntilEpoch).toBe(1);
    expect(snapshot.rounds.map((r) => r.id)).toEqual(["b", "a"]); // newest first
    expect(snapshot.rounds[1]!.shownText).toBe(HOSTILE);
    expect(snapshot.rounds[0]).toMatchObject({ kind: "reference", generatorHotkey: "", discriminators: [] });
    expect(snapshot.neurons.map((n) => [n.uid, n.hotkey, n.windowReward])).toEqual([
      [3, "5MinerA", 3.5],
      [4, "5MinerB", 1],
    ]);
    expect(snapshot.neurons[0]!.weight).toBeCloseTo(0.75, 6);
    expect(snapshot.neurons[1]!.weight).toBeCloseTo(0.25, 6);
    expect(point).toMatchObject({ block: 105, time: 5_000 });
    expect(point.weights[3]).toBeCloseTo(0.75, 6);
  });

  it("uses a metagraph when the status carries one, and survives garbage", () => {
    const status = {
      ...STATUS,
      neurons: [
        { uid: 1, hotkey: "5Val", stake: "1000", validatorPermit: true, incentive: 0, dividends: 1 },
        {
          uid: 3,
          hotkey: "5MinerA",
          validatorPermit: true,
          stake: 0,
          incentive: 0.6,
          emission: 12,
          axon: { ip: "172.20.0.5", port: 8091 },
        },
        { uid: "x", hotkey: 7 },
      ],
    };
    const { snapshot } = snapshotFromValidatorStatus(status, [], 0);
    expect(snapshot.neurons.map((n) => [n.uid, n.role])).toEqual([
      [1, "validator"],
      [3, "miner"],
      [4, "miner"],
    ]);
    expect(snapshot.neurons[0]!.stake).toBe(1000);
    expect(snapshot.neurons[1]).toMatchObject({ incentive: 0.6, axon: "172.20.0.5:8091", windowReward: 3.5 });
    const empty = snapshotFromValidatorStatus("nonsense", [], 0).snapshot;
    expect(empty).toMatchObject({ network: "unknown", block: 0, neurons: [], rounds: [] });
  });

  it("normalises weights to sum 1 whatever their scale", () => {
    expect([...normaliseWeights([1, 2], [1, 3])]).toEqual([
      [1, 0.25],
      [2, 0.75],
    ]);
    expect([...normaliseWeights([5], [0])]).toEqual([[5, 0]]);
  });

  it("polls, builds chart history per block, and says clearly when the validator is unreachable", async () => {
    let block = 100;
    let up = true;
    const calls: string[] = [];
    const fetchImpl = async (url: string) => {
      calls.push(url);
      if (!up) throw new Error("connect ECONNREFUSED");
      return { ok: true, status: 200, json: async () => ({ ...STATUS, block }) };
    };
    const clock = new VirtualClock(1_000_000);
    const source = validatorStatusSource("http://127.0.0.1:8001/api/status", fetchImpl, {
      clock,
      pollMs: 500,
    });
    expect((await source.snapshot()).history.map((p) => p.block)).toEqual([100]);
    expect((await source.snapshot()).history.map((p) => p.block)).toEqual([100]); // same block: no new point
    block = 101;
    expect((await source.snapshot()).history.map((p) => p.block)).toEqual([100, 101]);
    expect(calls[0]).toBe("http://127.0.0.1:8001/api/status?limit=50");

    // subscribe: the poll loop runs on the injected clock and pushes only changes.
    const events: DashboardEvent[] = [];
    const stop = source.subscribe!((e) => events.push(e));
    await expect.poll(() => events.length).toBe(1);
    clock.advance(500);
    await expect.poll(() => calls.length).toBe(5);
    expect(events).toHaveLength(1); // unchanged
    block = 102;
    clock.advance(500);
    await expect.poll(() => events.length).toBe(2);
    expect(events[1]).toMatchObject({ type: "snapshot", snapshot: { block: 102 } });
    stop();
    clock.advance(5_000);
    const after = calls.length;
    clock.advance(5_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.length).toBe(after); // the loop stopped with its last subscriber

    up = false;
    await expect(source.snapshot()).rejects.toThrow(/could not read the validator status at .*ECONNREFUSED/);
    expect(() => validatorStatusSource("not a url")).toThrow(/--validator-status must be a URL/);
    expect(() => validatorStatusSource("ftp://x/api/status")).toThrow(/http\(s\)/);
  });
});

describe("apex-localnet dashboard command", () => {
  it("parses its flags and rejects bad ones with a clear message", () => {
    expect(
      parseDashboardArgs(["dashboard", "--validator-status", "http://v:8001/api/status", "--port=0"]),
    ).toEqual({ validatorStatus: "http://v:8001/api/status", port: 0, host: "127.0.0.1", pollMs: 2000 });
    expect(() => parseDashboardArgs([])).toThrow(/--validator-status URL is required/);
    expect(() => parseDashboardArgs(["--validator-status", "http://x", "--port", "99999"])).toThrow(
      /--port must be a whole number from 0 to 65535, got "99999"/,
    );
    expect(() => parseDashboardArgs(["--validator-status", "http://x", "--poll-ms", "50"])).toThrow(
      /--poll-ms must be a whole number from 100 to 3600000/,
    );
    expect(() => parseDashboardArgs(["--validator-status"])).toThrow(
      /'--validator-status <value>' argument missing/,
    );
    expect(() => parseDashboardArgs(["--validator-status", "http://x", "--bogus"])).toThrow(
      /Unknown option '--bogus'. Run apex-localnet dashboard --help/,
    );
    expect(() => parseDashboardArgs([])).toThrow(UsageError);
  });

  it("serves the validator's state until its signal aborts", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const ac = new AbortController();
    const fetchImpl = async () => ({ ok: true, status: 200, json: async () => STATUS });
    const done = dashboardCommand(["--validator-status", "http://127.0.0.1:1/api/status", "--port", "0"], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      signal: ac.signal,
      fetch: fetchImpl,
    });
    await expect.poll(() => out.length, { timeout: 5_000 }).toBe(1);
    const url = /dashboard: (\S+)/.exec(out[0]!)![1]!;
    const snap = (await (await fetch(`${url}api/snapshot`)).json()) as DashboardSnapshot;
    expect(snap).toMatchObject({ block: 105, netuid: 2 });
    expect(snap.neurons.map((n) => n.uid)).toEqual([3, 4]);
    ac.abort();
    expect(await done).toBe(0);
    expect(err).toEqual([]);
  });

  it("exits 2 with usage on bad arguments, 0 on --help", async () => {
    const err: string[] = [];
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    expect(await dashboardCommand(["--port", "1"], io)).toBe(2);
    expect(err.join("\n")).toMatch(/--validator-status URL is required[\s\S]*Usage: apex-localnet dashboard/);
    expect(await dashboardCommand(["--help"], io)).toBe(0);
    expect(out.join("\n")).toContain("--validator-status URL");
  });
});

describe("dashboard command io", () => {
  it("also takes stream writers (stdout/stderr) and ends each line itself", async () => {
    let text = "";
    expect(await dashboardCommand(["--help"], { stdout: (s) => (text += s) })).toBe(0);
    expect(text.startsWith("Usage: apex-localnet dashboard")).toBe(true);
    expect(text.endsWith("\n")).toBe(true);
    let errText = "";
    expect(await dashboardCommand(["--bogus"], { stderr: (s) => (errText += s) })).toBe(2);
    expect(errText).toMatch(/^apex-localnet dashboard: Unknown option '--bogus'/);
  });
});
