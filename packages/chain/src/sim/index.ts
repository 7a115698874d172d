export * from "./signing.js";
export * from "./sim-chain.js";
