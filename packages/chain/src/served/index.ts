export * from "./client.js";
export * from "./server.js";
export * from "./wire.js";
