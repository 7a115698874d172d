// The ONE place apex-miner reads configuration: flags > environment > YAML file > defaults, all derived from one
// option table (MINER_OPTIONS, read by @apex/protocol/options: no schema library on the miner's run path) and
// handed down as a typed MinerConfig. Nothing else in the app touches process.env.
import { createRequire } from "node:module";
import { APEX_NETUIDS, DEFAULT_MINER_PORT } from "@apex/protocol";
import {
  COMMAND_LINE_ONLY,
  defineOptions,
  envOnlyLines,
  helpLines,
  layer,
  type OptionSpec,
  type OptionTable,
  type OptionValues,
  parseFlags,
  readConfigDocument,
  readEnv,
  readFileValues,
  retiredEnvWarnings,
  UsageError,
} from "@apex/protocol/options";
import { DEFAULT_TRAINING } from "./strategies/index.js";

// The YAML parser (~5 MB resident) loads only when a config file is given; yaml ships CommonJS, so it loads
// synchronously through require.
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return yaml.parse(text);
}

export const DEFAULT_CHECK_IP_SERVICES: readonly string[] = [
  "https://checkip.amazonaws.com",
  "https://api.ipify.org",
  "https://icanhazip.com",
];

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const port = (min: number) => ({ kind: "int", min, max: 65535 }) as const;

/**
 * Every miner option, once: type, range, default, flag (the key in kebab-case unless named), environment variable
 * (APEX_MINER_<KEY>, or the BT_* name the bittensor SDK and btcli use for wallet and chain settings), config-file key
 * (the key, or the flag name) and --help line. MinerConfig, validation, defaults and --help derive from it.
 */
export const MINER_OPTIONS = defineOptions({
  network: {
    kind: "string",
    default: "test",
    env: "BT_SUBTENSOR_NETWORK",
    help: "test | finney | local | sim | ws(s)://… URL",
  },
  chainEndpoint: {
    kind: "string",
    env: "BT_SUBTENSOR_CHAIN_ENDPOINT",
    arg: "URL",
    help: "chain endpoint URL (served SimChain or subtensor node); overrides the network's",
  },
  netuid: {
    ...port(0),
    help: "subnet (default: finney 1, test 61; sim/local: required or found on chain)",
  },
  coldkey: {
    kind: "string",
    default: "default",
    env: "BT_WALLET_NAME",
    arg: "NAME",
    help: "wallet (coldkey) name",
  },
  hotkey: { kind: "string", default: "default", env: "BT_WALLET_HOTKEY", arg: "NAME", help: "hotkey name" },
  hotkeyUri: {
    kind: "string",
    arg: "URI",
    help: "dev key URI (e.g. //Alice) instead of a wallet hotkey; local chains only",
  },
  walletPath: {
    kind: "string",
    env: "BT_WALLET_PATH",
    arg: "DIR",
    help: "wallets folder (default ~/.bittensor/wallets)",
  },
  host: { kind: "string", default: "0.0.0.0", arg: "ADDRESS", help: "listen address" },
  port: {
    ...port(0),
    default: DEFAULT_MINER_PORT,
    help: "listen port, also announced on chain (0 = any free port)",
  },
  externalIp: {
    kind: "string",
    arg: "IP",
    help: "IP to announce (default: discovered via check-IP services)",
  },
  axonPort: { ...port(1), help: "port to announce when it differs from --port (NAT, proxy)" },
  checkIpServices: {
    kind: "list",
    default: DEFAULT_CHECK_IP_SERVICES,
    arg: "URL,URL",
    help: "check-IP URLs, tried in order",
  },
  checkIpTimeoutMs: { kind: "int", min: 1, default: 5_000, help: "timeout per check-IP service, ms" },
  generator: {
    kind: "string",
    default: "offline",
    arg: "NAME",
    help: "dummy | offline | llm | ./module.js",
  },
  discriminator: {
    kind: "string",
    default: "learned",
    arg: "NAME",
    help: "random | constant-0 | constant-1 | heuristic | learned | llm | ./module.js",
  },
  discriminatorModel: {
    kind: "string",
    arg: "FILE",
    help: "model file for learned, and llm's fallback (default: the shipped model)",
  },
  llmBaseUrl: {
    kind: "string",
    arg: "URL",
    help: "OpenAI-compatible base URL for --generator llm and --discriminator llm",
  },
  llmModel: { kind: "string", arg: "NAME", help: "model name for --generator/--discriminator llm" },
  llmStream: { kind: "bool", help: "--discriminator llm asks for a streamed reply" },
  // A secret: environment only (never a flag or a file key), never logged (redactConfig).
  llmApiKey: {
    kind: "string",
    flag: false,
    file: false,
    env: "APEX_LLM_API_KEY",
    help: "API key for --generator llm and --discriminator llm",
  },
  logTexts: {
    kind: "string",
    arg: "DIR",
    help: "log the texts shown to the discriminator to DIR/texts.jsonl (off by default)",
  },
  logTextsMaxMb: {
    kind: "int",
    min: 1,
    max: 100_000,
    default: 50,
    help: "most disk --log-texts uses, in MB",
  },
  serveAxon: {
    kind: "bool",
    default: true,
    negated: true,
    flag: "no-serve-axon",
    help: "do not announce the axon (the localnet or an operator does it)",
  },
  noChain: { kind: "bool", help: "run without any chain: no axon; accept only --trusted-validators" },
  trustedValidators: {
    kind: "list",
    arg: "SS58,SS58",
    help: "hotkeys always accepted (with --no-chain, the only ones)",
  },
  verify: {
    kind: "bool",
    default: true,
    negated: true,
    flag: "no-verify",
    help: "accept unsigned requests (trusted local use only; logs a warning)",
  },
  minValidatorStake: {
    kind: "number",
    min: 0,
    default: 24_000,
    help: "stake at which a signer without a validator permit is accepted",
  },
  stakeMeasure: {
    kind: "enum",
    values: ["alpha", "total"],
    default: "alpha",
    help: "which stake --min-validator-stake compares (total = alpha + TAO weight × TAO, upstream's)",
  },
  budgetMs: {
    kind: "int",
    min: 1,
    max: 60_000,
    default: 15_000,
    help: "time budget per strategy call before the fast fallback, ms",
  },
  rateLimitPerMinute: {
    kind: "int",
    min: 0,
    default: 600,
    flag: "rate-limit",
    help: "requests per minute per signer, 0 = off",
  },
  rateLimitBurst: { kind: "int", min: 1, default: 120, help: "burst per signer" },
  ipRateLimitPerMinute: {
    kind: "int",
    min: 0,
    default: 1200,
    flag: "ip-rate-limit",
    help: "requests per minute per client address, checked before any signature work, 0 = off",
  },
  seed: { kind: "int", help: "seed for random strategies (default: derived from the hotkey)" },
  logLevel: { kind: "enum", values: LOG_LEVELS, default: "info", arg: "LEVEL", help: "log level" },
});

/** The validated miner configuration: MINER_OPTIONS' values. */
export type MinerConfig = OptionValues<typeof MINER_OPTIONS>;

// The subcommands' own flags: command-line only (no environment variable, no file key).
const commandFlag = COMMAND_LINE_ONLY;

export const TRAIN_OPTIONS = defineOptions({
  out: { kind: "string", ...commandFlag, arg: "FILE", help: "where to write the model JSON (required)" },
  examples: {
    kind: "int",
    min: 1,
    default: DEFAULT_TRAINING.examples,
    ...commandFlag,
    help: "generated examples to train on",
  },
  data: {
    kind: "list",
    repeat: true,
    ...commandFlag,
    arg: "FILE.jsonl",
    help: "your labelled examples, {query, generation, label} lines",
  },
  onlyData: { kind: "bool", ...commandFlag, help: "train on --data only, no generated examples" },
  heldOutShare: {
    kind: "number",
    min: 0,
    max: 1,
    default: 0.2,
    ...commandFlag,
    help: "share of --data held out for the reported score (between 0 and 1)",
  },
  dataOut: { kind: "string", ...commandFlag, arg: "FILE.jsonl", help: "write the held-out examples here" },
  hashDims: { kind: "int", min: 0, default: 0, ...commandFlag, help: "hashed word features (with --data)" },
});

export const EVAL_OPTIONS = defineOptions({
  data: { kind: "string", ...commandFlag, arg: "FILE.jsonl", help: "labelled examples to score (required)" },
  model: { kind: "string", ...commandFlag, arg: "FILE", help: "a learned model file (else --discriminator)" },
  json: { kind: "bool", ...commandFlag, help: "one JSON line instead of the table" },
});

export const MAKE_DATA_OPTIONS = defineOptions({
  out: { kind: "string", ...commandFlag, arg: "FILE.jsonl", help: "where to write the examples (required)" },
  examples: { kind: "int", min: 1, default: 200, ...commandFlag, help: "how many" },
});

/** Environment names the miner read before the one scheme (BT_* for wallet and chain, APEX_MINER_* else). */
export const RETIRED_MINER_ENV: Readonly<Record<string, string>> = {
  APEX_NETWORK: "BT_SUBTENSOR_NETWORK",
  APEX_MINER_NETWORK: "BT_SUBTENSOR_NETWORK",
  APEX_CHAIN_ENDPOINT: "BT_SUBTENSOR_CHAIN_ENDPOINT",
  APEX_MINER_CHAIN_ENDPOINT: "BT_SUBTENSOR_CHAIN_ENDPOINT",
  APEX_NETUID: "APEX_MINER_NETUID",
  APEX_MINER_COLDKEY: "BT_WALLET_NAME",
  APEX_MINER_HOTKEY: "BT_WALLET_HOTKEY",
  APEX_MINER_WALLET_PATH: "BT_WALLET_PATH",
};

const ENV_PREFIX = "APEX_MINER_";

export type FileReader = (path: string) => string;

export interface LoadedArgs {
  config: MinerConfig;
  /** Positional words before the flags (a subcommand, e.g. train-discriminator). */
  positionals: string[];
  /** Things worth one warning line at start-up (a retired environment name that is set). */
  warnings: string[];
}

/**
 * Reads flags, then env, then the YAML file (--config or APEX_MINER_CONFIG), then defaults. Throws a UsageError
 * whose message says what was wrong and how to fix it.
 */
export function loadMinerConfig(
  argv: string[],
  env: Record<string, string | undefined>,
  fileReader: FileReader,
): MinerConfig {
  return loadMinerArgs(argv, env, fileReader).config;
}

/**
 * Reads the miner's options and, for a subcommand, its own flags (`command`: a table of flags that are neither
 * environment variables nor file keys). Returns both typed.
 */
export function loadMinerArgs<C extends OptionTable = Record<never, OptionSpec>>(
  argv: string[],
  env: Record<string, string | undefined>,
  fileReader: FileReader,
  command?: C,
): LoadedArgs & { command: OptionValues<C> } {
  const commandTable = (command ?? {}) as C;
  for (const key of Object.keys(commandTable))
    if (key in MINER_OPTIONS) throw new Error(`subcommand flag ${key} shadows a miner option`);
  const flags = parseFlags({ ...MINER_OPTIONS, ...commandTable }, argv, {
    hint: "apex-miner --help",
    extra: { config: { type: "string" } },
    allowPositionals: true,
  });
  const own: Record<string, unknown> = {};
  const commandValues: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flags.values))
    (key in commandTable ? commandValues : own)[key] = value;

  const configPath = (flags.extra.config as string | undefined) ?? env.APEX_MINER_CONFIG;
  let fromFile: Partial<MinerConfig> = {};
  if (configPath) {
    const doc = readConfigDocument(configPath, fileReader, parseYaml);
    fromFile = readFileValues(MINER_OPTIONS, doc, configPath);
  }
  const { values } = layer(MINER_OPTIONS, [
    ["file", fromFile],
    ["env", readEnv(MINER_OPTIONS, env, ENV_PREFIX)],
    ["flag", own as Partial<MinerConfig>],
  ]);
  const config: MinerConfig = { ...values };
  if (config.netuid === undefined) {
    const n = APEX_NETUIDS[config.network as keyof typeof APEX_NETUIDS];
    if (n !== undefined) config.netuid = n;
  }
  validateCombination(config);
  return {
    config,
    positionals: flags.positionals,
    command: layer(commandTable, [["flag", commandValues as Partial<OptionValues<C>>]]).values,
    warnings: retiredEnvWarnings(RETIRED_MINER_ENV, env),
  };
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
      throw new UsageError(
        "--hotkey-uri takes a dev key URI such as //Alice only; a mnemonic or seed does not belong on a command " +
          "line or in the environment (it shows in ps and logs): put it in a wallet (btcli wallet regen_hotkey, " +
          "or `wallet create`) and pass --coldkey NAME --hotkey NAME",
      );
    if (!isLocalChain(c))
      throw new UsageError(
        `--hotkey-uri is for local chains (sim, local, a served SimChain URL, --no-chain); on ${c.network} use a ` +
          "wallet (--coldkey, --hotkey)",
      );
  }
  if (!NETWORK_RE.test(c.network)) {
    throw new UsageError(`--network must be test, finney, local, sim or a ws(s)://… URL, got "${c.network}"`);
  }
  if (c.noChain && c.verify && c.trustedValidators.length === 0) {
    throw new UsageError(
      "--no-chain needs --trusted-validators SS58,… (the hotkeys allowed to query this miner), or --no-verify",
    );
  }
  if (c.generator === "llm" && !c.llmBaseUrl) {
    throw new UsageError(
      "--generator llm needs --llm-base-url (any OpenAI-compatible endpoint) and --llm-model",
    );
  }
  if (c.generator === "llm" && !c.llmModel) throw new UsageError("--generator llm needs --llm-model");
  if (c.discriminator === "llm" && (!c.llmBaseUrl || !c.llmModel)) {
    throw new UsageError(
      "--discriminator llm needs --llm-base-url (any OpenAI-compatible endpoint) and --llm-model",
    );
  }
}

/** A copy safe to log: the API key is replaced (a --hotkey-uri is a public dev URI, checked at load). */
export function redactConfig(c: MinerConfig): Record<string, unknown> {
  return { ...c, llmApiKey: c.llmApiKey ? "(set)" : undefined };
}

export function helpText(): string {
  return [
    "apex-miner: the Apex (Bittensor subnet 1) miner",
    "",
    "Usage:",
    "  apex-miner [flags]                                   run the miner",
    "  apex-miner train-discriminator --out FILE [--data FILE.jsonl ...] [--only-data] [--held-out-share F]",
    "                                 [--examples N] [--seed S] [--data-out FILE.jsonl]",
    "  apex-miner eval-discriminator --data FILE.jsonl [--model FILE | --discriminator NAME] [--json]",
    "  apex-miner make-data --out FILE.jsonl [--examples N] [--seed S]   write labelled examples",
    "  apex-miner --version                                 package version, Apex version, version key",
    "",
    "Flags (each also settable in the environment as shown, or as a key of --config FILE.yaml in camelCase, e.g.",
    "minValidatorStake; precedence: flags > environment > file > defaults):",
    "  --config FILE               YAML file of option: value (env APEX_MINER_CONFIG)",
    ...helpLines(MINER_OPTIONS, { envPrefix: ENV_PREFIX }),
    "",
    "train-discriminator flags (--seed as above):",
    ...helpLines(TRAIN_OPTIONS),
    "eval-discriminator flags (--discriminator, --discriminator-model as above):",
    ...helpLines(EVAL_OPTIONS),
    "make-data flags (--seed as above):",
    ...helpLines(MAKE_DATA_OPTIONS),
    "",
    "Environment only (secrets are never flags):",
    ...envOnlyLines(MINER_OPTIONS),
    "",
    "The miner verifies Epistula v2 signatures: requests must be signed for this hotkey within ±8 s, not",
    "replayed, by a validator (permit or stake ≥ --min-validator-stake) or a --trusted-validators hotkey.",
    "Every strategy answers within --budget-ms or falls back to a fast built-in answer.",
    "Routes: POST /v1/chat/completions, GET /health, GET /metrics (Prometheus).",
    "Exit codes: 0 done, 1 run-time failure, 2 usage error (bad flag, environment or config file).",
  ].join("\n");
}

/** The process environment, read here and nowhere else in the app. */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}
