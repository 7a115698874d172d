// The ONE place apex-miner reads configuration: flags > environment > YAML file > defaults, validated with a
// small hand-written shape check (shape.ts: TypeBox stays out of the running miner, schemas.ts has the TypeBox
// form) and handed down as a typed MinerConfig. Nothing else in the app touches process.env.
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { APEX_NETUIDS, DEFAULT_MINER_PORT } from "@apex/protocol";
import { type Shape, shapeErrors } from "./shape.js";

// The YAML parser (~5 MB resident) loads only when a config file is given; yaml ships CommonJS, so it loads
// synchronously through require.
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return yaml.parse(text);
}

export const DEFAULT_CHECK_IP_SERVICES = [
  "https://checkip.amazonaws.com",
  "https://api.ipify.org",
  "https://icanhazip.com",
];

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** The validated miner configuration (schemas.ts has the same shape as a TypeBox schema, MinerConfigSchema). */
export interface MinerConfig {
  /** test | finney | local | sim | a ws(s):// or http(s):// URL. */
  network: string;
  /** Endpoint of a served SimChain or a subtensor node; overrides the network's default endpoint. */
  chainEndpoint?: string;
  /** Default by network: finney 1, test 61; sim/local/URL: required or found on the chain. */
  netuid?: number;
  coldkey: string;
  hotkey: string;
  /** A dev key URI (//Alice, //apex//cmd0//hot) instead of a wallet hotkey: local chains only. */
  hotkeyUri?: string;
  /** Announce the axon at start-up (off when a localnet announces it for us). */
  serveAxon: boolean;
  walletPath?: string;
  host: string;
  port: number;
  externalIp?: string;
  axonPort?: number;
  checkIpServices: string[];
  checkIpTimeoutMs: number;
  generator: string;
  discriminator: string;
  /** Model file of the learned discriminator; without one the shipped default model (DEFAULT_MODEL) is used. */
  discriminatorModel?: string;
  llmBaseUrl?: string;
  llmModel?: string;
  /** From APEX_LLM_API_KEY only (never a flag or a file), never logged. */
  llmApiKey?: string;
  /** --discriminator llm asks for a streamed reply. */
  llmStream?: boolean;
  /** Log the texts shown to the discriminator here, for labelling and training (off by default). */
  logTexts?: string;
  logTextsMaxMb: number;
  noChain: boolean;
  trustedValidators: string[];
  verify: boolean;
  /** Stake (whole units, measured by stakeMeasure) at which a signer without a validator permit is accepted. */
  minValidatorStake: number;
  /** alpha: the subnet's alpha only; total: alpha + TAO × the chain's TAO weight (upstream's metagraph.stake). */
  stakeMeasure: "alpha" | "total";
  budgetMs: number;
  rateLimitPerMinute: number;
  rateLimitBurst: number;
  /** Requests per minute per client address, before any verification; 0 = off. */
  ipRateLimitPerMinute: number;
  seed?: number;
  logLevel: (typeof LOG_LEVELS)[number];
}

const nonEmpty = { kind: "string", minLength: 1 } as const;
const optional = <T extends Shape>(s: T): T => ({ ...s, optional: true });
const port = (minimum: number) => ({ kind: "int", minimum, maximum: 65535 }) as const;

/** The run-time check of MinerConfig (same types and ranges as MinerConfigSchema in schemas.ts). */
export const MINER_CONFIG_SHAPE = {
  kind: "object",
  props: {
    network: nonEmpty,
    chainEndpoint: optional(nonEmpty),
    netuid: optional(port(0)),
    coldkey: nonEmpty,
    hotkey: nonEmpty,
    hotkeyUri: optional({ kind: "string", minLength: 2 }),
    serveAxon: { kind: "bool" },
    walletPath: optional(nonEmpty),
    host: nonEmpty,
    port: port(0),
    externalIp: optional(nonEmpty),
    axonPort: optional(port(1)),
    checkIpServices: { kind: "array", items: nonEmpty },
    checkIpTimeoutMs: { kind: "int", minimum: 1 },
    generator: nonEmpty,
    discriminator: nonEmpty,
    discriminatorModel: optional(nonEmpty),
    llmBaseUrl: optional(nonEmpty),
    llmModel: optional(nonEmpty),
    llmApiKey: optional({ kind: "string" }),
    llmStream: optional({ kind: "bool" }),
    logTexts: optional(nonEmpty),
    logTextsMaxMb: { kind: "int", minimum: 1, maximum: 100_000 },
    noChain: { kind: "bool" },
    trustedValidators: { kind: "array", items: nonEmpty },
    verify: { kind: "bool" },
    minValidatorStake: { kind: "number", minimum: 0 },
    stakeMeasure: { kind: "oneOf", values: ["alpha", "total"] },
    budgetMs: { kind: "int", minimum: 1, maximum: 60_000 },
    rateLimitPerMinute: { kind: "int", minimum: 0 },
    rateLimitBurst: { kind: "int", minimum: 1 },
    ipRateLimitPerMinute: { kind: "int", minimum: 0 },
    seed: optional({ kind: "int" }),
    logLevel: { kind: "oneOf", values: LOG_LEVELS },
  },
} as const satisfies Shape & { props: Record<keyof MinerConfig, Shape> };

export const DEFAULTS = {
  network: "test",
  host: "0.0.0.0",
  port: DEFAULT_MINER_PORT,
  checkIpServices: DEFAULT_CHECK_IP_SERVICES,
  checkIpTimeoutMs: 5_000,
  generator: "offline",
  discriminator: "learned",
  logTextsMaxMb: 50,
  noChain: false,
  serveAxon: true,
  trustedValidators: [] as string[],
  verify: true,
  minValidatorStake: 24_000,
  stakeMeasure: "alpha",
  budgetMs: 15_000,
  rateLimitPerMinute: 600,
  rateLimitBurst: 120,
  ipRateLimitPerMinute: 1200,
  logLevel: "info",
} satisfies Partial<MinerConfig>;

type Kind = "string" | "int" | "number" | "bool" | "list";
interface Option {
  key: keyof MinerConfig;
  flag: string;
  kind: Kind;
  help: string;
  /** Environment variable; default APEX_MINER_<KEY>. */
  env?: string | null;
  /** Further variables read when the main one is unset (the localnet's --miner-cmd convention). */
  aliases?: string[];
  /** For booleans whose flag turns them off (--no-chain sets noChain true, --no-verify sets verify false). */
  invert?: boolean;
}

export const OPTIONS: Option[] = [
  {
    key: "network",
    flag: "network",
    kind: "string",
    aliases: ["APEX_NETWORK"],
    help: "test | finney | local | sim | ws(s)://… URL (default test)",
  },
  {
    key: "chainEndpoint",
    flag: "chain-endpoint",
    kind: "string",
    aliases: ["APEX_CHAIN_ENDPOINT"],
    help: "chain endpoint URL (served SimChain or subtensor node)",
  },
  {
    key: "netuid",
    flag: "netuid",
    kind: "int",
    aliases: ["APEX_NETUID"],
    help: "subnet (default: finney 1, test 61; sim/local: required or found on chain)",
  },
  { key: "coldkey", flag: "coldkey", kind: "string", help: "wallet (coldkey) name (default: default)" },
  { key: "hotkey", flag: "hotkey", kind: "string", help: "hotkey name (default: default)" },
  {
    key: "hotkeyUri",
    flag: "hotkey-uri",
    kind: "string",
    help: "dev key URI (e.g. //Alice) instead of a wallet hotkey; local chains only",
  },
  {
    key: "walletPath",
    flag: "wallet-path",
    kind: "string",
    env: "BT_WALLET_PATH",
    help: "wallets folder (default ~/.bittensor/wallets; env BT_WALLET_PATH)",
  },
  { key: "host", flag: "host", kind: "string", help: "listen address (default 0.0.0.0)" },
  {
    key: "port",
    flag: "port",
    kind: "int",
    help: "listen port, also announced on chain (default 8080; 0 = any free port)",
  },
  {
    key: "externalIp",
    flag: "external-ip",
    kind: "string",
    help: "IP to announce (default: discovered via check-IP services)",
  },
  {
    key: "axonPort",
    flag: "axon-port",
    kind: "int",
    help: "port to announce when it differs from --port (NAT, proxy)",
  },
  {
    key: "checkIpServices",
    flag: "check-ip-services",
    kind: "list",
    help: "comma-separated check-IP URLs, tried in order",
  },
  {
    key: "checkIpTimeoutMs",
    flag: "check-ip-timeout-ms",
    kind: "int",
    help: "timeout per check-IP service (default 5000)",
  },
  {
    key: "generator",
    flag: "generator",
    kind: "string",
    help: "dummy | offline | llm | ./module.js (default offline)",
  },
  {
    key: "discriminator",
    flag: "discriminator",
    kind: "string",
    help: "random | constant-0 | constant-1 | heuristic | learned | llm | ./module.js (default learned)",
  },
  {
    key: "discriminatorModel",
    flag: "discriminator-model",
    kind: "string",
    help: "model file for learned, and llm's fallback (default: the shipped model)",
  },
  {
    key: "llmBaseUrl",
    flag: "llm-base-url",
    kind: "string",
    help: "OpenAI-compatible base URL for --generator llm and --discriminator llm",
  },
  {
    key: "llmModel",
    flag: "llm-model",
    kind: "string",
    help: "model name for --generator/--discriminator llm",
  },
  {
    key: "llmStream",
    flag: "llm-stream",
    kind: "bool",
    help: "--discriminator llm asks for a streamed reply",
  },
  {
    key: "logTexts",
    flag: "log-texts",
    kind: "string",
    help: "log the texts shown to the discriminator to DIR/texts.jsonl (off by default)",
  },
  {
    key: "logTextsMaxMb",
    flag: "log-texts-max-mb",
    kind: "int",
    help: "most disk --log-texts uses, in MB (default 50)",
  },
  {
    key: "serveAxon",
    flag: "no-serve-axon",
    kind: "bool",
    invert: true,
    help: "do not announce the axon (the localnet or an operator does it)",
  },
  {
    key: "noChain",
    flag: "no-chain",
    kind: "bool",
    help: "run without any chain: no axon; accept only --trusted-validators",
  },
  {
    key: "trustedValidators",
    flag: "trusted-validators",
    kind: "list",
    help: "ss58 hotkeys always accepted (with --no-chain, the only ones)",
  },
  {
    key: "verify",
    flag: "no-verify",
    kind: "bool",
    invert: true,
    help: "accept unsigned requests (trusted local use only; logs a warning)",
  },
  {
    key: "minValidatorStake",
    flag: "min-validator-stake",
    kind: "number",
    help: "stake at which a signer without a permit is accepted (default 24000)",
  },
  {
    key: "stakeMeasure",
    flag: "stake-measure",
    kind: "string",
    help: "alpha | total: which stake --min-validator-stake compares (default alpha; total = upstream's)",
  },
  {
    key: "budgetMs",
    flag: "budget-ms",
    kind: "int",
    help: "time budget per strategy call before the fast fallback (default 15000)",
  },
  {
    key: "rateLimitPerMinute",
    flag: "rate-limit",
    kind: "int",
    help: "requests per minute per signer, 0 = off (default 600)",
  },
  { key: "rateLimitBurst", flag: "rate-limit-burst", kind: "int", help: "burst per signer (default 120)" },
  {
    key: "ipRateLimitPerMinute",
    flag: "ip-rate-limit",
    kind: "int",
    help: "requests per minute per client address, checked before any signature work, 0 = off (default 1200)",
  },
  {
    key: "seed",
    flag: "seed",
    kind: "int",
    help: "seed for random strategies (default: derived from the hotkey)",
  },
  {
    key: "logLevel",
    flag: "log-level",
    kind: "string",
    help: "fatal | error | warn | info | debug | trace | silent (default info)",
  },
];

function envName(o: Option): string | null {
  if (o.env !== undefined) return o.env;
  return `APEX_MINER_${o.key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

function coerce(o: Option, raw: unknown, where: string): unknown {
  if (raw === undefined || raw === null) return undefined;
  const name = where === "flag" ? `--${o.flag}` : `${where}: ${o.key}`;
  switch (o.kind) {
    case "string":
      return String(raw);
    case "int":
    case "number": {
      const n = typeof raw === "number" ? raw : Number(String(raw).trim());
      if (String(raw).trim() === "" || !Number.isFinite(n) || (o.kind === "int" && !Number.isInteger(n))) {
        throw new Error(`${name} must be ${o.kind === "int" ? "an integer" : "a number"}, got "${raw}"`);
      }
      return n;
    }
    case "bool": {
      if (typeof raw === "boolean") return raw;
      const s = String(raw).trim().toLowerCase();
      if (["1", "true", "yes", "on"].includes(s)) return true;
      if (["0", "false", "no", "off", ""].includes(s)) return false;
      throw new Error(`${name} must be true or false, got "${raw}"`);
    }
    case "list":
      if (Array.isArray(raw)) return raw.map(String);
      return String(raw)
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
  }
}

export type FileReader = (path: string) => string;

export interface LoadedArgs {
  config: MinerConfig;
  /** Positional words before the flags (a subcommand, e.g. train-discriminator). */
  positionals: string[];
}

/** Extra flags a subcommand accepts (parsed but not part of MinerConfig). */
export type ExtraFlags = Record<string, { type: "string" | "boolean"; multiple?: boolean }>;

/**
 * Reads flags, then env, then the YAML file (--config or APEX_MINER_CONFIG), then defaults. Throws an Error
 * whose message says what was wrong and how to fix it.
 */
export function loadMinerConfig(
  argv: string[],
  env: Record<string, string | undefined>,
  fileReader: FileReader,
): MinerConfig {
  return loadMinerArgs(argv, env, fileReader).config;
}

export function loadMinerArgs(
  argv: string[],
  env: Record<string, string | undefined>,
  fileReader: FileReader,
  extra: ExtraFlags = {},
): LoadedArgs & { extra: Record<string, string | boolean | string[] | undefined> } {
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {
    config: { type: "string" },
    ...extra,
  };
  for (const o of OPTIONS) options[o.flag] = { type: o.kind === "bool" ? "boolean" : "string" };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new Error(`${(err as Error).message}. Run apex-miner --help for the list of flags.`);
  }
  const flags = parsed.values as Record<string, string | boolean | string[] | undefined>;

  const merged: Record<string, unknown> = { ...DEFAULTS };
  const configPath = (flags.config as string | undefined) ?? env.APEX_MINER_CONFIG;
  if (configPath) {
    let text: string;
    try {
      text = fileReader(configPath);
    } catch (err) {
      throw new Error(`cannot read config file ${configPath}: ${(err as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (err) {
      throw new Error(`config file ${configPath} is not valid YAML: ${(err as Error).message}`);
    }
    if (doc !== null && doc !== undefined) {
      if (typeof doc !== "object" || Array.isArray(doc)) {
        throw new Error(`config file ${configPath} must be a YAML mapping of option: value`);
      }
      for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
        const o = OPTIONS.find((x) => x.key === k || x.flag === k);
        if (!o || o.key === "llmApiKey") {
          throw new Error(
            `config file ${configPath}: unknown key "${k}". Known keys: ${OPTIONS.map((x) => x.key).join(", ")}`,
          );
        }
        merged[o.key] = coerce(o, v, `config file ${configPath}`);
      }
    }
  }
  for (const o of OPTIONS) {
    for (const name of [envName(o), ...(o.aliases ?? [])]) {
      const v = name ? env[name] : undefined;
      if (v !== undefined && v !== "") {
        merged[o.key] = coerce(o, v, `environment ${name}`);
        break;
      }
    }
  }
  for (const o of OPTIONS) {
    const v = flags[o.flag];
    if (v === undefined) continue;
    merged[o.key] = o.invert ? !(v as boolean) : coerce(o, v, "flag");
  }
  if (env.APEX_LLM_API_KEY) merged.llmApiKey = env.APEX_LLM_API_KEY;
  merged.coldkey ??= "default";
  merged.hotkey ??= "default";
  if (merged.netuid === undefined) {
    const n = APEX_NETUIDS[merged.network as keyof typeof APEX_NETUIDS];
    if (n !== undefined) merged.netuid = n;
  }
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];

  const errs = shapeErrors(MINER_CONFIG_SHAPE, merged);
  if (errs.length > 0) throw new Error(`invalid miner configuration: ${errs.slice(0, 3).join("; ")}`);
  const config = merged as unknown as MinerConfig;
  validateCombination(config);
  const extraOut: Record<string, string | boolean | string[] | undefined> = {};
  for (const k of Object.keys(extra)) extraOut[k] = flags[k];
  return { config, positionals: parsed.positionals, extra: extraOut };
}

const NETWORK_RE = /^(test|finney|local|sim|wss?:\/\/\S+|https?:\/\/\S+)$/;

/** A dev derivation URI: `//Name` segments (hard or soft), nothing a secret phrase or seed could be. */
const DEV_URI_RE = /^(\/\/?[A-Za-z0-9_.-]+)+$/;

/** The chains a dev key may sign on: the ones the localnet runs (sim, a served SimChain URL, local) or none. */
function isLocalChain(c: MinerConfig): boolean {
  return c.noChain || c.network === "sim" || c.network === "local" || /^https?:\/\//.test(c.network);
}

function validateCombination(c: MinerConfig): void {
  if (c.hotkeyUri !== undefined) {
    // Checked before anything is logged: a secret on the command line shows in `ps`, shell history and logs.
    if (!DEV_URI_RE.test(c.hotkeyUri))
      throw new Error(
        "--hotkey-uri takes a dev key URI such as //Alice only; a mnemonic or seed does not belong on a command " +
          "line or in the environment (it shows in ps and logs): put it in a wallet (btcli wallet regen_hotkey, " +
          "or `wallet create`) and pass --coldkey NAME --hotkey NAME",
      );
    if (!isLocalChain(c))
      throw new Error(
        `--hotkey-uri is for local chains (sim, local, a served SimChain URL, --no-chain); on ${c.network} use a ` +
          "wallet (--coldkey, --hotkey)",
      );
  }
  if (!NETWORK_RE.test(c.network)) {
    throw new Error(`--network must be test, finney, local, sim or a ws(s)://… URL, got "${c.network}"`);
  }
  if (c.noChain && c.verify && c.trustedValidators.length === 0) {
    throw new Error(
      "--no-chain needs --trusted-validators SS58,… (the hotkeys allowed to query this miner), or --no-verify",
    );
  }
  if (c.generator === "llm" && !c.llmBaseUrl) {
    throw new Error("--generator llm needs --llm-base-url (any OpenAI-compatible endpoint) and --llm-model");
  }
  if (c.generator === "llm" && !c.llmModel) throw new Error("--generator llm needs --llm-model");
  if (c.discriminator === "llm" && (!c.llmBaseUrl || !c.llmModel)) {
    throw new Error(
      "--discriminator llm needs --llm-base-url (any OpenAI-compatible endpoint) and --llm-model",
    );
  }
}

/** A copy safe to log: the API key is replaced (a --hotkey-uri is a public dev URI, checked at load). */
export function redactConfig(c: MinerConfig): Record<string, unknown> {
  return { ...c, llmApiKey: c.llmApiKey ? "(set)" : undefined };
}

export function helpText(): string {
  const lines = [
    "apex-miner: the Apex (Bittensor subnet 1) miner",
    "",
    "Usage:",
    "  apex-miner [flags]                                   run the miner",
    "  apex-miner train-discriminator --out FILE [--data FILE.jsonl ...] [--only-data] [--held-out-share F]",
    "                                 [--examples N] [--seed S] [--data-out FILE.jsonl]",
    "  apex-miner eval-discriminator --data FILE.jsonl [--model FILE | --discriminator NAME] [--json]",
    "  apex-miner make-data --out FILE.jsonl [--examples N] [--seed S]   write labelled examples",
    "",
    "Flags (each also settable as APEX_MINER_<NAME> in the environment or as a key in --config FILE.yaml;",
    "precedence: flags > environment > file > defaults):",
    "  --config FILE                  YAML file of option: value (keys as below in camelCase, e.g. minValidatorStake)",
  ];
  for (const o of OPTIONS) {
    const arg = o.kind === "bool" ? "" : o.kind === "list" ? " A,B" : o.kind === "string" ? " VALUE" : " N";
    lines.push(`  --${o.flag}${arg}`.padEnd(33) + o.help);
  }
  lines.push(
    "",
    "Environment: APEX_LLM_API_KEY (API key for --generator llm), BT_WALLET_PATH, APEX_MINER_CONFIG.",
    "The miner verifies Epistula v2 signatures: requests must be signed for this hotkey within ±8 s, not",
    "replayed, by a validator (permit or stake ≥ --min-validator-stake) or a --trusted-validators hotkey.",
    "Every strategy answers within --budget-ms or falls back to a fast built-in answer.",
    "Routes: POST /v1/chat/completions, GET /health, GET /metrics (Prometheus).",
  );
  return lines.join("\n");
}

/** The process environment, read here and nowhere else in the app. */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}
