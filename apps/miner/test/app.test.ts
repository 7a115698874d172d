import { MINER_ROUTE, VirtualClock } from "@apex/protocol";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../src/app.js";
import type { Discriminator, Generator } from "../src/strategies/types.js";
import { devKeys, type Keys, signed, testApp } from "./helpers.js";

let keys: Keys;
beforeAll(async () => {
  keys = await devKeys();
});

const apps: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
});

function setup(over: Parameters<typeof testApp>[2] = {}) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const app = testApp(keys, clock, over);
  apps.push(app);
  const post = (
    body: Parameters<typeof signed>[1],
    o: {
      signer?: Keys["miner"];
      signedFor?: string;
      at?: number;
      uuid?: string;
      mutate?: (h: Record<string, string>) => void;
    } = {},
  ) => {
    const s = signed(o.signer ?? keys.validator, body, {
      signedFor: o.signedFor ?? keys.miner.address,
      nowMs: o.at ?? clock.now(),
      uuid: o.uuid,
    });
    o.mutate?.(s.headers);
    return app.inject({ method: "POST", url: MINER_ROUTE, payload: s.payload, headers: s.headers });
  };
  return { app, clock, post };
}

describe("POST /v1/chat/completions", () => {
  it("answers a signed generator request with bare text/plain prose", async () => {
    const { post } = setup();
    const res = await post({ step: "generator", query: "Why is the sky blue?" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(res.body).toBe("answer to: Why is the sky blue?");
  });

  it("answers a discriminator request with exactly 0 or 1", async () => {
    const { post } = setup();
    const res = await post({ step: "discriminator", query: "q", generation: "some text" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe("1");
  });

  it("hashes the raw bytes: a non-ASCII body signed as sent verifies", async () => {
    const { post } = setup();
    const raw = '{"step":"generator","query":"Ünïcode – naïve café"}';
    const res = await post(raw);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe("answer to: Ünïcode – naïve café");
  });

  const rejections: Array<[string, number, (h: Record<string, string>) => void]> = [
    ["missing_header", 401, (h) => delete h["Epistula-Request-Signature"]],
    ["bad_version", 401, (h) => (h["Epistula-Version"] = "1")],
    ["malformed_signature", 401, (h) => (h["Epistula-Request-Signature"] = "0x1234")],
    ["signature_mismatch", 401, (h) => (h["Epistula-Uuid"] = "00000000-0000-4000-8000-000000000000")],
  ];
  for (const [reason, status, mutate] of rejections) {
    it(`refuses ${reason} with ${status}`, async () => {
      const { post } = setup();
      const res = await post({ step: "generator", query: "q" }, { mutate });
      expect(res.statusCode).toBe(status);
      expect(res.body.startsWith(`${reason}:`)).toBe(true);
    });
  }

  it("refuses a request signed for another hotkey with 403 not_for_us", async () => {
    const { post } = setup();
    const res = await post({ step: "generator", query: "q" }, { signedFor: keys.stranger.address });
    expect(res.statusCode).toBe(403);
    expect(res.body).toMatch(/^not_for_us:/);
  });

  it("refuses a signer outside the policy with 403 signer_not_allowed", async () => {
    const { post } = setup();
    const res = await post({ step: "generator", query: "q" }, { signer: keys.stranger });
    expect(res.statusCode).toBe(403);
    expect(res.body).toMatch(/^signer_not_allowed:/);
  });

  it("refuses stale and future timestamps (milliseconds, ±8 s) with 401", async () => {
    const { post, clock } = setup();
    const old = await post({ step: "generator", query: "q" }, { at: clock.now() - 8_001 });
    expect(old.statusCode).toBe(401);
    expect(old.body).toMatch(/^stale_timestamp:/);
    const future = await post({ step: "generator", query: "q" }, { at: clock.now() + 8_001 });
    expect(future.statusCode).toBe(401);
    const edge = await post({ step: "generator", query: "q" }, { at: clock.now() - 7_999 });
    expect(edge.statusCode).toBe(200);
  });

  it("refuses a replayed request with 401 replayed_uuid", async () => {
    const { app, clock } = setup();
    const s = signed(
      keys.validator,
      { step: "generator", query: "q" },
      { signedFor: keys.miner.address, nowMs: clock.now() },
    );
    const send = () =>
      app.inject({ method: "POST", url: MINER_ROUTE, payload: s.payload, headers: s.headers });
    expect((await send()).statusCode).toBe(200);
    const again = await send();
    expect(again.statusCode).toBe(401);
    expect(again.body).toMatch(/^replayed_uuid:/);
  });

  it("rate-limits each signer (429) and counts it", async () => {
    const { post, app } = setup({ rateLimit: { perMinute: 60, burst: 2 } });
    expect((await post({ step: "generator", query: "a" })).statusCode).toBe(200);
    expect((await post({ step: "generator", query: "b" })).statusCode).toBe(200);
    const third = await post({ step: "generator", query: "c" });
    expect(third.statusCode).toBe(429);
    expect(third.body).toBe("rate_limited");
    const metrics = await app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.body).toMatch(/apex_miner_auth_rejections_total\{reason="rate_limited"\} 1/);
  });

  it("rejects malformed JSON with 400 after authentication", async () => {
    const { post } = setup();
    const res = await post("{not json");
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/^body is not valid JSON/);
  });

  it("rejects a body that is not UTF-8 with 400", async () => {
    const { app } = setup({ verify: "off" });
    const res = await app.inject({
      method: "POST",
      url: MINER_ROUTE,
      payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      headers: { "content-type": "application/json" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toBe("body is not valid UTF-8");
  });

  it("rejects a body of the wrong shape with 400 and names the accepted steps", async () => {
    const { post } = setup();
    const bad = await post('{"step":"other","query":"q"}');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/generator/);
    const noQuery = await post('{"step":"generator"}');
    expect(noQuery.statusCode).toBe(400);
  });

  it("rejects bodies over 1 MiB with 413", async () => {
    const { app } = setup({ verify: "off" });
    const big = JSON.stringify({ step: "generator", query: "x".repeat(MAX_BODY_BYTES) });
    const res = await app.inject({
      method: "POST",
      url: MINER_ROUTE,
      payload: big,
      headers: { "content-type": "application/json" },
    });
    expect(res.statusCode).toBe(413);
  });

  it("with verification off, answers unsigned requests of any content type", async () => {
    const { app } = setup({ verify: "off" });
    const res = await app.inject({
      method: "POST",
      url: MINER_ROUTE,
      payload: '{"step":"generator","query":"hi"}',
      headers: { "content-type": "text/plain" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe("answer to: hi");
  });

  it("without verification an unsigned request is refused (401 missing_header)", async () => {
    const { app } = setup();
    const res = await app.inject({ method: "POST", url: MINER_ROUTE, payload: "{}" });
    expect(res.statusCode).toBe(401);
    expect(res.body).toMatch(/^missing_header:/);
  });
});

describe("budgets and fallbacks", () => {
  it("a generator that outlives its budget falls back to a fast answer", async () => {
    const slow: Generator = {
      name: "slow",
      generate: (_q, ctx) =>
        new Promise((_r, reject) => ctx.signal.addEventListener("abort", () => reject(new Error("aborted")))),
    };
    const { post, clock, app } = setup({ generator: slow, budgetMs: 1000 });
    const pending = post({ step: "generator", query: "What limits coral reef recovery?" });
    // Let the request reach the strategy, then move past the budget.
    for (let i = 0; i < 50 && clock.nextWake() === undefined; i++) await new Promise((r) => setTimeout(r, 5));
    clock.advance(1000);
    const res = await pending;
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/Executive Summary/);
    const metrics = await app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.body).toMatch(
      /apex_miner_strategy_fallbacks_total\{step="generator",strategy="slow",cause="timeout"\} 1/,
    );
  });

  it("a throwing or invalid discriminator falls back to the heuristic", async () => {
    const bad: Discriminator = {
      name: "bad",
      classify: () => {
        throw new Error("boom");
      },
    };
    const { post } = setup({ discriminator: bad });
    const res = await post({ step: "discriminator", query: "q", generation: "This is a dummy generation" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe("1");
    const weird: Discriminator = { name: "weird", classify: () => "maybe" as "0" };
    const s2 = setup({ discriminator: weird });
    const res2 = await s2.post({ step: "discriminator", query: "q", generation: "short" });
    expect(res2.body).toBe("1");
  });

  it("an empty generation falls back", async () => {
    const empty: Generator = { name: "empty", generate: () => "   " };
    const { post } = setup({ generator: empty });
    const res = await post({ step: "generator", query: "q about rivers" });
    expect(res.statusCode).toBe(200);
    expect(res.body.trim().length).toBeGreaterThan(0);
  });
});

describe("other routes", () => {
  it("GET /health reports status and strategies", async () => {
    const { app } = setup();
    const res = await app.inject({ method: "GET", url: "/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "ok", hotkey: keys.miner.address, generator: "fixed" });
  });

  it("GET /metrics exposes requests by step and outcome, latency and auth rejections", async () => {
    const { app, post } = setup();
    await post({ step: "generator", query: "q" });
    await post({ step: "generator", query: "q" }, { signer: keys.stranger });
    const res = await app.inject({ method: "GET", url: "/metrics" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/plain/);
    expect(res.body).toMatch(/apex_miner_requests_total\{step="generator",outcome="ok"\} 1/);
    expect(res.body).toMatch(/apex_miner_auth_rejections_total\{reason="signer_not_allowed"\} 1/);
    expect(res.body).toMatch(/apex_miner_request_duration_seconds_count\{step="generator"\} 1/);
  });

  it("unknown routes and methods get 404 text", async () => {
    const { app } = setup();
    const res = await app.inject({ method: "GET", url: "/v1/chat/completions" });
    expect(res.statusCode).toBe(404);
    const res2 = await app.inject({ method: "GET", url: "/nope" });
    expect(res2.statusCode).toBe(404);
    expect(res2.headers["content-type"]).toBe("text/plain; charset=utf-8");
  });
});
