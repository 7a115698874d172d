#!/usr/bin/env node
// The GitHub Action's verdict on a localnet report: did the outside miner earn, and (with strict) was the run
// clean? Pure `verdict()` plus a command line:
//
//   node action/verdict.mjs REPORT.json [--strict]     prints the verdict; exit 0 pass, 1 fail
//
// Fails when the report has no outside miner (role "external": --miner-cmd or --external-miner), when any
// outside miner's incentive is 0, or, with --strict, when the report lists anomalies (its top-level `anomalies`
// array: built-in miners that missed answers, so the run did not measure the game).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** @returns {{ pass: boolean, reasons: string[], outside: Array<{uid: number, hotkey: string, incentive: number}> }} */
export function verdict(report, { strict = false } = {}) {
  const reasons = [];
  const neurons = Array.isArray(report?.neurons) ? report.neurons : [];
  const outside = neurons
    .filter((n) => n.role === "external")
    .map((n) => ({ uid: n.uid, hotkey: n.hotkey, incentive: Number(n.incentive) || 0 }));
  if (outside.length === 0)
    reasons.push("the report has no outside miner (give miner-cmd or external-miner)");
  for (const n of outside)
    if (!(n.incentive > 0)) reasons.push(`outside miner uid ${n.uid} (${n.hotkey}) earned no incentive`);
  if (strict) {
    if (!Array.isArray(report?.anomalies)) {
      reasons.push("strict: the report has no `anomalies` list (this apex-localnet is too old to check)");
    } else if (report.anomalies.length > 0) {
      const total = report.anomalies.reduce((a, x) => a + (Number(x.count) || 1), 0);
      const detail = report.anomalies.map((a) => `uid ${a.uid} ${a.reason}×${a.count}`).join(", ");
      reasons.push(`strict: ${total} anomal${total === 1 ? "y" : "ies"} in the run (${detail})`);
    }
  }
  return { pass: reasons.length === 0, reasons, outside };
}

/** The lines the action prints and puts at the top of the job summary. */
export function renderVerdict(v) {
  const head = v.pass ? "✅ apex-localnet: the outside miner earned incentive" : "❌ apex-localnet: FAIL";
  const lines = [head];
  for (const n of v.outside) lines.push(`- outside miner uid ${n.uid}: incentive ${n.incentive.toFixed(6)}`);
  for (const r of v.reasons) lines.push(`- ${r}`);
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith("--"));
  if (!file) {
    console.error("usage: node action/verdict.mjs REPORT.json [--strict]");
    process.exit(2);
  }
  const v = verdict(JSON.parse(readFileSync(file, "utf8")), { strict: args.includes("--strict") });
  console.log(renderVerdict(v));
  process.exit(v.pass ? 0 : 1);
}
