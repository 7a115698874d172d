// One way to declare and read command-line options, shared by every app. An app writes ONE table per command:
// each entry names its type, range, default, flag, environment variable and help line, and everything else — the
// TypeScript type of the parsed values, validation, defaults, the environment names, the YAML keys and the --help
// text — is derived from it, so none of them can drift from the others. Flags are parsed by node's util.parseArgs.
// A subpath export (@apex/protocol/options) with no dependencies: the miner's run path loads nothing else for it.
import { parseArgs } from "node:util";

/** A usage error: the command line, environment or config file is wrong. Exit code 2 (run-time failures: 1). */
export class UsageError extends Error {
  override name = "UsageError";
  readonly exitCode = 2;
}

/** The exit code for an error that ended a command: 2 for usage errors, 1 for everything else. */
export function exitCodeOf(err: unknown): 1 | 2 {
  return err instanceof UsageError ? 2 : 1;
}

interface SpecBase {
  /** One line for --help. */
  help: string;
  /** Flag name without dashes; default: the key in kebab-case; false: not settable by flag. */
  flag?: string | false;
  /** A one-letter alias (`-c`). */
  short?: string;
  /** Environment variable; default: the table's prefix + the key in SNAKE_CASE; false: not read from env. */
  env?: string | false;
  /** Placeholder in --help (default by kind: VALUE, N, A,B or one of the values). */
  arg?: string;
  /** Settable in a config file (default true). */
  file?: boolean;
}
export interface StringSpec extends SpecBase {
  kind: "string";
  default?: string;
}
export interface IntSpec extends SpecBase {
  kind: "int";
  default?: number;
  min?: number;
  max?: number;
}
export interface NumberSpec extends SpecBase {
  kind: "number";
  default?: number;
  min?: number;
  max?: number;
}
export interface BoolSpec extends SpecBase {
  kind: "bool";
  default?: boolean;
  /** The flag turns the option off (`--no-verify` sets verify false). */
  negated?: boolean;
}
export interface ListSpec extends SpecBase {
  kind: "list";
  default?: readonly string[];
  /** The flag may be given more than once, one item each (`--miner-cmd A --miner-cmd B`); else A,B,C. */
  repeat?: boolean;
}
export interface EnumSpec<V extends string = string> extends SpecBase {
  kind: "enum";
  values: readonly V[];
  default?: V;
}
export type OptionSpec = StringSpec | IntSpec | NumberSpec | BoolSpec | ListSpec | EnumSpec;
export type OptionTable = Readonly<Record<string, OptionSpec>>;

type ValueOf<S> = S extends { kind: "enum"; values: readonly (infer V)[] }
  ? V
  : S extends { kind: "string" }
    ? string
    : S extends { kind: "int" | "number" }
      ? number
      : S extends { kind: "bool" }
        ? boolean
        : S extends { kind: "list" }
          ? string[]
          : never;
/** Booleans default to false and lists to [] when the table gives no default. */
type AlwaysSet<S> = S extends { default: unknown }
  ? true
  : S extends { kind: "bool" | "list" }
    ? true
    : false;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The parsed values of a table: options with a default are always present, the others optional. */
export type OptionValues<T extends OptionTable> = Simplify<
  { -readonly [K in keyof T as AlwaysSet<T[K]> extends true ? K : never]: ValueOf<T[K]> } & {
    -readonly [K in keyof T as AlwaysSet<T[K]> extends true ? never : K]?: ValueOf<T[K]>;
  }
>;

/** Declares a table; the identity at run time, it keeps the literal types OptionValues needs. */
export function defineOptions<const T extends OptionTable>(table: T): T {
  return table;
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

export function flagOf(key: string, spec: OptionSpec): string | undefined {
  return spec.flag === false ? undefined : (spec.flag ?? kebab(key));
}

/** The environment variable of an option: explicit, or prefix + SNAKE_CASE key; none without either. */
export function envOf(key: string, spec: OptionSpec, prefix: string | undefined): string | undefined {
  if (spec.env === false) return undefined;
  if (spec.env !== undefined) return spec.env;
  return prefix === undefined ? undefined : `${prefix}${snake(key)}`;
}

/** Where a value came from; `source` names it in error messages (`--port`, `environment BT_AXON_PORT`). */
export type Source = "default" | "file" | "env" | "flag";

function describe(spec: OptionSpec): string {
  switch (spec.kind) {
    case "int":
    case "number": {
      const what = spec.kind === "int" ? "a whole number" : "a number";
      if (spec.min !== undefined && spec.max !== undefined) return `${what} from ${spec.min} to ${spec.max}`;
      if (spec.min !== undefined) return `${what} ≥ ${spec.min}`;
      if (spec.max !== undefined) return `${what} ≤ ${spec.max}`;
      return what;
    }
    case "enum":
      return `one of ${spec.values.join(", ")}`;
    case "bool":
      return "true or false";
    case "list":
      return "a comma-separated list";
    case "string":
      return "a non-empty text";
  }
}

/** Converts a raw value (flag or env text, or a YAML scalar) to the option's type and checks its range. */
export function coerceOption(spec: OptionSpec, raw: unknown, source: string): unknown {
  const bad = (): never => {
    const shown = typeof raw === "string" ? raw : JSON.stringify(raw);
    throw new UsageError(`${source} must be ${describe(spec)}, got "${shown}"`);
  };
  switch (spec.kind) {
    case "string": {
      if (typeof raw !== "string" && typeof raw !== "number") return bad();
      const s = String(raw);
      return s === "" ? bad() : s;
    }
    case "int":
    case "number": {
      const text = typeof raw === "string" ? raw.trim() : raw;
      const n =
        typeof text === "number" ? text : typeof text === "string" && text !== "" ? Number(text) : NaN;
      if (!Number.isFinite(n) || (spec.kind === "int" && !Number.isInteger(n))) return bad();
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) return bad();
      return n;
    }
    case "bool": {
      if (typeof raw === "boolean") return raw;
      const s = String(raw).trim().toLowerCase();
      if (["1", "true", "yes", "on"].includes(s)) return true;
      if (["0", "false", "no", "off", ""].includes(s)) return false;
      return bad();
    }
    case "list": {
      const items = Array.isArray(raw) ? raw.map(String) : typeof raw === "string" ? raw.split(",") : bad();
      return items.map((s) => s.trim()).filter((s) => s !== "");
    }
    case "enum": {
      const s = String(raw);
      return (spec.values as readonly string[]).includes(s) ? s : bad();
    }
  }
}

/** Flags a command accepts besides its table (parsed, not validated: the command reads them itself). */
export type ExtraFlags = Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }>;
export type ExtraValues = Record<string, string | boolean | string[] | undefined>;

export interface ParsedFlags<T extends OptionTable> {
  values: Partial<OptionValues<T>>;
  positionals: string[];
  extra: ExtraValues;
}

/**
 * Parses argv against a table (strict: an unknown flag or a missing value is a UsageError that says so and points
 * at `hint`, e.g. "apex-miner --help"). Values are converted and range-checked; absent flags stay absent.
 */
export function parseFlags<T extends OptionTable>(
  table: T,
  argv: readonly string[],
  opts: { hint: string; extra?: ExtraFlags; allowPositionals?: boolean },
): ParsedFlags<T> {
  const config: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }> = {
    ...opts.extra,
  };
  const byFlag = new Map<string, [string, OptionSpec]>();
  for (const [key, spec] of Object.entries(table)) {
    const flag = flagOf(key, spec);
    if (flag === undefined) continue;
    byFlag.set(flag, [key, spec]);
    config[flag] = {
      type: spec.kind === "bool" ? "boolean" : "string",
      ...(spec.kind === "list" && spec.repeat ? { multiple: true } : {}),
      ...(spec.short ? { short: spec.short } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: config,
      allowPositionals: opts.allowPositionals ?? false,
      strict: true,
    });
  } catch (err) {
    // util.parseArgs prefixes its own error code ("TypeError [ERR_PARSE_ARGS_UNKNOWN_OPTION]: …").
    const message = (err as Error).message.replace(/^[A-Za-z]+ \[[A-Z_]+\]: /, "").replace(/\.$/, "");
    // A mistyped flag: name the closest one this command has.
    const unknown = /^Unknown option '--([^']+)'/.exec(message)?.[1];
    const hint = unknown === undefined ? undefined : didYouMean(unknown, Object.keys(config));
    const suggestion = hint === undefined ? "" : ` (did you mean --${hint}?)`;
    throw new UsageError(`${message}${suggestion}. Run ${opts.hint} for the list of flags.`);
  }
  const values: Record<string, unknown> = {};
  const extra: ExtraValues = {};
  for (const [name, raw] of Object.entries(parsed.values)) {
    const entry = byFlag.get(name);
    if (!entry) {
      extra[name] = raw as ExtraValues[string];
      continue;
    }
    const [key, spec] = entry;
    if (spec.kind === "bool") values[key] = spec.negated ? !raw : raw;
    else if (spec.kind === "list" && spec.repeat) values[key] = (raw as string[]).map((s) => s.trim());
    else values[key] = coerceOption(spec, raw, `--${name}`);
  }
  return { values: values as Partial<OptionValues<T>>, positionals: parsed.positionals, extra };
}

/** Reads the table's environment variables (empty counts as unset). */
export function readEnv<T extends OptionTable>(
  table: T,
  env: Readonly<Record<string, string | undefined>>,
  prefix: string | undefined,
): Partial<OptionValues<T>> {
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const name = envOf(key, spec, prefix);
    const raw = name === undefined ? undefined : env[name];
    if (raw === undefined || raw === "") continue;
    values[key] = coerceOption(spec, raw, `environment ${name}`);
  }
  return values as Partial<OptionValues<T>>;
}

/**
 * Reads a config-file mapping keyed by option key (camelCase) or flag name (kebab-case). An unknown key is a
 * UsageError naming the closest known one.
 */
export function readFileValues<T extends OptionTable>(
  table: T,
  doc: unknown,
  where: string,
): Partial<OptionValues<T>> {
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc))
    throw new UsageError(`config file ${where} must be a YAML mapping of option: value`);
  const values: Record<string, unknown> = {};
  const fileKeys = Object.entries(table).filter(([, s]) => s.file !== false);
  for (const [name, raw] of Object.entries(doc as Record<string, unknown>)) {
    const entry = fileKeys.find(([key, spec]) => key === name || flagOf(key, spec) === name);
    if (!entry) {
      const hint = didYouMean(
        name,
        fileKeys.map(([k]) => k),
      );
      throw new UsageError(
        `config file ${where}: unknown key "${name}"${hint ? ` (did you mean ${hint}?)` : ""}. ` +
          `Known keys: ${fileKeys.map(([k]) => k).join(", ")}`,
      );
    }
    const [key, spec] = entry;
    if (raw === null || raw === undefined) continue;
    values[key] = coerceOption(spec, raw, `config file ${where}: ${key}`);
  }
  return values as Partial<OptionValues<T>>;
}

/** Spread into a subcommand's flags (`{ kind, ...COMMAND_LINE_ONLY, help }`): no environment variable, no file key. */
export const COMMAND_LINE_ONLY = { env: false, file: false } as const;

/**
 * Reads and parses a config file (the app passes its YAML parser, so this module loads none). Each failure is a
 * UsageError that names the file: unreadable, or not valid YAML.
 */
export function readConfigDocument(
  path: string,
  readFile: (path: string) => string,
  parse: (text: string) => unknown,
): unknown {
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    throw new UsageError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  try {
    return parse(text);
  } catch (err) {
    throw new UsageError(`config file ${path} is not valid YAML: ${(err as Error).message}`);
  }
}

/** The table's defaults (false for booleans and [] for lists without one). */
export function defaultsOf<T extends OptionTable>(table: T): Partial<OptionValues<T>> {
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    if (spec.default !== undefined)
      values[key] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
    else if (spec.kind === "bool") values[key] = false;
    else if (spec.kind === "list") values[key] = [];
  }
  return values as Partial<OptionValues<T>>;
}

export interface Layered<T extends OptionTable> {
  values: OptionValues<T>;
  /** Where each present value came from. */
  sources: Partial<Record<keyof T, Source>>;
}

/** Stacks layers, later over earlier: defaults < file < env < flags. Absent keys fall through. */
export function layer<T extends OptionTable>(
  table: T,
  layers: ReadonlyArray<readonly [Source, Partial<OptionValues<T>>]>,
): Layered<T> {
  const values: Record<string, unknown> = {};
  const sources: Record<string, Source> = {};
  for (const [source, part] of [["default", defaultsOf(table)] as const, ...layers]) {
    for (const [key, value] of Object.entries(part)) {
      if (value === undefined || !(key in table)) continue;
      values[key] = value;
      sources[key] = source;
    }
  }
  return { values: values as OptionValues<T>, sources: sources as Layered<T>["sources"] };
}

function argOf(key: string, spec: OptionSpec): string {
  if (spec.arg !== undefined) return spec.arg;
  switch (spec.kind) {
    case "bool":
      return "";
    case "list":
      return spec.repeat ? "VALUE" : "A,B";
    case "enum":
      return spec.values.join("|");
    case "int":
    case "number":
      return "N";
    case "string":
      return key.toLowerCase().includes("path") || key.toLowerCase().includes("file") ? "FILE" : "VALUE";
  }
}

function shownDefault(spec: OptionSpec): string | undefined {
  if (spec.default === undefined) return undefined;
  if (spec.kind === "bool") return undefined;
  if (Array.isArray(spec.default)) return spec.default.length ? spec.default.join(",") : undefined;
  return String(spec.default);
}

/**
 * The flag lines of --help, one per option with a flag: `  --flag ARG   help [default X, env NAME]`. The default
 * and environment name come from the table, so the text cannot go stale.
 */
export function helpLines(
  table: OptionTable,
  opts: { envPrefix?: string; column?: number; width?: number } = {},
): string[] {
  const column = opts.column ?? 30;
  const width = opts.width ?? 110;
  const lines: string[] = [];
  for (const [key, spec] of Object.entries(table)) {
    const flag = flagOf(key, spec);
    if (flag === undefined) continue;
    const arg = argOf(key, spec);
    const head = `  ${spec.short ? `-${spec.short}, ` : ""}--${flag}${arg ? ` ${arg}` : ""}${spec.kind === "list" && spec.repeat ? " (repeatable)" : ""}`;
    const notes: string[] = [];
    const def = shownDefault(spec);
    if (def !== undefined && !/\(default\b/.test(spec.help)) notes.push(`default ${def}`);
    const env = envOf(key, spec, opts.envPrefix);
    // A negated flag's variable sets the option itself: APEX_MINER_VERIFY=false is --no-verify.
    if (env !== undefined) notes.push(`env ${env}${spec.kind === "bool" && spec.negated ? "=false" : ""}`);
    const words = spec.help.split(" ");
    if (notes.length) words.push(`[${notes.join(", ")}]`);
    lines.push(...wrap(head, words, column, width));
  }
  return lines;
}

/** The --help lines of the options read only from the environment (secrets): `  NAME   help`. */
export function envOnlyLines(table: OptionTable, column = 30): string[] {
  return Object.values(table).flatMap((spec) =>
    spec.flag === false && typeof spec.env === "string"
      ? [`  ${spec.env.padEnd(column - 2)}${spec.help}`]
      : [],
  );
}

/** Lays out the words after the flag column; a word (the bracketed notes count as one) never breaks. */
function wrap(head: string, words: readonly string[], column: number, width: number): string[] {
  const out: string[] = [];
  let line = head.length + 1 > column ? head : head.padEnd(column);
  if (head.length + 1 > column) {
    out.push(line);
    line = " ".repeat(column);
  }
  let first = true;
  for (const word of words) {
    if (!first && line.length + 1 + word.length > width) {
      out.push(line.trimEnd());
      line = " ".repeat(column);
      first = true;
    }
    line += first ? word : ` ${word}`;
    first = false;
  }
  out.push(line.trimEnd());
  return out;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      next.push(Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, substitute));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

/** The closest known name, when it is close enough to be a typo. */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * Environment names an app no longer reads, with what replaced them: a set one gets one warning instead of being
 * silently ignored.
 */
export function retiredEnvWarnings(
  retired: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  return Object.entries(retired)
    .filter(([name]) => env[name] !== undefined && env[name] !== "")
    .map(([name, now]) => `${name} is no longer read; use ${now}`);
}
