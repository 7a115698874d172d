// Edges mutation testing found unchecked: header names in any case (HTTP names are case-insensitive, and a
// proxy or client may send "EPISTULA-VERSION"), a digits-only timestamp, and the replay window's exact end.
import { Keyring } from "@polkadot/keyring";
import { beforeAll, describe, expect, it } from "vitest";
import { epistulaReady, ReplayCache, signEpistula, verifyEpistula } from "../src/index.js";

let alice: ReturnType<Keyring["addFromUri"]>;
let bob: ReturnType<Keyring["addFromUri"]>;
const NOW = 1_755_000_000_000;
const BODY = '{"step": "generator", "query": "why?"}';

beforeAll(async () => {
  await epistulaReady();
  const keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
  alice = keyring.addFromUri("//Alice");
  bob = keyring.addFromUri("//Bob");
});

describe("Epistula edges", () => {
  it("finds the headers whatever their case", () => {
    const h = signEpistula(alice, BODY, { signedFor: bob.address, nowMs: NOW });
    const upper = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyEpistula(upper, BODY, bob.address, NOW)).toMatchObject({
      ok: true,
      signedBy: alice.address,
    });
    const withoutVersion = Object.fromEntries(
      Object.entries(upper).filter(([k]) => k !== "EPISTULA-VERSION"),
    );
    expect(verifyEpistula(withoutVersion, BODY, bob.address, NOW)).toMatchObject({
      ok: false,
      reason: "missing_header",
    });
  });

  it("a timestamp must be digits only, not merely end in digits", () => {
    const h = signEpistula(alice, BODY, { signedFor: bob.address, nowMs: NOW });
    const bad = { ...h, "Epistula-Timestamp": `x${NOW}` };
    expect(verifyEpistula(bad, BODY, bob.address, NOW)).toMatchObject({
      ok: false,
      reason: "stale_timestamp",
      message: expect.stringMatching(/integer number of milliseconds/),
    });
  });

  it("the replay window ends exactly ttl ms after the first sighting", () => {
    const cache = new ReplayCache(1_000);
    expect(cache.check("k", 0)).toBe(true);
    expect(cache.check("k", 999)).toBe(false);
    expect(cache.has("k", 1_000)).toBe(false);
    expect(cache.check("k", 1_000)).toBe(true);
  });

  it("the replay cache stays within its bound, forgetting the oldest first", () => {
    const cache = new ReplayCache(60_000, 3);
    for (const k of ["a", "b", "c", "d"]) cache.add(k, 0);
    expect(cache.size).toBe(3);
    expect(cache.has("a", 1)).toBe(false);
    expect(cache.has("d", 1)).toBe(true);
  });
});
