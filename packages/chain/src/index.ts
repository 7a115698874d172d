export * from "./types.js";
export * from "./sim/index.js";
export * from "./commit.js";
export * from "./served/index.js";
export * from "./subtensor/index.js";
