// The validator in its own process for the round-overhead benchmark. It gets the miners over IPC, then on each
// {type:"rounds"} plays whole rounds (query fixed, reference rate 0, so every round has a generator request and
// an N-wide discriminator fan-out, signed, scored and stored in SQLite) and on {type:"raw"} sends the same fan-out
// as unsigned POSTs through a bare keep-alive agent (the baseline).

import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openResultsStore } from "@apex/db";
import { OfflineBackend, OfflineWebSearch } from "@apex/llm";
import { encodeRequestBody, epistulaReady, MINER_ROUTE, systemClock } from "@apex/protocol";
import {
  createValidator,
  makeValidatorConfig,
  type RoundEvent,
  seededRng,
  type Validator,
} from "@apex/validator";
import { devKeypair } from "@apex/wallet";

const QUERY = "Why do rivers meander across flat plains? Explain the physical processes step by step.";

interface Miner {
  url: string;
  hotkey: string;
}

await epistulaReady();
const dir = mkdtempSync(join(tmpdir(), "apex-bench-validator-"));
let validator: Validator | undefined;
/** The last round's missing answers (a bench round must have none). */
let missing: RoundEvent["missing"] = [];
let miners: Miner[] = [];
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

async function setup(list: Miner[]) {
  miners = list;
  const config = makeValidatorConfig({
    chain: { no_chain: true, network: "local", miners: list },
    miner_sampler: {
      discriminator_sample_size: list.length,
      generator_sample_size: 1,
      address_policy: "any",
    },
    pipeline: { reference_rate: 0, redundancy_rate: 0, seed: 1 },
    logger_db: { db_path: join(dir, "bench.db") },
    status: { enabled: false, host: "127.0.0.1", port: 0 },
    logging: { level: "silent", json: false },
  });
  validator = createValidator(config, {
    hotkey: await devKeypair("//apex//bench//validator"),
    store: openResultsStore(join(dir, "bench.db")),
    backend: new OfflineBackend({ seed: 1 }),
    search: new OfflineWebSearch({ seed: 1 }),
    clock: systemClock,
    rng: seededRng(1),
    makeQuery: async () => QUERY,
    research: async (q) => `reference for ${q}`,
  });
  validator.onRound((e) => {
    missing = e.missing;
  });
}

function post(url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${MINER_ROUTE}`,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve());
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function rawRound(): Promise<void> {
  // The same traffic as a round: one generator request, then N discriminator requests in parallel.
  await post(miners[0]!.url, encodeRequestBody({ step: "generator", query: QUERY }));
  const body = encodeRequestBody({
    step: "discriminator",
    query: QUERY,
    generation: "A short instant generation about rivers.",
  });
  await Promise.all(miners.map((m) => post(m.url, body)));
}

process.on("message", async (raw) => {
  const msg = raw as { type: string; miners?: Miner[]; count?: number };
  try {
    if (msg.type === "setup") {
      await setup(msg.miners!);
      process.send!({ ok: true });
    } else if (msg.type === "rounds" || msg.type === "raw") {
      const ms: number[] = [];
      for (let i = 0; i < (msg.count ?? 1); i++) {
        const t0 = performance.now();
        if (msg.type === "raw") await rawRound();
        else {
          const r = await validator!.runRound();
          const answered = r.discriminators.filter((d) => d.answer !== null).length;
          if (answered !== miners.length)
            throw new Error(`only ${answered}/${miners.length} discriminators answered`);
          // A true run: no request of the round (generator included) went unanswered, for any reason.
          if (missing.length > 0) throw new Error(`missing answers: ${JSON.stringify(missing.slice(0, 5))}`);
        }
        ms.push(performance.now() - t0);
      }
      process.send!({ ms, rssMb: process.memoryUsage().rss / 2 ** 20 });
    } else if (msg.type === "stop") {
      await validator?.stop();
      validator?.store.close();
      rmSync(dir, { recursive: true, force: true });
      process.send!({ ok: true });
      process.exit(0);
    }
  } catch (err) {
    process.send!({ error: (err as Error).stack ?? String(err) });
  }
});
process.send!({ ready: true });
