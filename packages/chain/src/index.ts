export * from "./bootstrap.js";
export * from "./commit.js";
export * from "./scenarios/index.js";
export * from "./served/index.js";
export * from "./sim/index.js";
export * from "./stake.js";
export * from "./subtensor/index.js";
export * from "./types.js";
