export * from "./codec.js";
export * from "./tlock.js";
