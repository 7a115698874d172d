// Resolving strategy names from config: a built-in name, or a path to a user module that exports one function.
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { DiscriminatorLabel } from "@apex/protocol";
import type { Discriminator, Generator, StrategyContext } from "./types.js";

export const BUILTIN_GENERATORS = ["dummy", "offline", "llm"] as const;
export const BUILTIN_DISCRIMINATORS = [
  "random",
  "constant-0",
  "constant-1",
  "heuristic",
  "learned",
  "llm",
] as const;

/** A name that points at a module rather than a built-in: a relative or absolute path, or a .js/.mjs file. */
export function isModuleReference(name: string): boolean {
  return /^(\.{1,2}\/|\/|file:)/.test(name) || /\.(m?js|cjs)$/.test(name);
}

type GenerateFn = (query: string, ctx: StrategyContext) => string | Promise<string>;
type ClassifyFn = (query: string, text: string, ctx: StrategyContext) => unknown;

async function importUserModule(name: string, cwd: string): Promise<Record<string, unknown>> {
  const url = name.startsWith("file:")
    ? name
    : pathToFileURL(isAbsolute(name) ? name : resolve(cwd, name)).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`cannot load strategy module ${name}: ${(err as Error).message}`);
  }
}

function pickFunction(mod: Record<string, unknown>, named: string): ((...a: never[]) => unknown) | undefined {
  const cands = [mod[named], mod.default, (mod.default as Record<string, unknown> | undefined)?.[named]];
  for (const c of cands) if (typeof c === "function") return c as (...a: never[]) => unknown;
  return undefined;
}

/** Loads `generate(query, ctx)` (named export or default export) from a user module. */
export async function loadGeneratorModule(name: string, cwd = process.cwd()): Promise<Generator> {
  const mod = await importUserModule(name, cwd);
  const fn = pickFunction(mod, "generate") as GenerateFn | undefined;
  if (!fn) {
    throw new Error(
      `strategy module ${name} must export a function: export default function generate(query, ctx) { return "…" }`,
    );
  }
  return { name, generate: (query, ctx) => fn(query, ctx) };
}

/** Loads `classify(query, text, ctx)` returning "0"/"1" (or 0/1) from a user module. */
export async function loadDiscriminatorModule(name: string, cwd = process.cwd()): Promise<Discriminator> {
  const mod = await importUserModule(name, cwd);
  const fn = pickFunction(mod, "classify") as ClassifyFn | undefined;
  if (!fn) {
    throw new Error(
      `strategy module ${name} must export a function: export default function classify(query, text, ctx) { return "0" or "1" }`,
    );
  }
  return {
    name,
    async classify(query, text, ctx) {
      const v = await fn(query, text, ctx);
      const s = typeof v === "number" ? String(v) : v;
      if (s !== "0" && s !== "1") throw new Error(`${name} returned ${JSON.stringify(v)}, not "0" or "1"`);
      return s as DiscriminatorLabel;
    },
  };
}
