// @apex/localnet: a whole Apex subnet on one machine. The CLI is src/cli.ts; these are for scripts and tests.
export * from "./args.js";
export { main } from "./cli.js";
export * from "./report.js";
export { type LocalnetHandle, type LocalnetIo, runLocalnet, startLocalnet } from "./run.js";
export { LocalnetState } from "./state.js";
export { DEFAULT_MIX, strategyFor } from "./strategies.js";
