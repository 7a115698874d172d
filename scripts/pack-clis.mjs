#!/usr/bin/env node
// Packs apex-miner, apex-validator and apex-localnet as npm packages that install with a plain
// `npm install -g <tarball>` (and `npx` once published).
//
//   node scripts/pack-clis.mjs [--out DIR]      (after `npm run build`; default DIR: .pack)
//
// Each package holds the app's compiled CLI with the workspace packages (@apex/*) bundled in by esbuild, and
// declares the real runtime dependencies (better-sqlite3, the polkadot crypto with its sr25519 wasm, fastify, …)
// at the exact versions this repository's lockfile tested. Those are read from the workspace manifests (the app's
// dependencies plus those of every @apex/* package it uses), never listed twice; optional dependencies such as
// chopsticks stay out (apex-localnet subtensor asks for it). No dev tooling goes in. Data files the modules find
// next to themselves (migrations, the miner's held-out set) are copied in and their URLs rewritten.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const CLIS = [
  { app: "miner", bin: "apex-miner" },
  { app: "validator", bin: "apex-validator" },
  { app: "localnet", bin: "apex-localnet" },
];

const readJson = (p) => JSON.parse(readFileSync(p, "utf8"));
const rootManifest = readJson(join(ROOT, "package.json"));

/** Workspace package name → its folder. */
function workspaceDirs() {
  const dirs = new Map();
  for (const parent of ["apps", "packages"]) {
    for (const name of execFileSync("ls", [join(ROOT, parent)], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)) {
      const manifest = join(ROOT, parent, name, "package.json");
      if (existsSync(manifest)) dirs.set(readJson(manifest).name, join(ROOT, parent, name));
    }
  }
  return dirs;
}

/** The runtime dependencies of `dir` and of every workspace package it depends on, at their installed versions. */
export function runtimeDependencies(dir, workspaces = workspaceDirs(), out = new Map(), seen = new Set()) {
  if (seen.has(dir)) return out;
  seen.add(dir);
  const manifest = readJson(join(dir, "package.json"));
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    if (workspaces.has(name)) {
      runtimeDependencies(workspaces.get(name), workspaces, out, seen);
      continue;
    }
    // The version the lockfile installed for this package (catalog: and ranges resolved), pinned exactly.
    const version = readJson(installedManifest(dir, name)).version;
    const previous = out.get(name);
    if (previous && previous !== version) throw new Error(`${name}: ${previous} and ${version} both in use`);
    out.set(name, version);
  }
  return out;
}

/** pnpm links every direct dependency into the package's own node_modules (exports maps may hide package.json). */
function installedManifest(dir, name) {
  for (let d = dir; ; d = dirname(d)) {
    const p = join(d, "node_modules", name, "package.json");
    if (existsSync(p)) return p;
    if (d === dirname(d)) throw new Error(`${name} is not installed for ${dir}: run \`npm run setup\``);
  }
}

/**
 * Workspace modules find their data files next to themselves: `new URL("../drizzle", import.meta.url)` in
 * packages/db/dist/store.js, `new URL("../../data/held-out.jsonl", import.meta.url)` in
 * apps/miner/dist/strategies/held-out.js. In the bundle every module lives in <package>/dist/, so each such file is
 * copied to <package>/assets/<its path in the repository> and the URL rewritten to point there.
 */
function relocateAssets(stage, assets) {
  const pattern = /new URL\(\s*(["'])(\.{1,2}\/[^"']+)\1\s*,\s*import\.meta\.url\s*\)/g;
  return {
    name: "relocate-assets",
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(ROOT) || args.path.includes("/node_modules/")) return undefined;
        const text = readFileSync(args.path, "utf8");
        if (!text.includes("import.meta.url")) return undefined;
        const contents = text.replace(pattern, (_, quote, rel) => {
          const target = resolve(dirname(args.path), rel);
          const inRepo = relative(ROOT, target);
          if (inRepo.startsWith("..") || !existsSync(target))
            throw new Error(`${args.path}: asset ${rel} not found`);
          cpSync(target, join(stage, "assets", inRepo), { recursive: true });
          assets.add(inRepo);
          return `new URL(${quote}../assets/${inRepo}${quote}, import.meta.url)`;
        });
        return { contents, loader: "js" };
      });
    },
  };
}

/** "drizzle-orm/better-sqlite3" → "drizzle-orm", "@polkadot/util/x" → "@polkadot/util". */
const packageOf = (specifier) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");
const isBuiltin = (s) => s.startsWith("node:") || builtinModules.includes(s.split("/")[0]);

async function packOne({ app, bin }, outDir, workspaces) {
  const appDir = join(ROOT, "apps", app);
  const entry = join(appDir, "dist", "cli.js");
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const stage = join(outDir, bin);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });

  const deps = runtimeDependencies(appDir, workspaces);
  const assets = new Set();
  const result = await build({
    entryPoints: { cli: entry },
    outdir: join(stage, "dist"),
    bundle: true,
    splitting: true, // lazy imports stay lazy: `--help` does not load the polkadot crypto
    format: "esm",
    platform: "node",
    target: "node20",
    metafile: true,
    logLevel: "warning",
    legalComments: "none",
    plugins: [
      relocateAssets(stage, assets),
      {
        // Bundle our workspace packages; every other package is a declared dependency, resolved at run time.
        name: "external-dependencies",
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            if (args.path.startsWith("@apex/")) return undefined;
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });

  // Every package the bundle imports must be declared (catches a dependency a workspace manifest forgot).
  const imported = new Set();
  for (const output of Object.values(result.metafile.outputs))
    for (const i of output.imports) if (i.external && !isBuiltin(i.path)) imported.add(packageOf(i.path));
  const undeclared = [...imported].filter((p) => !deps.has(p));
  if (undeclared.length) throw new Error(`${bin}: imports undeclared packages: ${undeclared.join(", ")}`);

  const files = ["dist"];
  if (assets.size > 0) files.push("assets");
  const appManifest = readJson(join(appDir, "package.json"));
  const manifest = {
    name: bin,
    version: appManifest.version,
    description: appManifest.description,
    type: "module",
    bin: { [bin]: "dist/cli.js" },
    files,
    engines: rootManifest.engines,
    dependencies: Object.fromEntries([...deps].sort(([a], [b]) => a.localeCompare(b))),
  };
  writeFileSync(join(stage, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(
    join(stage, "README.md"),
    `# ${bin}\n\n${appManifest.description}. Built from the apex-ts repository (scripts/pack-clis.mjs).\n\n` +
      `    npm install -g ${bin}-${manifest.version}.tgz\n    ${bin} --help\n    ${bin} --version\n`,
  );
  const packed = execFileSync("npm", ["pack", "--json", "--pack-destination", outDir], {
    cwd: stage,
    encoding: "utf8",
  });
  const [{ filename, size, unpackedSize }] = JSON.parse(packed);
  return { bin, tarball: join(outDir, filename), size, unpackedSize, dependencies: deps.size };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf("--out");
  const outDir = resolve(i > 0 ? process.argv[i + 1] : join(ROOT, ".pack"));
  mkdirSync(outDir, { recursive: true });
  const workspaces = workspaceDirs();
  for (const cli of CLIS) {
    const r = await packOne(cli, outDir, workspaces);
    console.log(
      `${r.tarball}  (${(r.size / 1024).toFixed(0)} kB packed, ${(r.unpackedSize / 1024).toFixed(0)} kB unpacked, ${r.dependencies} dependencies)`,
    );
  }
}
