// POST /v1/get_rewards edge cases that need no chain: no metagraph (no-chain mode) lets only verified hotkeys in,
// an unreadable metagraph is a 503 rather than a 401, and the body is hashed as raw bytes.
import type { Metagraph } from "@apex/chain";
import { epistulaReady, type Signer, signEpistula, VirtualClock } from "@apex/protocol";
import { devKeypair } from "@apex/wallet";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSyncerServer, GET_REWARDS_ROUTE, makeValidatorConfig, type Validator } from "../src/index.js";

describe("get_rewards route without a usable metagraph", () => {
  const clock = new VirtualClock(Date.UTC(2026, 4, 1));
  let me: Signer;
  let friend: Signer;
  let stranger: Signer;

  beforeAll(async () => {
    await epistulaReady();
    me = await devKeypair("//RouteMe");
    friend = await devKeypair("//RouteFriend");
    stranger = await devKeypair("//RouteStranger");
  });

  /** Just the parts of a Validator the route reads. */
  function fakeValidator(metagraph: () => Promise<Metagraph | null>): Validator {
    const config = makeValidatorConfig({
      chain: { no_chain: true, miners: [{ url: "http://127.0.0.2:1", hotkey: me.address }] },
      logger_db: { db_path: ":memory:" },
      weight_syncer: { enable_send: true, verified_hotkeys: [{ hotkey: friend.address }] },
    });
    return {
      config,
      hotkey: me.address,
      now: () => clock.now(),
      sampler: { metagraph },
      latestRewards: () => ({ at: clock.now(), rewards: { m1: 1.5 } }),
    } as unknown as Validator;
  }

  const ask = (v: Validator, from: Signer, body: string | Buffer = "{}") =>
    buildSyncerServer(v).inject({
      method: "POST",
      url: GET_REWARDS_ROUTE,
      headers: {
        "content-type": "application/json",
        ...signEpistula(from, body, { signedFor: me.address, nowMs: clock.now() }),
      },
      payload: body,
    });

  it("without a chain only verified hotkeys may ask", async () => {
    const v = fakeValidator(async () => null);
    const ok = await ask(v, friend);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ m1: 1.5 });
    expect((await ask(v, stranger)).statusCode).toBe(401);
  });

  it("an unreadable metagraph is 503 for unverified signers, verified ones still get an answer", async () => {
    const v = fakeValidator(async () => {
      throw new Error("chain down");
    });
    const res = await ask(v, stranger);
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatch(/metagraph/);
    expect((await ask(v, friend)).statusCode).toBe(200);
  });

  it("hashes the raw bytes: a body with invalid UTF-8 verifies as sent (and is then refused as not JSON)", async () => {
    const v = fakeValidator(async () => null);
    const raw = Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]); // {"\xff":1}
    const res = await ask(v, friend, raw);
    // A decoded-then-re-encoded body would have failed the signature check ("does not match") instead.
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/JSON/);
  });
});
