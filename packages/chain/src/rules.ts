// The chain's rules as pure functions (epoch schedule, axon announcement), with no I/O and no @polkadot/api, so a
// process that must stay light (the miner) can import them as "@apex/chain/rules".
export * from "./axon.js";
export * from "./epoch.js";
export * from "./ip.js";
