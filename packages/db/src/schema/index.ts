export * from "./discriminator-results.js";
export * from "./rounds.js";
export * from "./weight-submissions.js";
