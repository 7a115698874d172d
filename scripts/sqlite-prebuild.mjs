#!/usr/bin/env node
// Puts the better-sqlite3 binary this checkout compiled from source into npm's prebuild cache, so that a later
// `npm install -g apex-localnet-*.tgz` on this machine and this Node version unpacks it instead of compiling
// again (~80 s here). Nothing is downloaded: prebuild-install (better-sqlite3's installer) first looks for
// $npm_config_cache/_prebuilds/<hash>-better-sqlite3-v<version>-node-v<abi>-<platform>-<arch>.tar.gz, the file it
// would otherwise fetch from better-sqlite3's GitHub releases, and this writes exactly that file.
//
//   node scripts/sqlite-prebuild.mjs      run with the Node whose ABI the binary was built for
//
// Prints the cache file. Fails if the binary does not load in this Node (built for another ABI).
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export function betterSqliteDir() {
  return realpathSync(join(ROOT, "packages", "db", "node_modules", "better-sqlite3"));
}

export function seedPrebuildCache(dir = betterSqliteDir()) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const binary = join(dir, "build", "Release", "better_sqlite3.node");
  createRequire(import.meta.url)(binary); // throws ERR_DLOPEN_FAILED when built for another Node ABI
  const util = createRequire(join(dir, "package.json"))("prebuild-install/util");
  const url = util.getDownloadUrl({
    pkg,
    runtime: "node",
    abi: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
    libc: "", // glibc; prebuild-install names only musl
    "tag-prefix": "v",
  });
  const cached = util.cachedPrebuild(url);
  mkdirSync(dirname(cached), { recursive: true });
  // The layout of better-sqlite3's release tarballs: build/Release/better_sqlite3.node.
  execFileSync("tar", ["-czf", cached, "-C", dir, "build/Release/better_sqlite3.node"]);
  return { url, cached };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { url, cached } = seedPrebuildCache();
  console.log(`${cached}\n  (stands for ${url}; node ${process.version}, ABI ${process.versions.modules})`);
}
