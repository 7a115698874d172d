// The one place apex-localnet reads its command line. Every command's flags are declared here, once, as an option
// table (@apex/protocol/options): parsing, validation, defaults, the BT_WALLET_PATH environment name and the flag
// lines of --help all derive from it, so --help, validation and the compose-file test agree on what is accepted.
import {
  defineOptions,
  layer,
  type OptionTable,
  type OptionValues,
  parseFlags,
  readEnv,
  UsageError,
} from "@apex/protocol/options";

export { UsageError };

export type LocalnetCommand =
  | "run"
  | "chain"
  | "bootstrap"
  | "scenario"
  | "subtensor"
  | "wallet"
  | "dashboard"
  | "help";

export interface RunOptions {
  /** null: the in-process SimChain. Else a subtensor node's ws:// URL, or "subtensor" with `spec`. */
  network: string | null;
  /** With network "subtensor": the chain spec to run through chopsticks. */
  spec: string | null;
  miners: number;
  validators: number;
  rounds: number | null;
  virtual: boolean;
  hours: number | null;
  seed: number;
  report: string | null;
  plot: string | null;
  dashboardPort: number | null;
  chainPort: number | null;
  externalMiners: ExternalMinerSpec[];
  minerCmds: string[];
  llmBaseUrl: string | null;
  llmModel: string;
  /** From APEX_LLM_API_KEY only; never logged or written to the report. */
  llmApiKey: string | null;
  /** Replay recorded references (JSONL, label-0 lines) instead of writing them. */
  referenceCorpus: string | null;
  /** With --llm-base-url: append each reference the validators write to this JSONL file. */
  recordReferences: string | null;
  tempo: number;
  blockTimeMs: number;
  commitReveal: boolean;
  strategies: string[] | null;
  dataDir: string | null;
  /** Keep the temp data folder (no --data-dir) after the run and say where it is. */
  keep: boolean;
  /** Exit non-zero when the run found anomalies (built-in miners that missed answers). */
  strict: boolean;
  walletPath: string | null;
  json: boolean;
  quiet: boolean;
}

export interface ExternalMinerSpec {
  url: string;
  wallet?: { name: string; hotkey: string };
}

export interface BootstrapOptions {
  network: string;
  netuid: number | null;
  tempo: number;
  commitReveal: boolean;
  walletPath: string | null;
  validators: Array<{ wallet: string; hotkey: string }>;
  miners: Array<{ wallet: string; hotkey: string }>;
  stakeTao: number;
  fundTao: number;
  sudoUri: string;
  json: boolean;
}

export interface ScenarioOptions {
  name: string;
  network: string;
  json: boolean;
}

export interface SubtensorOptions {
  /** A chain spec you supply, or null with `fork`. */
  spec: string | null;
  /** Fork a live chain through chopsticks instead: its endpoint and a block (default its head). */
  fork: { endpoint: string; block?: number } | null;
  port: number;
  /** "instant": a block per extrinsic (and on request); "slot": every Aura slot of the runtime; or every N ms. */
  blocks: "instant" | "slot" | { blockTimeMs: number };
}

export type ParsedLocalnetArgs =
  | { command: "run"; options: RunOptions }
  | { command: "chain"; options: ChainOptions }
  | { command: "bootstrap"; options: BootstrapOptions }
  | { command: "scenario"; options: ScenarioOptions }
  | { command: "subtensor"; options: SubtensorOptions }
  | { command: "wallet"; argv: string[] }
  | { command: "dashboard"; argv: string[] }
  | { command: "help"; topic: string | null };

const COMMANDS = ["run", "chain", "bootstrap", "scenario", "subtensor", "wallet", "dashboard"] as const;
type Command = (typeof COMMANDS)[number];
const COMMAND_NAMES: ReadonlySet<string> = new Set(COMMANDS);
const isCommand = (word: string): word is Command => COMMAND_NAMES.has(word);

export const DEFAULT_CHAIN_PORT = 9955;
export const DEFAULT_DASHBOARD_PORT = 8787;

const port = { kind: "int", min: 0, max: 65535 } as const;
const tempo = { kind: "int", min: 1, max: 65535 } as const;
const blockTime = { kind: "int", min: 1, flag: "block-time", arg: "MS" } as const;
/** The wallets folder: --wallet-path, else BT_WALLET_PATH (the bittensor SDK's name), else ~/.bittensor/wallets. */
const walletPath = {
  kind: "string",
  env: "BT_WALLET_PATH",
  arg: "DIR",
  help: "wallets folder (else ~/.bittensor/wallets)",
} as const;
const json = { kind: "bool", help: "print the result as JSON" } as const;

/** `apex-localnet run`. The tempo and block time a run gets without the flag depend on --virtual (parseRun). */
export const RUN_OPTIONS = defineOptions({
  miners: { kind: "int", min: 0, max: 4096, default: 8, help: "miners to start (a mix of strategies)" },
  validators: { kind: "int", min: 1, max: 64, default: 1, help: "validators" },
  rounds: { kind: "int", min: 1, help: "stop after N rounds (all validators together) and exit 0" },
  virtual: {
    kind: "bool",
    help: "subnet time on a virtual clock, as fast as the machine allows (12 s blocks, tempo 360)",
  },
  hours: {
    kind: "number",
    min: 0,
    arg: "H",
    help: "with --virtual: how many subnet hours to play (1 when neither --hours nor --rounds is given)",
  },
  seed: {
    kind: "int",
    min: 0,
    max: 2 ** 31,
    default: 1,
    help: "seed of the run; a virtual run with the same seed gives the same report",
  },
  report: {
    kind: "string",
    arg: "FILE",
    help: "write a JSON report to FILE and a Markdown summary next to it",
  },
  plot: { kind: "string", arg: "DIR", help: "write incentive.svg and reward.svg charts to DIR" },
  dashboardPort: { ...port, default: DEFAULT_DASHBOARD_PORT, help: "dashboard port (0 picks a free one)" },
  dashboard: { kind: "bool", default: true, negated: true, flag: "no-dashboard", help: "no dashboard" },
  chainPort: {
    ...port,
    default: DEFAULT_CHAIN_PORT,
    help: "port of the SimChain served to other processes (0 picks a free one)",
  },
  serveChain: {
    kind: "bool",
    default: true,
    negated: true,
    flag: "no-serve-chain",
    help: "do not serve the SimChain to other processes",
  },
  externalMiners: {
    kind: "list",
    repeat: true,
    flag: "external-miner",
    arg: "URL[=WALLET:HOTKEY]",
    help:
      "a miner someone else runs (any language): registered with a fresh hotkey and its axon served; " +
      "URL=WALLET:HOTKEY uses that wallet's hotkey instead (--wallet-path to find it)",
  },
  minerCmds: {
    kind: "list",
    repeat: true,
    flag: "miner-cmd",
    arg: '"CMD"',
    help:
      "start your miner process; it gets APEX_MINER_PORT (listen there), APEX_MINER_HOTKEY_URI and " +
      "APEX_MINER_HOTKEY_SS58 (its dev hotkey), BT_SUBTENSOR_NETWORK=sim, BT_SUBTENSOR_CHAIN_ENDPOINT (the served " +
      "SimChain) and APEX_MINER_NETUID",
  },
  strategies: {
    kind: "list",
    arg: "GEN/DISC,…",
    help: "miner strategies as GEN/DISC pairs, cycled (e.g. offline/learned,dummy/random)",
  },
  llmBaseUrl: {
    kind: "string",
    arg: "URL",
    help: "validators use this OpenAI-compatible endpoint instead of the offline backend",
  },
  llmModel: { kind: "string", default: "deepseek-ai/DeepSeek-V3-0324", arg: "NAME", help: "its model" },
  // A secret: environment only, the name every app reads it under.
  llmApiKey: {
    kind: "string",
    flag: false,
    file: false,
    env: "APEX_LLM_API_KEY",
    help: "API key for --llm-base-url (never a flag)",
  },
  recordReferences: {
    kind: "string",
    arg: "FILE",
    help: "with --llm-base-url: append every reference the validators write to FILE (JSONL)",
  },
  referenceCorpus: {
    kind: "string",
    arg: "FILE",
    help:
      "replay recorded references (JSONL {query, generation, label: 0}) instead of writing them; without it and " +
      "without --llm-base-url, references come from the localnet's own offline writer (not the texts the " +
      "built-in learned miner was trained on)",
  },
  tempo: { ...tempo, arg: "T", help: "blocks per epoch (10; 360 with --virtual)" },
  blockTimeMs: { ...blockTime, help: "a block every MS (250; 12000 with --virtual)" },
  commitReveal: { kind: "bool", help: "weights by commit-reveal" },
  dataDir: {
    kind: "string",
    arg: "DIR",
    help: "where the validators' results DBs go (else a temp folder, removed at the end)",
  },
  keep: { kind: "bool", help: "keep that temp folder after the run and print where it is" },
  strict: {
    kind: "bool",
    help:
      "exit 3 when the run found anomalies (a built-in miner missed answers: timeouts, HTTP 429/401/413…, " +
      "transport errors, invalid answers); a warning is printed anyway",
  },
  walletPath,
  json: { kind: "bool", help: "print the report as JSON on stdout (the run's lines go to stderr)" },
  quiet: { kind: "bool", help: "no per-round lines or epoch tables (progress and summary only)" },
  network: {
    kind: "string",
    arg: "ws://URL|subtensor",
    help:
      "run on a subtensor node instead of SimChain (//Alice must be sudo; dev_newBlock is used when served); " +
      "subtensor with --spec starts the runtime of a chain spec you supply in chopsticks (node >= 22) and runs " +
      "on it, a block every Aura slot (docs/real-chains.md); the report names the runtime and how it differs " +
      "from SimChain",
  },
  spec: { kind: "string", arg: "FILE", help: "with --network subtensor: the chain spec" },
});

/** `apex-localnet chain`: a served SimChain. Its values are ChainOptions as they are. */
export const CHAIN_OPTIONS = defineOptions({
  port: { ...port, default: DEFAULT_CHAIN_PORT, help: "port to serve on (0 picks a free one)" },
  host: { kind: "string", default: "127.0.0.1", arg: "ADDRESS", help: "address to listen on" },
  blockTimeMs: { ...blockTime, default: 250, help: "a block every MS" },
  tempo: { ...tempo, default: 10, arg: "T", help: "blocks per epoch" },
});
export type ChainOptions = OptionValues<typeof CHAIN_OPTIONS>;

/** `apex-localnet bootstrap`: a fresh dev chain made ready for the subnet. */
export const BOOTSTRAP_OPTIONS = defineOptions({
  network: { kind: "string", arg: "sim|local|ws://HOST:PORT", help: "the chain to prepare (required)" },
  netuid: {
    ...port,
    help: "the netuid the other services expect: bootstrap fails if the chain assigns another (it assigns the next free one)",
  },
  validators: {
    kind: "list",
    repeat: true,
    flag: "validator",
    arg: "WALLET:HOTKEY",
    help: "register and stake",
  },
  miners: { kind: "list", repeat: true, flag: "miner", arg: "WALLET:HOTKEY", help: "register" },
  walletPath,
  stakeTao: { kind: "number", min: 0, default: 100_000, help: "stake per validator, TAO" },
  fundTao: {
    kind: "number",
    min: 0,
    default: 1_000,
    help:
      "TAO sent from sudo to each wallet's coldkey first, plus the validators' stake, on chains with balances " +
      "(0 to skip)",
  },
  tempo: { ...tempo, default: 10, arg: "T", help: "blocks per epoch" },
  commitReveal: { kind: "bool", help: "leave commit-reveal on" },
  sudoUri: { kind: "string", default: "//Alice", arg: "URI", help: "sudo key" },
  json,
});

/** `apex-localnet scenario NAME`. */
export const SCENARIO_OPTIONS = defineOptions({
  network: {
    kind: "string",
    default: "sim",
    arg: "sim|URL",
    help:
      "sim runs an in-process SimChain; http://… a served SimChain; local, ws://… or wss://… a subtensor node " +
      "(blocks are built with dev_newBlock when the node offers it, as chopsticks does)",
  },
  json,
});

/** `apex-localnet subtensor`: --spec FILE | --fork ENDPOINT [--block N], --port P, --block-time MS | --instant. */
export const SUBTENSOR_OPTIONS = defineOptions({
  spec: { kind: "string", arg: "FILE", help: "a subtensor chain spec you supply (plain or raw)" },
  fork: {
    kind: "string",
    arg: "ENDPOINT",
    help: "fork a live chain (wss://…) instead, state fetched lazily",
  },
  block: { kind: "int", min: 0, arg: "N", help: "with --fork: the block to fork at (else its head)" },
  blockTimeMs: {
    ...blockTime,
    help: "build a block every MS (else every Aura slot of the runtime, as a node of it would)",
  },
  instant: {
    kind: "bool",
    help: "build a block for each extrinsic, more on dev_newBlock (what bootstrap/scenario/run use to go fast)",
  },
  port: { ...port, default: 9944, help: "ws port" },
});

/** Every command's table, for --help and the tests that keep --help true. */
export const COMMAND_OPTIONS = {
  run: RUN_OPTIONS,
  chain: CHAIN_OPTIONS,
  bootstrap: BOOTSTRAP_OPTIONS,
  scenario: SCENARIO_OPTIONS,
  subtensor: SUBTENSOR_OPTIONS,
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/** A command's values: flags over its environment variables over the table's defaults. */
function read<T extends OptionTable>(
  table: T,
  command: Command,
  argv: readonly string[],
  env: Env,
  allowPositionals = false,
): { values: OptionValues<T>; positionals: string[] } {
  const flags = parseFlags(table, argv, { hint: `apex-localnet ${command} --help`, allowPositionals });
  const { values } = layer(table, [
    ["env", readEnv(table, env, undefined)],
    ["flag", flags.values],
  ]);
  return { values, positionals: flags.positionals };
}

export function parseExternalMiner(spec: string): ExternalMinerSpec {
  const eq = spec.indexOf("=");
  const urlText = eq === -1 ? spec : spec.slice(0, eq);
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    throw new UsageError(`--external-miner needs a URL like http://127.0.0.1:9000, got "${urlText}"`);
  }
  if (url.protocol !== "http:")
    throw new UsageError(`--external-miner: validators speak plain http, got ${url.protocol}`);
  if (!url.port)
    throw new UsageError(`--external-miner: give the port explicitly, as in http://127.0.0.1:9000`);
  if (eq === -1) return { url: `http://${url.host}` };
  const [name, hotkey, ...rest] = spec.slice(eq + 1).split(":");
  if (!name || !hotkey || rest.length > 0) {
    throw new UsageError(`--external-miner URL=WALLET:HOTKEY expected, got "${spec}"`);
  }
  return { url: `http://${url.host}`, wallet: { name, hotkey } };
}

function walletPairs(flag: string, values: readonly string[]) {
  return values.map((v) => {
    const [wallet, hotkey, ...rest] = v.split(":");
    if (!wallet || !hotkey || rest.length > 0)
      throw new UsageError(`--${flag} expects WALLET:HOTKEY, got "${v}"`);
    return { wallet, hotkey };
  });
}

/**
 * Parses an apex-localnet command line. `env` is read only for what the tables name (BT_WALLET_PATH); scripts
 * and tests may leave it out.
 */
export function parseLocalnetArgs(argv: string[], env: Env = {}): ParsedLocalnetArgs {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    return { command: "help", topic: first === "help" ? (rest[0] ?? null) : null };
  }
  if (!isCommand(first)) {
    throw new UsageError(
      `unknown command "${first}"; commands: ${COMMANDS.join(", ")} (apex-localnet --help)`,
    );
  }
  const command = first;
  if (rest.includes("--help") || rest.includes("-h")) {
    if (command !== "wallet" && command !== "dashboard") return { command: "help", topic: command };
  }
  switch (command) {
    case "wallet":
      return { command, argv: rest };
    case "dashboard":
      return { command, argv: rest };
    case "run":
      return { command, options: parseRun(rest, env) };
    case "chain":
      return { command, options: read(CHAIN_OPTIONS, command, rest, env).values };
    case "bootstrap":
      return { command, options: parseBootstrap(rest, env) };
    case "scenario": {
      const { values, positionals } = read(SCENARIO_OPTIONS, command, rest, env, true);
      const [name, ...extra] = positionals;
      if (!name)
        throw new UsageError("scenario needs a name: incentive, errors, commit-reveal or yuma-split");
      if (extra.length > 0) throw new UsageError(`scenario takes one name, got ${positionals.join(" ")}`);
      return { command, options: { name, network: values.network, json: values.json } };
    }
    case "subtensor":
      return { command, options: parseSubtensor(rest, env) };
  }
}

function parseBootstrap(argv: readonly string[], env: Env): BootstrapOptions {
  const { values: v } = read(BOOTSTRAP_OPTIONS, "bootstrap", argv, env);
  if (!v.network) throw new UsageError("bootstrap needs --network (sim, local or a ws:// URL)");
  return {
    network: v.network,
    netuid: v.netuid ?? null,
    tempo: v.tempo,
    commitReveal: v.commitReveal,
    walletPath: v.walletPath ?? null,
    validators: walletPairs("validator", v.validators),
    miners: walletPairs("miner", v.miners),
    stakeTao: v.stakeTao,
    fundTao: v.fundTao,
    sudoUri: v.sudoUri,
    json: v.json,
  };
}

/** --spec FILE | --fork ENDPOINT [--block N], --port P, --block-time MS | --instant */
export function parseSubtensor(argv: readonly string[], env: Env = {}): SubtensorOptions {
  const { values: v } = read(SUBTENSOR_OPTIONS, "subtensor", argv, env);
  const spec = v.spec ?? null;
  const endpoint = v.fork ?? null;
  if (Boolean(spec) === Boolean(endpoint))
    throw new UsageError(
      "subtensor needs --spec FILE (a chain spec you supply) or --fork ENDPOINT, not both",
    );
  if (v.block !== undefined && !endpoint) throw new UsageError("--block goes with --fork");
  if (endpoint && !/^wss?:\/\//.test(endpoint))
    throw new UsageError(`--fork wants a ws:// or wss:// URL, got "${endpoint}"`);
  if (v.instant && v.blockTimeMs !== undefined)
    throw new UsageError("--instant and --block-time are two ways to build blocks: give one");
  return {
    spec,
    fork: endpoint ? { endpoint, ...(v.block !== undefined ? { block: v.block } : {}) } : null,
    port: v.port,
    // Default: the runtime's own slot, the cadence a node of that runtime keeps.
    blocks: v.instant ? "instant" : v.blockTimeMs === undefined ? "slot" : { blockTimeMs: v.blockTimeMs },
  };
}

function parseRun(argv: readonly string[], env: Env): RunOptions {
  const { values: v } = read(RUN_OPTIONS, "run", argv, env);
  const virtual = v.virtual;
  const network = v.network ?? null;
  const spec = v.spec ?? null;
  if (network !== null) {
    if (network !== "subtensor" && !/^wss?:\/\//.test(network))
      throw new UsageError(`--network wants a ws:// URL or "subtensor" (with --spec), got "${network}"`);
    if ((network === "subtensor") !== (spec !== null))
      throw new UsageError("--spec FILE goes with --network subtensor, and --network subtensor needs it");
    if (virtual) throw new UsageError("--virtual runs on SimChain only: a real runtime keeps its own time");
    if (v.externalMiners.length > 0 || v.minerCmds.length > 0)
      throw new UsageError("--external-miner and --miner-cmd run on SimChain only for now");
  } else if (spec !== null) throw new UsageError("--spec goes with --network subtensor");
  const hours = v.hours ?? null;
  if (hours !== null && !virtual)
    throw new UsageError("--hours goes with --virtual (subnet time on a virtual clock)");
  const rounds = v.rounds ?? null;
  if (v.recordReferences && !v.llmBaseUrl)
    throw new UsageError("--record-references FILE records what --llm-base-url writes; give both");
  if (v.referenceCorpus && v.llmBaseUrl)
    throw new UsageError(
      "--reference-corpus replays recorded references; it does not go with --llm-base-url",
    );
  // The defaults that depend on --virtual (the table's help says so): a virtual run keeps mainnet's cadence.
  const blockDefault = virtual ? 12_000 : 250;
  const tempoDefault = virtual ? 360 : 10;
  return {
    network,
    spec,
    miners: v.miners,
    validators: v.validators,
    rounds,
    virtual,
    hours: virtual && hours === null && rounds === null ? 1 : hours,
    seed: v.seed,
    report: v.report ?? null,
    plot: v.plot ?? null,
    dashboardPort: v.dashboard ? v.dashboardPort : null,
    chainPort: v.serveChain ? v.chainPort : null,
    externalMiners: v.externalMiners.map(parseExternalMiner),
    minerCmds: v.minerCmds,
    llmBaseUrl: v.llmBaseUrl ?? null,
    llmModel: v.llmModel,
    llmApiKey: v.llmApiKey ?? null,
    referenceCorpus: v.referenceCorpus ?? null,
    recordReferences: v.recordReferences ?? null,
    tempo: v.tempo ?? tempoDefault,
    blockTimeMs: v.blockTimeMs ?? blockDefault,
    commitReveal: v.commitReveal,
    strategies: v.strategies.length > 0 ? v.strategies : null,
    dataDir: v.dataDir ?? null,
    keep: v.keep,
    strict: v.strict,
    walletPath: v.walletPath ?? null,
    json: v.json,
    quiet: v.quiet,
  };
}
