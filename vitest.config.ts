import { defineConfig } from "vitest/config";

// One shared config for every workspace. Workspace packages resolve to their TypeScript sources
// through the "@apex/source" export condition, so tests never need a prior build of a dependency.
const conditions = ["@apex/source", "node", "import", "module", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["{apps,packages}/*/test/**/*.test.ts", "bench/test/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two shared cores: more workers only add contention.
    maxWorkers: 2,
  },
});
