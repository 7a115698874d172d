export * from "./cli.js";
export * from "./errors.js";
export * from "./keyfile.js";
export * from "./nacl.js";
export * from "./prompt.js";
export * from "./wallet.js";
