#!/usr/bin/env node
// The house rules a tool can keep (docs/architecture.md § "House rules"), checked over the TypeScript sources:
//   packages-never-import-apps  packages/* never import an app (@apex/miner, @apex/validator, @apex/localnet, apps/…)
//   polkadot-api-only-in-chain  @polkadot/api (and its subpaths) is imported only in packages/chain
//   env-only-in-config          process.env is read only in each app's config module; any other reading carries
//                               `// house-rule: env — <why>` on its line or the line above
//   no-import-cycles            no cycle among a workspace's source modules, type-only imports included
//   flags-through-option-tables node's util.parseArgs is used only by packages/protocol/src/options.ts: every
//                               command declares its flags in an option table (docs/architecture.md § Configuration)
// `node scripts/check-deps.mjs [root]` prints each violation and exits 1 when there is one; `npm test` runs it.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const APP_PACKAGES = ["@apex/miner", "@apex/validator", "@apex/localnet"];
/** The one module per app that may read process.env (its configuration). */
export const CONFIG_MODULES = ["apps/miner/src/config.ts", "apps/validator/src/config.ts"];
const ENV_EXCEPTION = /\/\/\s*house-rule:\s*env\b/;
/** The one module that calls util.parseArgs; commands go through its option tables. */
export const OPTIONS_MODULE = "packages/protocol/src/options.ts";

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** The source with comments blanked (strings and template literals kept), so rules see code only. */
export function stripComments(text) {
  let out = "";
  let i = 0;
  let quote = null;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (quote) {
      out += c;
      if (c === "\\") {
        out += next ?? "";
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i++;
    } else if (c === "/" && next === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
    } else {
      if (c === '"' || c === "'" || c === "`") quote = c;
      out += c;
      i++;
    }
  }
  return out;
}

const STATIC_IMPORT = /(?:^|[;\n])\s*(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']/g;
const BARE_IMPORT = /(?:^|[;\n])\s*import\s*["']([^"']+)["']/g;
const DYNAMIC_IMPORT = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Every module specifier a file imports or re-exports (static, side-effect and dynamic imports). */
export function importsOf(code) {
  const specs = [];
  for (const re of [STATIC_IMPORT, BARE_IMPORT, DYNAMIC_IMPORT]) {
    for (const m of code.matchAll(re)) specs.push(m[1]);
  }
  return specs;
}

function resolveRelative(from, spec) {
  const base = resolve(dirname(from), spec);
  const candidates = [base, base.replace(/\.js$/, ".ts"), base.replace(/\.mjs$/, ".mts"), `${base}.ts`];
  candidates.push(join(base, "index.ts"));
  return candidates.find((p) => existsSync(p) && statSync(p).isFile()) ?? null;
}

function findCycles(graph) {
  const cycles = [];
  const state = new Map(); // 1 = on the stack, 2 = done
  const stack = [];
  const visit = (node) => {
    state.set(node, 1);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 1) cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 2);
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

/** All violations under `root` (a checkout of this repository, or a fixture shaped like one). */
export function checkHouseRules(root) {
  const violations = [];
  const rel = (p) => relative(root, p).split(sep).join("/");
  const workspaces = ["apps", "packages"].flatMap((top) =>
    existsSync(join(root, top)) ? readdirSync(join(root, top)).map((d) => join(root, top, d)) : [],
  );
  if (existsSync(join(root, "bench"))) workspaces.push(join(root, "bench"));
  const graph = new Map();
  for (const ws of workspaces) {
    for (const file of [...walk(join(ws, "src")), ...walk(join(ws, "test"))]) {
      const path = rel(file);
      const isTest = path.includes("/test/");
      const code = stripComments(readFileSync(file, "utf8"));
      const inPackage = path.startsWith("packages/");
      for (const spec of importsOf(code)) {
        const target = spec.startsWith(".") ? resolveRelative(file, spec) : null;
        if (
          inPackage &&
          (APP_PACKAGES.some((a) => spec === a || spec.startsWith(`${a}/`)) ||
            (target && rel(target).startsWith("apps/")))
        )
          violations.push(`packages-never-import-apps: ${path} imports "${spec}"`);
        if (
          (spec === "@polkadot/api" || spec.startsWith("@polkadot/api/")) &&
          !path.startsWith("packages/chain/")
        )
          violations.push(`polkadot-api-only-in-chain: ${path} imports "${spec}"`);
        if (target && !isTest) {
          const edges = graph.get(path) ?? new Set();
          edges.add(rel(target));
          graph.set(path, edges);
        }
      }
      if (
        !isTest &&
        path !== OPTIONS_MODULE &&
        /\bparseArgs\b/.test(code) &&
        importsOf(code).some((spec) => spec === "node:util" || spec === "util")
      )
        violations.push(
          `flags-through-option-tables: ${path} uses util.parseArgs (declare the flags in an option table and read them with parseFlags from @apex/protocol/options)`,
        );
      if (!isTest && !CONFIG_MODULES.includes(path)) {
        const raw = readFileSync(file, "utf8").split("\n");
        code.split("\n").forEach((line, i) => {
          if (!/\bprocess\.env\b/.test(line)) return;
          if (ENV_EXCEPTION.test(raw[i] ?? "") || ENV_EXCEPTION.test(raw[i - 1] ?? "")) return;
          violations.push(
            `env-only-in-config: ${path}:${i + 1} reads process.env (config modules: ${CONFIG_MODULES.join(", ")}; or mark a justified exception with "// house-rule: env — why")`,
          );
        });
      }
    }
  }
  for (const cycle of findCycles(graph)) violations.push(`no-import-cycles: ${cycle.join(" -> ")}`);
  return violations;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), ".."));
  const violations = checkHouseRules(root);
  for (const v of violations) console.error(v);
  if (violations.length > 0) {
    console.error(`house rules: ${violations.length} violation(s)`);
    process.exit(1);
  }
  console.log("house rules: ok");
}
