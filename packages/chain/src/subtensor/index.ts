export * from "./client.js";
export * from "./codec.js";
export * from "./dev-blocks.js";
export * from "./launcher.js";
export * from "./tlock.js";
