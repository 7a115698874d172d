// The docs show each CLI's --help as its option tables give it: a flag, default or variable changed in a table and
// not in the docs fails here. `npm run build && node scripts/docs-help.mjs` rewrites the blocks.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { helpText as minerHelp } from "../../apps/miner/src/config.js";
import { fillHelpBlock } from "../../scripts/docs-help.mjs";

const root = join(import.meta.dirname, "../..");

describe("--help in the docs", () => {
  it.each([["docs/miner.md", "apex-miner", minerHelp]])("%s shows %s --help", (file, name, help) => {
    const doc = readFileSync(join(root, file), "utf8");
    expect(fillHelpBlock(doc, name, help())).toBe(doc);
  });

  it("a block that differs from the help fails", () => {
    const doc = "intro\n<!-- begin x --help -->\n```text\nold\n```\n<!-- end x --help -->\nrest\n";
    expect(fillHelpBlock(doc, "x", "new")).toBe(
      "intro\n<!-- begin x --help -->\n```text\nnew\n```\n<!-- end x --help -->\nrest\n",
    );
    expect(() => fillHelpBlock("no markers", "x", "new")).toThrow(/no "<!-- begin x --help -->"/);
  });
});
