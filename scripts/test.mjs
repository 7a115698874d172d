#!/usr/bin/env node
// `npm test`: build, type-check and lint every workspace, run every test, and end with one plain line:
// "N passed, N failed, N skipped" (CI reads that line, not vitest's own summary).
// A skip is never green: the rules and the must-run and opt-in lists are in scripts/gate.mjs (docs/testing.md).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { MUST_RUN, OPT_IN, skipViolations } from "./gate.mjs";
import { pnpm } from "./setup.mjs";

const extra = process.argv.slice(2);
let failedSteps = 0;
function step(name, args, run = pnpm) {
  const started = Date.now();
  const r = run(args);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    failedSteps++;
    console.error(`test: step "${name}" failed after ${secs}s`);
    return false;
  }
  console.log(`test: step "${name}" ok (${secs}s)`);
  return true;
}

step("build + typecheck", ["exec", "turbo", "run", "build", "typecheck", "--output-logs=errors-only"]);
// test/ is no workspace (it reaches into apps and packages by path): type-check it here.
step("typecheck test/", ["exec", "tsc", "-p", "test/tsconfig.json"]);
step("lint", ["exec", "biome", "check", "."]);
step("house rules", ["scripts/check-deps.mjs"], (args) =>
  spawnSync(process.execPath, args, { stdio: "inherit" }),
);

mkdirSync(".test-results", { recursive: true });
const report = ".test-results/vitest.json";
rmSync(report, { force: true });
pnpm([
  "exec",
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
  ...extra,
]);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed = json.numPassedTests ?? 0;
  // A suite that fails to load has no tests to count: count the suite once. Failed tests are counted as they are.
  failed = (json.numFailedTests ?? 0) + (json.numFailedTestSuites ?? 0) - countSuitesWithFailedTests(json);
  skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
} catch (err) {
  console.error(`test: vitest wrote no readable report (${err.message})`);
  failed++;
}
failed += checkSkips(report);
failed += failedSteps;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

function countSuitesWithFailedTests(json) {
  return (json.testResults ?? []).filter(
    (s) => s.status === "failed" && (s.assertionResults ?? []).some((a) => a.status === "failed"),
  ).length;
}

function checkSkips(path) {
  let json;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return 0; // already counted as a failure above
  }
  // A run narrowed by arguments (`npm test -- packages/yuma`) checks only the must-run files it ran.
  const narrowed = extra.some((a) => !a.startsWith("-"));
  const { violations, lines } = skipViolations(json, {
    cwd: process.cwd(),
    narrowed,
    mustRun: MUST_RUN,
    optIn: OPT_IN,
  });
  for (const l of lines) (l.includes("not run (opt-in)") ? console.log : console.error)(l);
  return violations;
}
