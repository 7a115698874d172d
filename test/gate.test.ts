// The skip rules of `npm test` on hand-made vitest reports: a skip outside the opt-in files fails, a must-run
// file that ran nothing fails, an opt-in file that did not run says why in one line.
import { describe, expect, it } from "vitest";
import { MUST_RUN, OPT_IN, skipViolations } from "../scripts/gate.mjs";

const cwd = "/repo";
const suite = (file: string, ...statuses: string[]) => ({
  name: `${cwd}/${file}`,
  assertionResults: statuses.map((status, i) => ({ status, fullName: `t${i}` })),
});
const allMustRun = MUST_RUN.map((f) => suite(f, "passed"));
const optInFile = Object.keys(OPT_IN)[0]!;

describe("npm test's skip gate", () => {
  it("passes a report where every must-run file ran and only opt-in files skipped, saying why once", () => {
    const r = skipViolations(
      { testResults: [...allMustRun, suite("a.test.ts", "passed"), suite(optInFile, "skipped", "skipped")] },
      { cwd },
    );
    expect(r.violations).toBe(0);
    expect(r.lines).toEqual([`test: ${optInFile}: 2 tests not run (opt-in): ${OPT_IN[optInFile]}`]);
  });

  it("fails a skipped or todo test in any other file, naming it", () => {
    const r = skipViolations(
      { testResults: [...allMustRun, suite("a.test.ts", "passed", "skipped", "todo")] },
      { cwd },
    );
    expect(r.violations).toBe(1);
    expect(r.lines).toEqual([
      'test: a.test.ts: "t1" was skipped; a skip fails the gate',
      'test: a.test.ts: "t2" was todo; a skip fails the gate',
    ]);
  });

  it("fails a must-run file that is missing or ran nothing, unless the run was narrowed to other files", () => {
    const [first, ...rest] = MUST_RUN;
    const missing = skipViolations({ testResults: rest.map((f) => suite(f, "passed")) }, { cwd });
    expect(missing.violations).toBe(1);
    expect(missing.lines).toEqual([`test: must-run file ${first} ran no test`]);
    const allSkipped = skipViolations(
      { testResults: [suite(first!, "skipped"), ...rest.map((f) => suite(f, "passed"))] },
      { cwd },
    );
    expect(allSkipped.violations).toBe(2); // ran nothing, and skipped
    expect(
      skipViolations({ testResults: [suite("a.test.ts", "passed")] }, { cwd, narrowed: true }).violations,
    ).toBe(0);
  });

  it("lists the files whose prerequisites a machine can lack", () => {
    expect(MUST_RUN).toEqual(
      expect.arrayContaining([
        "apps/localnet/test/dashboard.browser.test.ts",
        "apps/localnet/test/external-miners.test.ts",
        "test/hardening/crash-safety.test.ts",
        "packages/chain/test/tlock-drand.test.ts",
      ]),
    );
  });
});
