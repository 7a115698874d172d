// A miner on a virtual clock (as inside a --virtual localnet) reads and waits on that clock only: its Epistula
// freshness window, replay cache, rate limiter and strategy budgets follow the virtual time, whatever the wall
// clock says. The wall clock is faked to a far-off year here: any part that read it would refuse or stall.
import { VirtualClock } from "@apex/protocol";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Discriminator } from "../src/strategies/types.js";
import { devKeys, type Keys, signed, testApp } from "./helpers.js";

let keys: Keys;
beforeAll(async () => {
  keys = await devKeys();
});
afterEach(() => {
  vi.useRealTimers();
});

// Subnet time of a virtual run: nowhere near the (faked) wall clock.
const VIRTUAL_START = Date.UTC(2026, 0, 1);
const WALL = new Date("2001-09-09T01:46:40Z");

function request(clock: VirtualClock, uuid?: string) {
  return signed(
    keys.validator,
    { step: "discriminator", query: "q", generation: "g" },
    { signedFor: keys.miner.address, nowMs: clock.now(), uuid },
  );
}

describe("a miner on a virtual clock", () => {
  it("checks freshness and replays against the virtual clock, not the wall clock", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: WALL });
    const clock = new VirtualClock(VIRTUAL_START);
    const app = testApp(keys, clock);
    const first = request(clock, "0b9f6a52-2c4e-4f51-9d7e-8a3c1e5b7f20");
    const ok = await app.inject({ method: "POST", url: "/v1/chat/completions", ...first });
    expect(ok.statusCode).toBe(200);
    // The same request again is a replay on the virtual clock's window.
    const again = await app.inject({ method: "POST", url: "/v1/chat/completions", ...first });
    expect(again.statusCode).toBe(401);
    expect(again.body).toMatch(/^replayed_uuid/);
    // Stamped 9 s of virtual time ago: stale, though no wall time passed.
    const old = request(clock);
    clock.advance(9_000);
    const stale = await app.inject({ method: "POST", url: "/v1/chat/completions", ...old });
    expect(stale.statusCode).toBe(401);
    expect(stale.body).toMatch(/^stale_timestamp/);
    await app.close();
  });

  it("refills its rate limiter with virtual time", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: WALL });
    const clock = new VirtualClock(VIRTUAL_START);
    const app = testApp(keys, clock, { rateLimit: { perMinute: 60, burst: 2 } });
    const send = () => app.inject({ method: "POST", url: "/v1/chat/completions", ...request(clock) });
    expect((await send()).statusCode).toBe(200);
    expect((await send()).statusCode).toBe(200);
    expect((await send()).statusCode).toBe(429);
    // One virtual second refills one token (60/min); the wall clock stands still.
    clock.advance(1_000);
    expect((await send()).statusCode).toBe(200);
    expect((await send()).statusCode).toBe(429);
    await app.close();
  });

  it("runs a strategy's budget on virtual time: it ends when the virtual clock passes it", async () => {
    const clock = new VirtualClock(VIRTUAL_START);
    const hanging: Discriminator = { name: "hangs", classify: () => new Promise<"0" | "1">(() => {}) };
    const app = testApp(keys, clock, { discriminator: hanging, budgetMs: 5_000 });
    let settled = false;
    const reply = app.inject({ method: "POST", url: "/v1/chat/completions", ...request(clock) }).then((r) => {
      settled = true;
      return r;
    });
    // Real time passes; the budget does not.
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBe(false);
    expect(clock.nextWake()).toBe(VIRTUAL_START + 5_000);
    clock.advance(5_000);
    const r = await reply;
    expect(r.statusCode).toBe(200);
    // The fallback (the heuristic) answered, counted as a budget timeout.
    expect(["0", "1"]).toContain(r.body);
    const fallbacks = (await app.minerMetrics.fallbacks.get()).values;
    expect(fallbacks.find((v) => v.labels.cause === "timeout")?.value).toBe(1);
    await app.close();
  });
});
