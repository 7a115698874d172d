export * from "./types.js";
export * from "./sim/index.js";
export * from "./commit.js";
export * from "./served/index.js";
export * from "./subtensor/index.js";
export * from "./bootstrap.js";
export * from "./scenarios/index.js";
