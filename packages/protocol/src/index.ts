export * from "./clock.js";
export * from "./constants.js";
export * from "./epistula.js";
export * from "./game.js";
export * from "./messages.js";
export * from "./signer.js";
export * from "./sr25519.js";
export * from "./weights.js";
