// Attack 6 (security.md §11): /api/status must not leak committed-but-unrevealed weights (commit-reveal exists so
// nobody can copy them), must not cost chain reads per request, and no longer carries get_rewards.
import { VirtualClock } from "@apex/protocol";
import { describe, expect, it } from "vitest";
import {
  buildStatusServer,
  makeValidatorConfig,
  type StatusJson,
  type Validator,
  type ValidatorStatus,
} from "../src/index.js";

function fakeValidator(clock: VirtualClock, last: ValidatorStatus["lastWeightSubmission"]) {
  const reads = { count: 0 };
  const outcome = last
    ? {
        ok: true,
        mode: last.mode,
        outcome: last.outcome,
        block: 7,
        uids: last.uids,
        weights: last.weights,
        attempts: 1,
        error: null,
      }
    : null;
  const status = async (): Promise<ValidatorStatus> => {
    reads.count++; // each call reads the chain head, the hyperparameters and the metagraph
    return {
      hotkey: "5Me",
      network: "sim",
      netuid: 2,
      noChain: false,
      chainHead: 7,
      running: true,
      roundsStored: 0,
      roundsThisRun: { reference: 0, generator: 0, referenceFailed: 0, errors: 0 },
      windowHours: 22,
      windowTotals: {},
      lastWeightSubmission: last,
      lastWeightOutcome: outcome,
      missing: {},
      recentRounds: [],
      tempo: 10,
      neurons: null,
    };
  };
  const validator = {
    config: makeValidatorConfig({ chain: { network: "sim", netuid: 2 } }),
    now: () => clock.now(),
    status,
    metrics: { registry: { contentType: "text/plain", metrics: async () => "" } },
  } as unknown as Validator;
  return { validator, reads };
}

const submission = (mode: "commit" | "reveal" | "set") => ({
  createdAt: 1,
  block: 7,
  netuid: 2,
  uids: [1, 2, 3],
  weights: [65535, 1000, 7],
  versionKey: 30006,
  mode,
  outcome: "ok" as const,
  error: null,
});

describe("/api/status", () => {
  it("a pending commit shows that it happened, never its uids or weights", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 4, 1));
    const { validator } = fakeValidator(clock, submission("commit"));
    const app = buildStatusServer(validator);
    const s = (await app.inject({ url: "/api/status" })).json() as StatusJson;
    expect(s.lastWeightSubmission).toMatchObject({ mode: "commit", outcome: "ok", uids: [], weights: [] });
    expect(s.lastWeightOutcome).toMatchObject({ mode: "commit", uids: [], weights: [] });
    const body = (await app.inject({ url: "/api/status" })).body;
    expect(body).not.toContain("65535");
    await app.close();
  });

  it("revealed or directly set weights are public on chain and are shown", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 4, 1));
    for (const mode of ["reveal", "set"] as const) {
      const app = buildStatusServer(fakeValidator(clock, submission(mode)).validator);
      const s = (await app.inject({ url: "/api/status" })).json() as StatusJson;
      expect(s.lastWeightSubmission?.weights).toEqual([65535, 1000, 7]);
      await app.close();
    }
  });

  it("a burst of requests costs one chain read per 2 s, and get_rewards is not served here", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 4, 1));
    const { validator, reads } = fakeValidator(clock, null);
    const app = buildStatusServer(validator);
    await Promise.all(Array.from({ length: 50 }, () => app.inject({ url: "/api/status" })));
    for (let i = 0; i < 20; i++) await app.inject({ url: "/health" });
    expect(reads.count).toBe(2); // one for /api/status (limit 20), one for /health (limit 0)
    clock.advance(2_000);
    await app.inject({ url: "/api/status" });
    expect(reads.count).toBe(3);
    expect((await app.inject({ method: "POST", url: "/v1/get_rewards", payload: {} })).statusCode).toBe(404);
    await app.close();
  });
});
