import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.js";

// The tests Stryker runs against each mutant of the pure core (see stryker.config.mjs): the packages' own
// suites. Slow process-level tests (crash.test.ts spawns a writer and kills it) add nothing a mutant could fail.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ["packages/{protocol,yuma,db}/test/**/*.test.ts"],
      exclude: ["packages/db/test/crash.test.ts", "**/node_modules/**"],
      maxWorkers: 1,
    },
  }),
);
