#!/usr/bin/env node
// Installs what is missing, with nothing but Node and npm on the machine: pnpm comes through npx.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

// The pnpm version lives in one place, package.json's packageManager; everything runs it through npx.
const { packageManager } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
export const PNPM = ["-y", packageManager];

export function pnpmEnv() {
  const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1" };
  // No prebuilt native binaries can be fetched here; node-gyp must build against the local headers.
  if (!env.npm_config_nodedir && existsSync("/usr/include/node/node.h")) env.npm_config_nodedir = "/usr";
  // better-sqlite3 from source by default: its npm tarball is checked by the lockfile, the prebuilt binary it would
  // otherwise download from GitHub is not (docs/install.md). npm_config_build_from_source=false opts out.
  env.npm_config_build_from_source ??= "true";
  return env;
}

export function pnpm(args, opts = {}) {
  return spawnSync("npx", [...PNPM, ...args], { stdio: "inherit", env: pnpmEnv(), ...opts });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = ["install", "--prefer-offline", "--reporter=append-only"];
  if (existsSync("pnpm-lock.yaml")) args.push("--frozen-lockfile");
  const r = pnpm(args, { stdio: ["ignore", "pipe", "inherit"] });
  const out = r.stdout?.toString() ?? "";
  if (r.status !== 0) {
    process.stdout.write(out);
    console.error("setup: pnpm install failed (see above). Node 20.19+ and npm are all that is needed.");
    process.exit(r.status ?? 1);
  }
  if (!/Already up to date|Lockfile is up to date/.test(out) || process.env.CI) process.stdout.write(out);
}
