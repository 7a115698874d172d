// The localnet's validators: each with its own results DB, an offline (or --llm-base-url) backend and a seeded
// RNG, configured for the run's clock. The same start-up on SimChain (run.ts) and on a real runtime (real-run.ts).
import { join } from "node:path";
import type { ChainClient } from "@apex/chain";
import { openResultsStore, type SqliteResultsStore } from "@apex/db";
import { OfflineBackend, OfflineWebSearch, OpenAIBackend, type TextBackend } from "@apex/llm";
import type { Clock } from "@apex/protocol";
import {
  createValidator,
  FAST_PRESET,
  makeValidatorConfig,
  mergeConfig,
  seededRng,
  type Validator,
  type ValidatorConfig,
} from "@apex/validator";
import type { RunOptions } from "./args.js";
import type { Closers } from "./handle.js";
import type { NeuronKeys } from "./keys.js";
import type { ReferenceSource } from "./references.js";

export function validatorConfig(
  opts: RunOptions,
  netuid: number,
  dbPath: string,
  index: number,
): ValidatorConfig {
  const base = makeValidatorConfig({
    chain: { network: "sim", netuid, coldkey: "localnet", hotkey: `validator${index}`, wallet_path: "" },
    logger_db: { db_path: dbPath },
    status: { enabled: false, host: "127.0.0.1", port: 0 },
    logging: { level: "silent", json: false },
    llm: opts.llmBaseUrl
      ? { backend: "openai", base_url: opts.llmBaseUrl, model: opts.llmModel }
      : { backend: "offline", base_url: "", model: "offline" },
    websearch: { backend: "offline" },
    pipeline: { seed: opts.seed * 1000 + index },
    miner_sampler: { address_policy: "any" },
  });
  // On the virtual clock the localnet's own schedule is the retry: a weight setter that slept on that clock
  // would wait for time that only moves between actions.
  if (opts.virtual) return mergeConfig(base, { miner_scorer: { max_attempts: 1 } });
  // Real time on a localnet: a round about every second and weights every couple of epochs, so a newcomer
  // sees incentive move within a minute.
  const epochSeconds = ((opts.tempo + 1) * opts.blockTimeMs) / 1000;
  return mergeConfig(mergeConfig(base, FAST_PRESET), {
    pipeline: { num_consumers: 2, timeout_producer: 1, timeout_consumer: 0.5 },
    miner_scorer: { interval: Math.max(5, 2 * epochSeconds), retry_backoff: 1 },
    miner_sampler: { candidate_ttl: epochSeconds, metagraph_ttl: epochSeconds },
  });
}

export interface ValidatorsSetup {
  /** The run's options; their block time sets the real-time cadences (validatorConfig). */
  opts: RunOptions;
  chain: ChainClient;
  netuid: number;
  keys: readonly NeuronKeys[];
  /** Where validator{i}.db goes. */
  dataDir: string;
  clock: Clock;
  /** The clock a request to a miner is stamped from (one clock, or one per miner hotkey). */
  stampClock: Clock | ((minerHotkey: string) => Clock);
  /** Where references come from; the validator's own writer and researcher when absent. */
  references?: Pick<ReferenceSource, "makeQuery" | "research" | "recordReference">;
  closers: Closers;
}

/** Opens each validator's results DB and builds the validator on it, in key order (not started). */
export function startValidators(setup: ValidatorsSetup): {
  validators: Validator[];
  stores: SqliteResultsStore[];
} {
  const { opts } = setup;
  const validators: Validator[] = [];
  const stores: SqliteResultsStore[] = [];
  for (const [i, v] of setup.keys.entries()) {
    const dbPath = join(setup.dataDir, `validator${i}.db`);
    const store = openResultsStore(dbPath);
    stores.push(store);
    setup.closers.push(() => store.close());
    const backend: TextBackend = opts.llmBaseUrl
      ? new OpenAIBackend({
          baseURL: opts.llmBaseUrl,
          model: opts.llmModel,
          apiKey: opts.llmApiKey ?? undefined,
        })
      : new OfflineBackend({ seed: opts.seed + i });
    const validator = createValidator(validatorConfig(opts, setup.netuid, dbPath, i), {
      chain: setup.chain,
      hotkey: v.hotkey,
      store,
      backend,
      search: new OfflineWebSearch({ seed: opts.seed + i }),
      clock: setup.clock,
      stampClock: setup.stampClock,
      rng: seededRng(opts.seed * 1000 + i),
      makeQuery: setup.references?.makeQuery,
      research: setup.references?.research,
      recordReference: setup.references?.recordReference,
    });
    validators.push(validator);
    setup.closers.push(() => validator.stop());
  }
  return { validators, stores };
}
