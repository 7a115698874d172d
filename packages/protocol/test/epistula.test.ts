import { epistulaReady, ReplayCache, signEpistula, verifyEpistula } from "@apex/protocol";
import { Keyring } from "@polkadot/keyring";
import { beforeAll, describe, expect, it } from "vitest";

describe("epistula round trip", () => {
  let alice: ReturnType<Keyring["addFromUri"]>;
  let bob: ReturnType<Keyring["addFromUri"]>;
  beforeAll(async () => {
    await epistulaReady();
    const keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
    alice = keyring.addFromUri("//Alice");
    bob = keyring.addFromUri("//Bob");
  });

  it("verifies a request signed here, and refuses a replay of it", () => {
    const body = '{"step": "generator", "query": "caf\\u00e9?"}';
    const now = 1_755_000_000_000;
    const headers = signEpistula(alice, body, { signedFor: bob.address, nowMs: now });
    const cache = new ReplayCache();
    expect(verifyEpistula(headers, body, bob.address, now + 10, { replayCache: cache })).toMatchObject({
      ok: true,
    });
    expect(verifyEpistula(headers, body, bob.address, now + 20, { replayCache: cache })).toMatchObject({
      ok: false,
      reason: "replayed_uuid",
    });
  });
});
