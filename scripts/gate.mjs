// The skip rules of `npm test` (scripts/test.mjs), apart so a test can feed them a vitest JSON report.
// A skip is never green: every test file must run all its tests, except the opt-in files, which need something
// only the user can supply and say in one line why they did not run. The must-run files are the ones whose
// prerequisites a machine can lack (a browser, python3, a built CLI, an npm package): each must be in the report
// and must have run.
import { relative } from "node:path";

export const MUST_RUN = [
  "apps/localnet/test/dashboard.browser.test.ts", // Debian's chromium at /usr/bin/chromium
  "apps/localnet/test/external-miners.test.ts", // python3, apps/miner/dist
  "test/hardening/crash-safety.test.ts", // apps/validator/dist
  "packages/chain/test/tlock-drand.test.ts", // tlock-js, the outside reference
];
const NEEDS_RUNTIME =
  "needs a real subtensor runtime: set APEX_SUBTENSOR_URL (a node) or APEX_SUBTENSOR_SPEC (a chain spec)";
const NEEDS_SPEC = "needs a real subtensor runtime: set APEX_SUBTENSOR_SPEC (a chain spec you supply)";
export const OPT_IN = {
  "packages/chain/test/subtensor-client.test.ts": NEEDS_RUNTIME,
  "packages/chain/test/subtensor-scenarios.test.ts": NEEDS_RUNTIME,
  "apps/localnet/test/real-run.test.ts": NEEDS_SPEC,
  "apps/localnet/test/subtensor-command.test.ts": NEEDS_SPEC,
  "packages/chain/test/bootstrap-instant.test.ts": NEEDS_SPEC,
};

/**
 * Violations in a vitest JSON report: must-run files missing or that ran nothing, and skipped (or todo) tests
 * outside the opt-in files. Returns their count and one line for each (and one per opt-in file that did not run).
 */
export function skipViolations(json, { cwd, narrowed = false, mustRun = MUST_RUN, optIn = OPT_IN }) {
  const files = new Map((json.testResults ?? []).map((s) => [relative(cwd, s.name), s]));
  const lines = [];
  let violations = 0;
  for (const file of mustRun) {
    const suite = files.get(file);
    if (!suite && narrowed) continue;
    const ran = (suite?.assertionResults ?? []).filter((a) => a.status === "passed" || a.status === "failed");
    if (ran.length === 0) {
      lines.push(`test: must-run file ${file} ran no test`);
      violations++;
    }
  }
  for (const [file, suite] of files) {
    const skipped = (suite.assertionResults ?? []).filter((a) => !["passed", "failed"].includes(a.status));
    if (skipped.length === 0) continue;
    if (optIn[file]) {
      lines.push(`test: ${file}: ${skipped.length} tests not run (opt-in): ${optIn[file]}`);
      continue;
    }
    for (const a of skipped)
      lines.push(`test: ${file}: "${a.fullName ?? a.title}" was ${a.status}; a skip fails the gate`);
    violations++;
  }
  return { violations, lines };
}
