// @apex/miner: the apex-miner app. The localnet embeds miners through buildMinerApp / startMiner.
export {
  buildMinerApp,
  DEFAULT_BUDGET_MS,
  MAX_BODY_BYTES,
  type MinerAppOptions,
  REJECTION_STATUS,
} from "./app.js";
export {
  helpText,
  loadMinerArgs,
  loadMinerConfig,
  MINER_OPTIONS,
  type MinerConfig,
  redactConfig,
} from "./config.js";
export { type BudgetOutcome, runWithBudget } from "./deadline.js";
export { announceIpProblem, discoverExternalIp, type FetchLike } from "./external-ip.js";
export { llmStrategyDeps, offlineLlmSource, referenceSource, validatorQueries } from "./llm-bridge.js";
export { createMetrics, type MinerMetrics } from "./metrics.js";
export {
  allowedFromMetagraph,
  MetagraphPolicy,
  type MetagraphPolicyOptions,
  RateLimiter,
  trustedSetPolicy,
  type VerifyPolicy,
} from "./policy.js";
// TypeBox forms of the config and model-file shapes; the miner's CLI never loads this module.
export { LearnedModelSchema } from "./schemas.js";
export {
  axonUnchanged,
  type RunningMiner,
  registrationHint,
  resolveNetuid,
  type StartMinerDeps,
  startMiner,
} from "./server.js";
export * from "./strategies/index.js";
