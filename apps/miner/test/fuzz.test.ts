// Seeded fuzzing: malformed bodies and headers never produce a 5xx or crash the app.
import { MINER_ROUTE, VirtualClock } from "@apex/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../src/strategies/types.js";
import { devKeys, type Keys, signed, testApp } from "./helpers.js";

let keys: Keys;
beforeAll(async () => {
  keys = await devKeys();
});

const FRAGMENTS = [
  "{",
  "}",
  "[",
  "]",
  '"step"',
  '"generator"',
  '"discriminator"',
  '"query"',
  '"generation"',
  ":",
  ",",
  "null",
  "true",
  "1e999",
  "-0",
  '"\\ud800"',
  '"\\u0000"',
  "\u0000",
  "\uffff",
  "💥",
  "\\",
  '"',
  " ",
  "\n",
  "__proto__",
  '{"__proto__":{"step":"generator"}}',
  '{"constructor":{"prototype":{}}}',
];

function randomBody(rnd: () => number): string {
  const kind = Math.floor(rnd() * 5);
  if (kind === 0) {
    let s = "";
    const n = Math.floor(rnd() * 12);
    for (let i = 0; i < n; i++) s += FRAGMENTS[Math.floor(rnd() * FRAGMENTS.length)];
    return s;
  }
  if (kind === 1) {
    const bytes = Buffer.alloc(Math.floor(rnd() * 64));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256);
    return bytes.toString("latin1");
  }
  const values: unknown[] = [
    null,
    1,
    -1,
    1e308,
    "",
    "x".repeat(Math.floor(rnd() * 5000)),
    [],
    {},
    true,
    ["a"],
  ];
  const pickV = () => values[Math.floor(rnd() * values.length)];
  const body: Record<string, unknown> = {};
  if (rnd() < 0.8)
    body.step =
      rnd() < 0.5 ? ["generator", "discriminator", "GENERATOR", ""][Math.floor(rnd() * 4)] : pickV();
  if (rnd() < 0.8) body.query = rnd() < 0.5 ? "What is x?" : pickV();
  if (rnd() < 0.6) body.generation = rnd() < 0.5 ? "text" : pickV();
  if (kind === 3) body.extra = { nested: [pickV(), pickV()] };
  const s = JSON.stringify(body);
  return kind === 4 ? s.slice(0, Math.floor(rnd() * s.length)) : s;
}

const HEADER_NAMES = [
  "Epistula-Version",
  "Epistula-Timestamp",
  "Epistula-Uuid",
  "Epistula-Signed-By",
  "Epistula-Signed-For",
  "Epistula-Request-Signature",
  "content-type",
];
const HEADER_VALUES = [
  "",
  "2",
  "1",
  "0x",
  "0x" + "ab".repeat(64),
  "-1",
  "99999999999999999999",
  "not a uuid",
  "application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "5".repeat(48),
  "é",
];

describe("fuzz", () => {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  let app: ReturnType<typeof testApp>;
  beforeAll(() => {
    app = testApp(keys, clock);
  });
  afterAll(() => app.close());

  it("1,200 malformed requests (bodies, headers, both signed and unsigned) never yield a 5xx", async () => {
    const rnd = mulberry32(0xdecaf);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1200; i++) {
      const body = randomBody(rnd);
      let headers: Record<string, string>;
      if (rnd() < 0.5) {
        // A correctly signed request with a malformed body: exercises everything after authentication.
        headers = signed(keys.validator, body, { signedFor: keys.miner.address, nowMs: clock.now() }).headers;
        if (rnd() < 0.3)
          headers[HEADER_NAMES[Math.floor(rnd() * HEADER_NAMES.length)]!] =
            HEADER_VALUES[Math.floor(rnd() * HEADER_VALUES.length)]!;
      } else {
        headers = {};
        for (const h of HEADER_NAMES)
          if (rnd() < 0.5) headers[h] = HEADER_VALUES[Math.floor(rnd() * HEADER_VALUES.length)]!;
      }
      const method =
        rnd() < 0.9 ? "POST" : (["GET", "PUT", "DELETE", "PATCH"] as const)[Math.floor(rnd() * 4)]!;
      const res = await app.inject({
        method,
        url: rnd() < 0.95 ? MINER_ROUTE : "/v1/chat/completions/../x",
        payload: body,
        headers,
      });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      expect(res.statusCode, `request ${i}: ${JSON.stringify(body).slice(0, 200)}`).toBeLessThan(500);
      clock.advance(1);
    }
    // The app still serves a good request afterwards, and the corpus hit the interesting statuses.
    const ok = signed(
      keys.validator,
      { step: "generator", query: "still alive?" },
      { signedFor: keys.miner.address, nowMs: clock.now() },
    );
    const res = await app.inject({
      method: "POST",
      url: MINER_ROUTE,
      payload: ok.payload,
      headers: ok.headers,
    });
    expect(res.statusCode).toBe(200);
    for (const s of [200, 400, 401]) expect(statuses.get(s) ?? 0, `status ${s} seen`).toBeGreaterThan(0);
  }, 180_000); // ~600 sr25519 signatures and verifications: seconds alone, minutes beside other suites on 2 cores
});
