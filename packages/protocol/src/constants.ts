// Facts of the Apex v3 protocol (apex/common/constants.py @ v3.0.6) and of the networks it runs on.

/** Netuid of Apex per network: mainnet subnet 1, testnet subnet 61. */
export const APEX_NETUIDS = { finney: 1, test: 61 } as const;

/** Total time a validator waits for one miner request (generator or discriminator). */
export const MINER_REQUEST_TIMEOUT_MS = 20_000;

/** Pseudo-hotkey stored as the generator of reference rounds; never paid. */
export const VALIDATOR_REFERENCE_LABEL = "Validator";

/** Epistula timestamps may differ from the receiver's clock by this much, in milliseconds. */
export const EPISTULA_ALLOWED_DELTA_MS = 8_000;

export const DEFAULT_MINER_PORT = 8080;
/**
 * Largest request body a miner accepts: upstream's miner server keeps aiohttp's default client_max_size
 * (1 MiB); a longer discriminator body gets 413, which the validator reads as no answer.
 */
export const MINER_MAX_BODY_BYTES = 1024 * 1024;
export const MINER_ROUTE = "/v1/chat/completions";

/** Upstream game defaults (docs/upstream.md § Cadence and defaults, § Sampling, § Window aggregation). */
export const GAME_DEFAULTS = {
  referenceRate: 0.5,
  redundancyRate: 0.05,
  discriminatorSampleSize: 50,
  generatorSampleSize: 1,
  validatorMinStake: 24_000,
  /** The seed's window; upstream code uses 23.75 h. */
  scoreWindowMs: 22 * 3600 * 1000,
  scoreIntervalMs: 22 * 60 * 1000,
} as const;

/** The project version; the weights version key is derived from it. */
export const APEX_TS_VERSION = "3.0.6";

/** 10000·major + 100·minor + patch, as apex's __spec_version__ (3.0.6 → 30006). */
export function versionKey(version: string = APEX_TS_VERSION): number {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) throw new Error(`versionKey: "${version}" is not a semantic version like 3.0.6`);
  return Number(m[1]) * 10_000 + Number(m[2]) * 100 + Number(m[3]);
}

/** major·1e6 + minor·1e3 + patch, as the Python SDK's version_as_int used in serve_axon. */
export function axonVersion(version: string = APEX_TS_VERSION): number {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) throw new Error(`axonVersion: "${version}" is not a semantic version like 3.0.6`);
  return Number(m[1]) * 1_000_000 + Number(m[2]) * 1_000 + Number(m[3]);
}
