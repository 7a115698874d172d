#!/usr/bin/env node
// Writes each CLI's --help text into the docs between `<!-- begin NAME --help -->` and `<!-- end NAME --help -->`,
// so the docs show what the option tables say. Run after `npm run build`; the apps' tests fail when a block differs.
//   node scripts/docs-help.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Replaces the fenced block between the markers for `name`; returns the new text. */
export function fillHelpBlock(doc, name, help) {
  const begin = `<!-- begin ${name} --help -->`;
  const end = `<!-- end ${name} --help -->`;
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`no "${begin}" … "${end}" block`);
  return `${doc.slice(0, a + begin.length)}\n\`\`\`text\n${help.trimEnd()}\n\`\`\`\n${doc.slice(b)}`;
}

const blocks = [
  [
    "docs/miner.md",
    "apex-miner",
    async () => (await import(join(root, "apps/miner/dist/config.js"))).helpText(),
  ],
];

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, name, help] of blocks) {
    const path = join(root, file);
    writeFileSync(path, fillHelpBlock(readFileSync(path, "utf8"), name, await help()));
    console.log(`${file}: ${name} --help written`);
  }
}
