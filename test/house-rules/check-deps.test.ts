// The house-rule check (scripts/check-deps.mjs, a step of `npm test`) fails on each kind of violation, shown on a
// small tree shaped like this repository, and passes on the same tree once the violations are gone.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkHouseRules } from "../../scripts/check-deps.mjs";

const check = checkHouseRules;
const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "apex-house-rules-"));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const clean = {
  "packages/chain/src/index.ts": 'import { ApiPromise } from "@polkadot/api";\nexport * from "./types.js";\n',
  "packages/chain/src/types.ts": "export interface ChainClient { network: string }\n",
  "apps/miner/src/config.ts": "export const env = () => process.env;\n",
  "apps/miner/src/cli.ts":
    '// process.env is never read here\nimport type { ChainClient } from "@apex/chain";\nexport const url = "http://x//y";\n',
};

describe("house rules", () => {
  it("pass on a tree that keeps them", () => {
    expect(check(tree(clean))).toEqual([]);
  });

  it("fail when a package imports an app, statically or dynamically", () => {
    const v = check(
      tree({
        ...clean,
        "packages/db/src/a.ts": 'import type { Validator } from "@apex/validator";\n',
        "packages/db/src/b.ts": 'const m = await import("../../../apps/miner/src/config.js");\n',
      }),
    );
    expect(v).toEqual([
      'packages-never-import-apps: packages/db/src/a.ts imports "@apex/validator"',
      'packages-never-import-apps: packages/db/src/b.ts imports "../../../apps/miner/src/config.js"',
    ]);
  });

  it("fail when @polkadot/api is imported outside packages/chain", () => {
    const v = check(
      tree({ ...clean, "apps/validator/src/x.ts": 'import { WsProvider } from "@polkadot/api";\n' }),
    );
    expect(v).toEqual(['polkadot-api-only-in-chain: apps/validator/src/x.ts imports "@polkadot/api"']);
  });

  it("fail when process.env is read outside a config module, unless the exception is written next to it", () => {
    const v = check(
      tree({
        ...clean,
        "apps/miner/src/app.ts": "export const port = process.env.PORT;\n",
        "apps/miner/src/spawn.ts":
          "// house-rule: env — passed through to a child\nexport const e = { ...process.env };\n",
      }),
    );
    expect(v).toHaveLength(1);
    expect(v[0]).toMatch(/^env-only-in-config: apps\/miner\/src\/app\.ts:1 reads process\.env/);
  });

  it("fail when a command parses flags with util.parseArgs instead of an option table", () => {
    const v = check(
      tree({
        ...clean,
        "packages/protocol/src/options.ts":
          'import { parseArgs } from "node:util";\nexport const p = parseArgs;\n',
        "apps/localnet/src/args.ts":
          'import { parseArgs } from "node:util";\nexport const a = parseArgs({});\n',
        "apps/miner/src/util.ts": 'import { inspect } from "node:util";\nexport const i = inspect;\n',
      }),
    );
    expect(v).toHaveLength(1);
    expect(v[0]).toMatch(/^flags-through-option-tables: apps\/localnet\/src\/args\.ts uses util\.parseArgs/);
  });

  it("fail on an import cycle, type-only imports included", () => {
    const v = check(
      tree({
        ...clean,
        "apps/localnet/src/cli.ts": 'import type { X } from "./commands.js";\nexport interface Io {}\n',
        "apps/localnet/src/commands.ts": 'import type { Io } from "./cli.js";\nexport interface X {}\n',
      }),
    );
    expect(v).toEqual([
      "no-import-cycles: apps/localnet/src/cli.ts -> apps/localnet/src/commands.ts -> apps/localnet/src/cli.ts",
    ]);
  });
});
