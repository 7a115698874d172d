import { defineConfig } from "drizzle-kit";

// `drizzle-kit generate` writes SQL migrations to ./drizzle; they are committed and applied at open.
export default defineConfig({
  dialect: "sqlite",
  schema: [
    "./src/schema/rounds.ts",
    "./src/schema/discriminator-results.ts",
    "./src/schema/weight-submissions.ts",
    "./src/schema/reward-buckets.ts",
  ],
  out: "./drizzle",
});
