// `npm run mutation`: Stryker over the pure core (not in CI: it takes tens of minutes on two cores).
// Results: reports/mutation/ (HTML + JSON); the score and the survivors that matter are in docs/testing.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "vitest.mutation.config.ts" },
  mutate: [
    "packages/protocol/src/game.ts",
    "packages/protocol/src/messages.ts",
    "packages/protocol/src/weights.ts",
    "packages/protocol/src/epistula.ts",
    "packages/yuma/src/*.ts",
    "!packages/yuma/src/index.ts",
    "packages/db/src/queries/window.ts",
    "packages/db/src/rules.ts",
    // The bucket half of rounds.ts: the running sums written with each round, pruning, and rebuildBucket.
    "packages/db/src/queries/rounds.ts",
  ],
  coverageAnalysis: "perTest",
  concurrency: 1,
  timeoutMS: 30_000,
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  thresholds: { high: 90, low: 80, break: null },
};
