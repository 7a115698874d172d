// action.yml and the script it runs agree: every input reaches action/run.sh as an environment variable, and
// every APEX_* variable the script reads is set by action.yml (so a renamed input cannot silently drop out).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const actionYml = readFileSync(join(root, "action.yml"), "utf8");
const runSh = readFileSync(join(root, "action", "run.sh"), "utf8");

describe("action.yml ↔ action/run.sh", () => {
  const inputsBlock = actionYml.slice(actionYml.indexOf("\ninputs:\n"), actionYml.indexOf("\noutputs:\n"));
  const inputs = [...inputsBlock.matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]!);
  const envSet = new Map(
    [...actionYml.matchAll(/^ {8}(APEX_[A-Z_]+): \$\{\{ (.+?) \}\}\S*$/gm)].map((m) => [m[1]!, m[2]!]),
  );
  const envRead = new Set([...runSh.matchAll(/\$\{(APEX_[A-Z_]+)[:}]/g)].map((m) => m[1]!));

  it("has the inputs the README documents", () => {
    for (const name of ["miner-cmd", "external-miner", "hours", "miners", "seed", "strict", "cli-package"])
      expect(inputs).toContain(name);
  });

  it("passes every run input to the script, and the script reads only what is passed", () => {
    const passed = [...envSet.values()]
      .filter((v) => v.startsWith("inputs."))
      .map((v) => v.slice("inputs.".length));
    // node-version and artifact-name are used by the setup-node and upload-artifact steps, not by the script.
    expect(passed.sort()).toEqual(inputs.filter((i) => i !== "node-version" && i !== "artifact-name").sort());
    expect([...envRead].sort()).toEqual([...envSet.keys()].sort());
  });

  it("uploads the folder the script writes to, even when the verdict failed", () => {
    expect(envSet.get("APEX_OUT_DIR")).toBe("runner.temp");
    expect(actionYml).toMatch(/- if: always\(\)\n\s+uses: actions\/upload-artifact@v4/);
    expect(actionYml).toMatch(/path: \$\{\{ runner\.temp \}\}\/apex-localnet-report\n/);
  });
});
