// Attack 3 (security.md §5): a client on another address floods a miner with requests that name the trusted
// validator and carry a well-formed junk signature. Before the flood guard every one cost an sr25519 verification
// and a log line. Now junk gets 429 before any verification, the honest validator (its own address) is served
// every time, and the log carries a summary line per 10 s. Times are not asserted here: bench/src/flood.ts
// measures them (docs/benchmarks.md "Flood").
import http from "node:http";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMinerApp, trustedSetPolicy } from "../../apps/miner/src/index.js";
import { encodeRequestBody, signEpistula, systemClock } from "../../packages/protocol/src/index.js";
import { send } from "../helpers/http.js";
import { type Key, keys } from "../helpers/keys.js";

const ATTACKER_ADDRESS = "127.0.0.9";
const JUNK = 1_500;
const HONEST = 40;

let k: Record<"miner" | "validator" | "forger", Key>;
let app: ReturnType<typeof buildMinerApp>;
let base: string;
let logLines = 0;

beforeAll(async () => {
  k = await keys("miner", "validator", "forger");
  app = buildMinerApp({
    hotkey: k.miner.address,
    verify: trustedSetPolicy([k.validator.address]),
    generator: { name: "fixed", generate: () => "An honest answer." },
    discriminator: { name: "fixed", classify: () => "1" },
    logger: {
      level: "info",
      stream: new Writable({
        write(chunk: Buffer, _enc, done) {
          logLines += chunk.toString("utf8").split("\n").filter(Boolean).length;
          done();
        },
      }),
    },
  });
  base = await app.listen({ host: "127.0.0.1", port: 0 });
}, 30_000);

afterAll(() => app.close());

const body = (i: number) => encodeRequestBody({ step: "generator", query: `question ${i}` });

/** Well-formed headers naming the trusted validator, signed by someone else: only sr25519 can tell. */
function junkHeaders(i: number): Record<string, string> {
  const b = body(i);
  const h = signEpistula(k.forger, b, { signedFor: k.miner.address, nowMs: systemClock.now() });
  return { ...h, "Epistula-Signed-By": k.validator.address, "content-type": "application/json" };
}

describe("a junk-signature flood from one address", () => {
  it("is refused with 429 before verification; every honest request is served; the log stays quiet", async () => {
    const attacker = new http.Agent({ keepAlive: true, maxSockets: 8, localAddress: ATTACKER_ADDRESS });
    const honest = new http.Agent({ keepAlive: true, maxSockets: 2 });
    // Presigned junk: the attacker's own signing must not be what limits the flood.
    const junk = Array.from({ length: 64 }, (_, i) => ({ b: body(i), h: junkHeaders(i) }));
    const statuses = new Map<number | null, number>();
    let next = 0;
    const flood = Array.from({ length: 8 }, async () => {
      while (next < JUNK) {
        const j = junk[next++ % junk.length]!;
        const r = await send(attacker, base, j.b, { headers: j.h });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    });
    const served: Array<number | null> = [];
    const validator = (async () => {
      for (let i = 0; i < HONEST; i++) {
        const b = body(10_000 + i);
        const h = signEpistula(k.validator, b, { signedFor: k.miner.address, nowMs: systemClock.now() });
        const r = await send(honest, base, b, { headers: { ...h, "content-type": "application/json" } });
        served.push(r.status);
      }
    })();
    const linesBefore = logLines;
    await Promise.all([...flood, validator]);
    attacker.destroy();
    honest.destroy();

    expect(served).toEqual(Array(HONEST).fill(200));
    const refused429 = statuses.get(429) ?? 0;
    const verifiedAndRefused = statuses.get(401) ?? 0;
    // The address bucket (a burst of 200) and the signer's failure budget (30) bound the verifications.
    expect(verifiedAndRefused).toBeLessThanOrEqual(60);
    expect(refused429).toBeGreaterThanOrEqual(JUNK - 250);
    expect(refused429 + verifiedAndRefused + (statuses.get(null) ?? 0)).toBe(JUNK);
    // Refusals are counted, not logged one by one: at most a couple of summary lines for the whole flood.
    expect(logLines - linesBefore).toBeLessThanOrEqual(3);
  }, 120_000);

  it("the forger's address stays refused; the validator is served from an address it never used before", async () => {
    const again = new http.Agent({ keepAlive: false, localAddress: ATTACKER_ADDRESS });
    const more: Array<number | null> = [];
    for (let i = 0; i < 10; i++)
      more.push((await send(again, base, body(i), { headers: junkHeaders(i) })).status);
    again.destroy();
    // The budget refills at 0.5 per second: at most a token or two came back since the flood.
    expect(more.filter((s) => s === 429).length).toBeGreaterThanOrEqual(8);
    // The flood spent the failure budget of (validator, 127.0.0.9) only: a validator that moved to a new
    // address, never verified from before, is still verified and served.
    const moved = new http.Agent({ keepAlive: false, localAddress: "127.0.0.11" });
    const b = body(2);
    const ok = await send(moved, base, b, {
      headers: {
        ...signEpistula(k.validator, b, { signedFor: k.miner.address, nowMs: systemClock.now() }),
        "content-type": "application/json",
      },
    });
    moved.destroy();
    expect(ok.status).toBe(200);
    expect(ok.body).toBe("An honest answer.");
  });
});
