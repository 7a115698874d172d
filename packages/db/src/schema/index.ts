export * from "./discriminator-results.js";
export * from "./reward-buckets.js";
export * from "./rounds.js";
export * from "./weight-submissions.js";
