// The one place apex-localnet reads its command line. Every command's flags are declared here, so --help,
// validation and the compose-file test all agree on what is accepted.
import { parseArgs } from "node:util";

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
  /** Replay recorded references (JSONL, label-0 lines) instead of writing them. */
  referenceCorpus: string | null;
  /** With --llm-base-url: append each reference the validators write to this JSONL file. */
  recordReferences: string | null;
  fast: boolean;
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

export interface ChainOptions {
  port: number;
  host: string;
  blockTimeMs: number;
  tempo: number;
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

export class UsageError extends Error {
  override name = "UsageError";
}

const COMMANDS = ["run", "chain", "bootstrap", "scenario", "subtensor", "wallet", "dashboard"] as const;

export const DEFAULT_CHAIN_PORT = 9955;
export const DEFAULT_DASHBOARD_PORT = 8787;

function int(
  name: string,
  raw: string | undefined,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
) {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function num(name: string, raw: string | undefined, min: number): number | null {
  if (raw === undefined) return null;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min)
    throw new UsageError(`--${name} must be a number ≥ ${min}, got "${raw}"`);
  return n;
}

function parse(
  argv: string[],
  options: NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>["options"]>,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/^.*?: /, "")} (see --help)`);
  }
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

function walletPairs(flag: string, values: string[] | undefined) {
  return (values ?? []).map((v) => {
    const [wallet, hotkey, ...rest] = v.split(":");
    if (!wallet || !hotkey || rest.length > 0)
      throw new UsageError(`--${flag} expects WALLET:HOTKEY, got "${v}"`);
    return { wallet, hotkey };
  });
}

export function parseLocalnetArgs(argv: string[]): ParsedLocalnetArgs {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    return { command: "help", topic: first === "help" ? (rest[0] ?? null) : null };
  }
  if (!(COMMANDS as readonly string[]).includes(first)) {
    throw new UsageError(
      `unknown command "${first}"; commands: ${COMMANDS.join(", ")} (apex-localnet --help)`,
    );
  }
  const command = first as (typeof COMMANDS)[number];
  if (rest.includes("--help") || rest.includes("-h")) {
    if (command !== "wallet" && command !== "dashboard") return { command: "help", topic: command };
  }
  switch (command) {
    case "wallet":
      return { command, argv: rest };
    case "dashboard":
      return { command, argv: rest };
    case "run":
      return { command, options: parseRun(rest) };
    case "chain": {
      const { values } = parse(rest, {
        port: { type: "string" },
        host: { type: "string" },
        "block-time": { type: "string" },
        tempo: { type: "string" },
      });
      return {
        command,
        options: {
          port: int("port", values.port as string | undefined, DEFAULT_CHAIN_PORT, 0, 65535),
          host: (values.host as string | undefined) ?? "127.0.0.1",
          blockTimeMs: int("block-time", values["block-time"] as string | undefined, 250, 1),
          tempo: int("tempo", values.tempo as string | undefined, 10, 1, 65535),
        },
      };
    }
    case "bootstrap": {
      const { values } = parse(rest, {
        network: { type: "string" },
        netuid: { type: "string" },
        tempo: { type: "string" },
        "commit-reveal": { type: "boolean" },
        "wallet-path": { type: "string" },
        validator: { type: "string", multiple: true },
        miner: { type: "string", multiple: true },
        "stake-tao": { type: "string" },
        "fund-tao": { type: "string" },
        "sudo-uri": { type: "string" },
        json: { type: "boolean" },
      });
      if (!values.network) throw new UsageError("bootstrap needs --network (sim, local or a ws:// URL)");
      return {
        command,
        options: {
          network: values.network as string,
          netuid: values.netuid === undefined ? null : int("netuid", values.netuid as string, 0, 0, 65535),
          tempo: int("tempo", values.tempo as string | undefined, 10, 1, 65535),
          commitReveal: Boolean(values["commit-reveal"]),
          walletPath: (values["wallet-path"] as string | undefined) ?? null,
          validators: walletPairs("validator", values.validator as string[] | undefined),
          miners: walletPairs("miner", values.miner as string[] | undefined),
          stakeTao: num("stake-tao", values["stake-tao"] as string | undefined, 0) ?? 100_000,
          fundTao: num("fund-tao", values["fund-tao"] as string | undefined, 0) ?? 1_000,
          sudoUri: (values["sudo-uri"] as string | undefined) ?? "//Alice",
          json: Boolean(values.json),
        },
      };
    }
    case "scenario": {
      const { values, positionals } = parse(rest, { network: { type: "string" }, json: { type: "boolean" } });
      const name = positionals[0];
      if (!name)
        throw new UsageError("scenario needs a name: incentive, errors, commit-reveal or yuma-split");
      return {
        command,
        options: {
          name,
          network: (values.network as string | undefined) ?? "sim",
          json: Boolean(values.json),
        },
      };
    }
    case "subtensor":
      return { command, options: parseSubtensor(rest) };
  }
}

/** --spec FILE | --fork ENDPOINT [--block N], --port P, --block-time MS | --instant */
export function parseSubtensor(argv: string[]): SubtensorOptions {
  const { values } = parse(argv, {
    spec: { type: "string" },
    fork: { type: "string" },
    block: { type: "string" },
    port: { type: "string" },
    "block-time": { type: "string" },
    instant: { type: "boolean" },
  });
  const spec = (values.spec as string | undefined) ?? null;
  const endpoint = (values.fork as string | undefined) ?? null;
  if (Boolean(spec) === Boolean(endpoint))
    throw new UsageError(
      "subtensor needs --spec FILE (a chain spec you supply) or --fork ENDPOINT, not both",
    );
  if (values.block !== undefined && !endpoint) throw new UsageError("--block goes with --fork");
  if (endpoint && !/^wss?:\/\//.test(endpoint))
    throw new UsageError(`--fork wants a ws:// or wss:// URL, got "${endpoint}"`);
  if (values.instant && values["block-time"] !== undefined)
    throw new UsageError("--instant and --block-time are two ways to build blocks: give one");
  const blockTime = values["block-time"] as string | undefined;
  return {
    spec,
    fork: endpoint
      ? {
          endpoint,
          ...(values.block !== undefined ? { block: int("block", values.block as string, 0) } : {}),
        }
      : null,
    port: int("port", values.port as string | undefined, 9944, 0, 65535),
    // Default: the runtime's own slot, the cadence a node of that runtime keeps.
    blocks: values.instant
      ? "instant"
      : blockTime === undefined
        ? "slot"
        : { blockTimeMs: int("block-time", blockTime, 0, 1) },
  };
}

function parseRun(argv: string[]): RunOptions {
  const { values } = parse(argv, {
    miners: { type: "string" },
    validators: { type: "string" },
    rounds: { type: "string" },
    virtual: { type: "boolean" },
    hours: { type: "string" },
    seed: { type: "string" },
    report: { type: "string" },
    plot: { type: "string" },
    "dashboard-port": { type: "string" },
    "no-dashboard": { type: "boolean" },
    "chain-port": { type: "string" },
    "no-serve-chain": { type: "boolean" },
    "external-miner": { type: "string", multiple: true },
    "miner-cmd": { type: "string", multiple: true },
    "llm-base-url": { type: "string" },
    "llm-model": { type: "string" },
    "reference-corpus": { type: "string" },
    "record-references": { type: "string" },
    fast: { type: "boolean" },
    tempo: { type: "string" },
    "block-time": { type: "string" },
    "commit-reveal": { type: "boolean" },
    strategies: { type: "string" },
    "data-dir": { type: "string" },
    keep: { type: "boolean" },
    strict: { type: "boolean" },
    "wallet-path": { type: "string" },
    json: { type: "boolean" },
    quiet: { type: "boolean" },
    network: { type: "string" },
    spec: { type: "string" },
  });
  const virtual = Boolean(values.virtual);
  const network = (values.network as string | undefined) ?? null;
  const spec = (values.spec as string | undefined) ?? null;
  if (network !== null) {
    if (network !== "subtensor" && !/^wss?:\/\//.test(network))
      throw new UsageError(`--network wants a ws:// URL or "subtensor" (with --spec), got "${network}"`);
    if ((network === "subtensor") !== (spec !== null))
      throw new UsageError("--spec FILE goes with --network subtensor, and --network subtensor needs it");
    if (virtual) throw new UsageError("--virtual runs on SimChain only: a real runtime keeps its own time");
    if (values["external-miner"] || values["miner-cmd"])
      throw new UsageError("--external-miner and --miner-cmd run on SimChain only for now");
  } else if (spec !== null) throw new UsageError("--spec goes with --network subtensor");
  const hours = num("hours", values.hours as string | undefined, 0);
  if (hours !== null && !virtual)
    throw new UsageError("--hours goes with --virtual (subnet time on a virtual clock)");
  const rounds = values.rounds === undefined ? null : int("rounds", values.rounds as string, 0, 1);
  if (values["record-references"] && !values["llm-base-url"])
    throw new UsageError("--record-references FILE records what --llm-base-url writes; give both");
  if (values["reference-corpus"] && values["llm-base-url"])
    throw new UsageError(
      "--reference-corpus replays recorded references; it does not go with --llm-base-url",
    );
  const blockDefault = virtual ? 12_000 : 250;
  const tempoDefault = virtual ? 360 : 10;
  return {
    network,
    spec,
    miners: int("miners", values.miners as string | undefined, 8, 0, 4096),
    validators: int("validators", values.validators as string | undefined, 1, 1, 64),
    rounds,
    virtual,
    hours: virtual && hours === null && rounds === null ? 1 : hours,
    seed: int("seed", values.seed as string | undefined, 1, 0, 2 ** 31),
    report: (values.report as string | undefined) ?? null,
    plot: (values.plot as string | undefined) ?? null,
    dashboardPort: values["no-dashboard"]
      ? null
      : int(
          "dashboard-port",
          values["dashboard-port"] as string | undefined,
          DEFAULT_DASHBOARD_PORT,
          0,
          65535,
        ),
    chainPort: values["no-serve-chain"]
      ? null
      : int("chain-port", values["chain-port"] as string | undefined, DEFAULT_CHAIN_PORT, 0, 65535),
    externalMiners: ((values["external-miner"] as string[] | undefined) ?? []).map(parseExternalMiner),
    minerCmds: (values["miner-cmd"] as string[] | undefined) ?? [],
    llmBaseUrl: (values["llm-base-url"] as string | undefined) ?? null,
    llmModel: (values["llm-model"] as string | undefined) ?? "deepseek-ai/DeepSeek-V3-0324",
    referenceCorpus: (values["reference-corpus"] as string | undefined) ?? null,
    recordReferences: (values["record-references"] as string | undefined) ?? null,
    fast: Boolean(values.fast) || !virtual,
    tempo: int("tempo", values.tempo as string | undefined, tempoDefault, 1, 65535),
    blockTimeMs: int("block-time", values["block-time"] as string | undefined, blockDefault, 1),
    commitReveal: Boolean(values["commit-reveal"]),
    strategies: values.strategies ? (values.strategies as string).split(",").map((s) => s.trim()) : null,
    dataDir: (values["data-dir"] as string | undefined) ?? null,
    keep: Boolean(values.keep),
    strict: Boolean(values.strict),
    walletPath: (values["wallet-path"] as string | undefined) ?? null,
    json: Boolean(values.json),
    quiet: Boolean(values.quiet),
  };
}
