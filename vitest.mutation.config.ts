import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

// The tests Stryker runs against each mutant of the pure core (see stryker.config.mjs): the packages' own
// suites. crash.test.ts is left out: it spawns a writer and kills it, which no mutant of these files can change.
// (Not mergeConfig: it would append this include list to the base one and run the whole suite per mutant.)
export default defineConfig({
  resolve: base.resolve,
  ssr: base.ssr,
  test: {
    ...base.test,
    include: ["packages/{protocol,yuma,db}/test/**/*.test.ts"],
    exclude: ["packages/db/test/crash.test.ts", "**/node_modules/**"],
    maxWorkers: 1,
  },
});
