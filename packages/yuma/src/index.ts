export * from "./epoch.js";
export * from "./math.js";
