// @apex/validator library API: the localnet embeds a validator in-process through these.
export * from "./config.js";
export * from "./debug-files.js";
export * from "./llm-adapter.js";
export * from "./logger.js";
export * from "./metrics.js";
export * from "./miner-client.js";
export * from "./round.js";
export type { RoundCounts, RoundPipelineDeps } from "./round-pipeline.js";
export * from "./sampler.js";
export * from "./scorer.js";
export * from "./status.js";
export type { ValidatorStatus } from "./status-view.js";
export * from "./syncer.js";
export * from "./syncer-server.js";
export * from "./validator.js";
export type { WeightEvent } from "./weight-cycle.js";
export * from "./weight-setter.js";
