// The ONE place the validator reads configuration: flags > environment > YAML file > profile > defaults, validated
// with TypeBox and handed down as a typed object. No other module reads process.env.
//
// ValidatorConfigSchema is the validator's one option table: each node carries its YAML key (its place in the
// schema), type, range and default, and — when it is also a flag or an environment variable — `option({...})`
// metadata with the flag, the variable and the --help line. defaultValidatorConfig(), the flag parser's table
// (VALIDATOR_OPTIONS), the environment names and --help are all derived from it, so none can drift.
import { APEX_NETUIDS, GAME_DEFAULTS, MINER_REQUEST_TIMEOUT_MS, versionKey } from "@apex/protocol";
import {
  COMMAND_LINE_ONLY,
  defineOptions,
  didYouMean,
  envOnlyLines,
  helpLines,
  type OptionSpec,
  type OptionTable,
  parseFlags,
  readConfigDocument,
  readEnv,
  retiredEnvWarnings,
  UsageError,
} from "@apex/protocol/options";
import { type Static, Type } from "typebox";
import { Value } from "typebox/value";
import { parse as parseYaml } from "yaml";

/** Environment prefix of every flag-backed option without a bittensor (BT_*) name: APEX_VALIDATOR_<FLAG>. */
export const VALIDATOR_ENV_PREFIX = "APEX_VALIDATOR_";

/**
 * What makes a schema node an option besides its YAML key. `flag`: its command-line flag (without one, YAML and
 * environment only). `env`: its environment variable; default APEX_VALIDATOR_<FLAG> for a flag, none otherwise
 * (the BT_* names the bittensor SDK and btcli use for wallet and chain are given explicitly; secrets have a
 * variable and no flag). `text`: the flag and variable take one text for a node whose own type is not a scalar
 * (chain.network: one name; chain.miners: URL=SS58,…).
 */
export type OptionMeta = {
  help: string;
  flag?: string;
  short?: string;
  env?: string;
  arg?: string;
  text?: true;
};
const option = (meta: OptionMeta) => meta;

const Num = (def: number, min = 0, extra: Record<string, unknown> = {}) =>
  Type.Number({ minimum: min, default: def, ...extra });
const Int = (def: number, min = 0, extra: Record<string, unknown> = {}) =>
  Type.Integer({ minimum: min, default: def, ...extra });

export const MinerOverrideSchema = Type.Object(
  { url: Type.String({ minLength: 1 }), hotkey: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

/** `upstream` sets every consensus-relevant knob to Apex v3.0.6's value (UPSTREAM_PROFILE). */
const ProfileSchema = Type.Union([Type.Literal("default"), Type.Literal("upstream")], {
  default: "default",
  ...option({
    flag: "profile",
    help: "upstream = every weight-relevant knob at Apex v3.0.6's value",
  }),
});
export const PROFILES = ProfileSchema.anyOf.map((literal) => literal.const);

// Section and key names follow upstream's YAML (docs/upstream.md § Validator configuration); additions are
// documented in docs/validator.md. Every required key has its default here, and only here.
export const ValidatorConfigSchema = Type.Object(
  {
    profile: ProfileSchema,
    chain: Type.Object(
      {
        network: Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }))], {
          default: "finney",
          ...option({
            flag: "network",
            env: "BT_SUBTENSOR_NETWORK",
            arg: "NAME",
            text: true,
            help: "finney | test | local | sim | ws(s)://URL (YAML: also a list of endpoints)",
          }),
        }),
        netuid: Int(
          APEX_NETUIDS.finney,
          0,
          option({ flag: "netuid", help: "subnet (default 1 on finney, 61 on test)" }),
        ),
        coldkey: Type.String({
          default: "default",
          ...option({ flag: "coldkey", env: "BT_WALLET_NAME", arg: "NAME", help: "wallet (coldkey) name" }),
        }),
        hotkey: Type.String({
          default: "default",
          ...option({ flag: "hotkey", env: "BT_WALLET_HOTKEY", arg: "NAME", help: "hotkey name" }),
        }),
        wallet_path: Type.String({
          default: "~/.bittensor/wallets",
          ...option({ flag: "wallet-path", env: "BT_WALLET_PATH", arg: "DIR", help: "wallets directory" }),
        }),
        /** Served SimChain URL for network "sim", or an explicit ws endpoint. */
        endpoint: Type.Optional(
          Type.String(
            option({
              flag: "chain-endpoint",
              env: "BT_SUBTENSOR_CHAIN_ENDPOINT",
              arg: "URL",
              help: 'endpoint for "sim" (otherwise http://127.0.0.1:9955) or "local" (ws://127.0.0.1:9944)',
            }),
          ),
        ),
        no_chain: Type.Boolean({
          default: false,
          ...option({
            flag: "no-chain",
            help: "do not touch a chain; query --miners and only log the weights it would set",
          }),
        }),
        /** Test mode: exactly these miners (upstream's available_uids + available_addresses). */
        miners: Type.Array(MinerOverrideSchema, {
          default: [],
          ...option({
            flag: "miners",
            arg: "URL=SS58,...",
            text: true,
            help: "the miners to query in --no-chain mode",
          }),
        }),
        /**
         * What "stake" means for the candidate cut-off and the weight syncer: `total` = alpha + TAO × the chain's
         * TAO weight (what upstream reads as metagraph.stake), `alpha` = alpha only.
         */
        stake: Type.Union([Type.Literal("alpha"), Type.Literal("total")], { default: "alpha" }),
      },
      { additionalProperties: false },
    ),
    llm: Type.Object(
      {
        backend: Type.Union([Type.Literal("offline"), Type.Literal("openai")], { default: "offline" }),
        key: Type.Optional(
          Type.String(
            option({
              env: "APEX_LLM_API_KEY",
              help: "API key of the OpenAI-compatible LLM (offline without one)",
            }),
          ),
        ),
        base_url: Type.String({
          default: "https://llm.chutes.ai/v1",
          ...option({ env: "APEX_LLM_BASE_URL", help: "the LLM's base URL (llm.base_url)" }),
        }),
        model: Type.String({
          default: "deepseek-ai/DeepSeek-V3-0324",
          ...option({ env: "APEX_LLM_MODEL", help: "the LLM's model (llm.model)" }),
        }),
        max_tokens: Int(2048, 1),
        temperature: Num(0.1),
      },
      { additionalProperties: false },
    ),
    deep_research: Type.Object(
      {
        key: Type.Optional(
          Type.String(
            option({ env: "APEX_DEEP_RESEARCH_API_KEY", help: "API key for deep research (else the LLM's)" }),
          ),
        ),
        base_url: Type.Optional(Type.String()),
        research_model: Type.String({ default: "Qwen/Qwen3-235B-A22B-Instruct-2507" }),
        final_model: Type.String({ default: "deepseek-ai/DeepSeek-V3-0324" }),
        /** Per-model endpoint and key (upstream's research_/final_ base_url and key); default key/base_url. */
        research_base_url: Type.Optional(Type.String()),
        research_key: Type.Optional(Type.String()),
        final_base_url: Type.Optional(Type.String()),
        final_key: Type.Optional(Type.String()),
        max_steps: Int(20, 1),
        /** Wall budget for one reference, seconds. Upstream has none. */
        timeout: Num(600),
        /** Rough token budget (characters / 4) for one reference. Upstream has none. */
        max_tokens_total: Int(60_000, 1),
      },
      { additionalProperties: false },
    ),
    websearch: Type.Object(
      {
        backend: Type.Union([Type.Literal("offline"), Type.Literal("tavily")], { default: "offline" }),
        key: Type.Optional(
          Type.String(
            option({ env: "TAVILY_API_KEY", help: "Tavily web-search key (offline search without one)" }),
          ),
        ),
        max_results: Int(5, 1),
      },
      { additionalProperties: false },
    ),
    miner_sampler: Type.Object(
      {
        sample_mode: Type.Union([Type.Literal("sequential"), Type.Literal("random")], {
          default: "sequential",
        }),
        discriminator_sample_size: Int(GAME_DEFAULTS.discriminatorSampleSize, 1),
        generator_sample_size: Int(GAME_DEFAULTS.generatorSampleSize, 1),
        validator_min_stake: Num(GAME_DEFAULTS.validatorMinStake),
        available_uids: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }))),
        available_addresses: Type.Optional(Type.Array(Type.String())),
        dedupe_ip: Type.Boolean({ default: false }),
        dedupe_coldkey: Type.Boolean({ default: false }),
        /** auto: anything on sim/local (chains we run), public addresses only everywhere else, ws:// included. */
        address_policy: Type.Union([Type.Literal("auto"), Type.Literal("public"), Type.Literal("any")], {
          default: "auto",
        }),
        /** Total deadline per miner request, seconds. */
        request_timeout: Num(MINER_REQUEST_TIMEOUT_MS / 1000, 0.001),
        max_response_bytes: Int(1024 * 1024, 1),
        /** Largest discriminator body a generation may need; see pipeline.deliverability_check. */
        max_discriminator_body_bytes: Int(512 * 1024, 1),
        max_concurrency: Int(64, 1),
        candidate_ttl: Num(300),
        metagraph_ttl: Num(600),
      },
      { additionalProperties: false },
    ),
    miner_scorer: Type.Object(
      {
        /** Seconds between weight settings (upstream 1320). */
        interval: Num(GAME_DEFAULTS.scoreIntervalMs / 1000, 0.001),
        window_hours: Num(GAME_DEFAULTS.scoreWindowMs / 3_600_000, 0.0001),
        policy: Type.Union([Type.Literal("apex"), Type.Literal("gold-standard")], {
          default: "apex",
          ...option({ flag: "policy", help: "scoring policy (apex = upstream's)" }),
        }),
        /** Share of weight sent to the subnet owner's uid, 0..1. */
        burn_share: Num(0, 0, { maximum: 1 }),
        version_key: Int(versionKey(), 0),
        max_attempts: Int(5, 1),
        retry_backoff: Num(12),
        /** Appends {"date", "rewards"} to debug_rewards.jsonl each cycle, as upstream's MinerScorer(debug=True). */
        debug: Type.Boolean({ default: false }),
        /** float32: round rewards to float32 before the u16 conversion, as the bittensor SDK does for upstream. */
        weight_precision: Type.Union([Type.Literal("float64"), Type.Literal("float32")], {
          default: "float64",
        }),
        /**
         * buckets: window sums from ten-minute partial sums (fast). rows: row by row in stored order with the
         * cutoff at a whole second, as upstream's MinerScorer.set_scores (bit-identical totals).
         */
        summation: Type.Union([Type.Literal("buckets"), Type.Literal("rows")], { default: "buckets" }),
      },
      { additionalProperties: false },
    ),
    pipeline: Type.Object(
      {
        num_consumers: Int(5, 1),
        timeout_consumer: Num(1200),
        timeout_producer: Num(240, 0.001),
        queue_size: Int(10_000, 1),
        reference_rate: Num(GAME_DEFAULTS.referenceRate, 0, { maximum: 1 }),
        redundancy_rate: Num(GAME_DEFAULTS.redundancyRate, 0, { maximum: 1 }),
        /** Stop after this many finished rounds; 0 runs forever. */
        rounds: Int(0, 0, option({ flag: "rounds", help: "stop after N finished rounds (0 = forever)" })),
        /** Seed for the round RNG; unset means Math.random. */
        seed: Type.Optional(
          Type.Integer(
            option({ flag: "seed", help: "seed the round RNG (reproducible coin flips and samples)" }),
          ),
        ),
        /**
         * A generation whose discriminator body would pass miner_sampler.max_discriminator_body_bytes is a failed
         * generation, and a round most discriminators refused as too large pays its generator 0. false = upstream.
         */
        deliverability_check: Type.Boolean({ default: true }),
        /** Appends upstream's per-round record to debug/logs-YYYY-MM-DD.jsonl (upstream's LoggerLocal). */
        debug: Type.Boolean({ default: false }),
        /**
         * A discriminator reply whose `choices` is null/number/bool makes upstream drop the whole round (a miner
         * veto). safe: that reply is wrong and the round stands. upstream: the round is dropped.
         */
        drop_round_replies: Type.Union([Type.Literal("safe"), Type.Literal("upstream")], { default: "safe" }),
      },
      { additionalProperties: false },
    ),
    weight_syncer: Type.Object(
      {
        /** The syncer's own listener (get_rewards only), started with enable_send; upstream: 0.0.0.0:8001. */
        port: Int(8001, 0),
        host: Type.String({ default: "0.0.0.0" }),
        /**
         * The validator's public IP. With enable_send, the syncer listener is announced on chain at this IP and
         * its port, so peers find it in the metagraph as upstream's do.
         */
        external_ip: Type.Optional(Type.String()),
        enable_receive: Type.Boolean({ default: false }),
        enable_send: Type.Boolean({ default: false }),
        min_alpha_stake: Num(15_000),
        verified_hotkeys: Type.Array(
          Type.Object(
            { hotkey: Type.String(), address: Type.Optional(Type.String()) },
            { additionalProperties: false },
          ),
          { default: [] },
        ),
        expiry: Num(3600),
        request_timeout: Num(10, 0.001),
        /**
         * bounded (default): each validator's map scaled to sum 1 over metagraph hotkeys, one peer's share capped
         * at max_peer_share. upstream: v3.0.6's raw stake-weighted mean of the totals (overflowing peers skipped).
         */
        merge: Type.Union([Type.Literal("bounded"), Type.Literal("upstream")], { default: "bounded" }),
        max_peer_share: Num(0.5, 0, { maximum: 1 }),
      },
      { additionalProperties: false },
    ),
    logger_db: Type.Object(
      {
        db_path: Type.String({
          minLength: 1,
          default: "results.db",
          ...option({ flag: "db", arg: "FILE", help: "results database" }),
        }),
      },
      { additionalProperties: false },
    ),
    status: Type.Object(
      {
        host: Type.String({ default: "127.0.0.1" }),
        // 8002: upstream peers expect the weight syncer on 8001, and the two listeners must differ.
        port: Int(
          8002,
          0,
          option({
            flag: "port",
            help:
              "status server port: /health /metrics /api/status on 127.0.0.1 (0 = any free port). Peers reach " +
              "get_rewards on weight_syncer.port (8001), not here",
          }),
        ),
        enabled: Type.Boolean({ default: true }),
      },
      { additionalProperties: false },
    ),
    logging: Type.Object(
      {
        level: Type.Union(
          [
            Type.Literal("trace"),
            Type.Literal("debug"),
            Type.Literal("info"),
            Type.Literal("warn"),
            Type.Literal("error"),
            Type.Literal("silent"),
          ],
          {
            default: "info",
            ...option({
              flag: "log-level",
              help: "log level",
            }),
          },
        ),
        json: Type.Boolean({
          default: false,
          ...option({ flag: "json", help: "machine-readable output on stdout; logs go to stderr" }),
        }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type ValidatorConfig = Static<typeof ValidatorConfigSchema>;
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> | T[K] : T[K] };

/** The parts of a schema node the derivations below read (TypeBox schemas are JSON Schema objects). */
export interface SchemaNode extends Partial<OptionMeta> {
  type?: unknown;
  anyOf?: readonly SchemaNode[];
  const?: unknown;
  properties?: Readonly<Record<string, SchemaNode>>;
  required?: readonly string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
}
const ROOT: SchemaNode = ValidatorConfigSchema;

/** A schema's defaults: a required key without a default (or a section) is a mistake in the schema. */
export function schemaDefaults(node: SchemaNode, where = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = where ? `${where}.${key}` : key;
    if (child.default !== undefined) out[key] = structuredClone(child.default);
    else if (child.properties) out[key] = schemaDefaults(child, path);
    else if (node.required?.includes(key)) throw new Error(`ValidatorConfigSchema: ${path} has no default`);
  }
  return out;
}

/** The leaves of the schema (non-section nodes) with their dotted paths, in schema order. */
function schemaLeaves(node: SchemaNode, where = ""): Array<[string, SchemaNode]> {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]): Array<[string, SchemaNode]> => {
    const path = where ? `${where}.${key}` : key;
    return child.type === "object" && child.properties ? schemaLeaves(child, path) : [[path, child]];
  });
}

const snakeFlag = (flag: string) => flag.replaceAll("-", "_").toUpperCase();

/** The option-table entry of an annotated schema node: kind, range, default and values read from the schema. */
function optionSpecOf(path: string, node: SchemaNode, meta: OptionMeta): OptionSpec {
  const env = meta.env ?? (meta.flag ? `${VALIDATOR_ENV_PREFIX}${snakeFlag(meta.flag)}` : false);
  const base = {
    help: meta.help,
    flag: meta.flag ?? false,
    env,
    file: false,
    ...(meta.short ? { short: meta.short } : {}),
    ...(meta.arg ? { arg: meta.arg } : {}),
  } as const;
  const def = node.default;
  if (meta.text || node.type === "string")
    return { kind: "string", ...base, ...(typeof def === "string" ? { default: def } : {}) };
  if (node.type === "integer" || node.type === "number")
    return {
      kind: node.type === "integer" ? "int" : "number",
      ...base,
      ...(typeof def === "number" ? { default: def } : {}),
      ...(node.minimum !== undefined ? { min: node.minimum } : {}),
      ...(node.maximum !== undefined ? { max: node.maximum } : {}),
    };
  if (node.type === "boolean")
    return { kind: "bool", ...base, ...(typeof def === "boolean" ? { default: def } : {}) };
  const values = (node.anyOf ?? []).map((n) => n.const);
  if (values.length > 0 && values.every((v): v is string => typeof v === "string"))
    return { kind: "enum", values, ...base, ...(typeof def === "string" ? { default: def } : {}) };
  throw new Error(
    `ValidatorConfigSchema: option ${path} has a type the option table cannot read (text: true?)`,
  );
}

function annotated(node: SchemaNode): OptionMeta | undefined {
  const { help, flag, short, env, arg, text } = node;
  if (help === undefined) return undefined;
  return {
    help,
    ...(flag !== undefined ? { flag } : {}),
    ...(short !== undefined ? { short } : {}),
    ...(env !== undefined ? { env } : {}),
    ...(arg !== undefined ? { arg } : {}),
    ...(text ? { text } : {}),
  };
}

/** A schema's flag- and environment-backed options (its annotated nodes), keyed by dotted YAML path. */
export function optionTableOf(schema: SchemaNode): OptionTable {
  return Object.fromEntries(
    schemaLeaves(schema).flatMap(([path, node]) => {
      const meta = annotated(node);
      return meta ? [[path, optionSpecOf(path, node, meta)]] : [];
    }),
  );
}

/**
 * The validator's flag- and environment-backed options, keyed by their dotted YAML path (`chain.network`): what
 * parseFlags, readEnv and helpLines read.
 */
export const VALIDATOR_OPTIONS: OptionTable = optionTableOf(ROOT);

/** Checked once at load: the defaults must pass the schema (a bad default fails every test). */
const SCHEMA_DEFAULTS: ValidatorConfig = validateConfig(schemaDefaults(ROOT));

/** Every default, read from the schema (its one home). */
export function defaultValidatorConfig(): ValidatorConfig {
  return structuredClone(SCHEMA_DEFAULTS);
}

/** Upstream's VALIDATOR_VERIFIED_HOTKEYS (apex/common/constants.py, v3.0.6): always asked by the syncer. */
export const UPSTREAM_VERIFIED_HOTKEYS: ReadonlyArray<{ hotkey: string; address?: string }> = [
  { hotkey: "5CGLCBndTR1BvQZzn429ckT8GyxduzyjMgt4K1UVTYa8gKfb", address: "167.99.236.79:8001" },
  { hotkey: "5CUbyC2Ez7tWYYmnFSSwjqkw26dFNo9cXH8YmcxBSfxi2XSG" },
  { hotkey: "5C8Em1kDZi5rxgDN4zZtfoT7dUqJ7FFbTzS3yTP5GPgVUsn1" },
  { hotkey: "5HmkM6X1D3W3CuCSPuHhrbYyZNBy2aGAiZy9NczoJmtY25H7" },
  { hotkey: "5GeR3cDuuFKJ7p66wKGjY65MWjWnYqffq571ZMV4gKMnJqK5" },
  { hotkey: "5D1saVvssckE1XoPwPzdHrqYZtvBJ3vESsrPNxZ4zAxbKGs1" },
];

/**
 * `profile: upstream`: every knob that changes the weights set to Apex v3.0.6's value. Sources (docs/validator.md
 * has the table): window 23.75 h = SCORE_MA_WINDOW_HOURS (apex/validator/miner_scorer.py); float32 = the SDK's
 * convert_uids_and_weights (bittensor/utils/weight_utils.py, 9.9.0); total stake = the SDK metagraph's `stake`
 * (bittensor/core/metagraph.py); syncer defaults = WeightSyncer.__init__ and the example configs (send and receive
 * on, 15k, verified hotkeys from apex/common/constants.py, one hour of reward expiry, httpx's 5 s timeout).
 * Applied under the YAML file, environment and flags, so an explicit value still wins.
 */
export const UPSTREAM_PROFILE: DeepPartial<ValidatorConfig> = {
  chain: { stake: "total" },
  miner_sampler: { validator_min_stake: 24_000, discriminator_sample_size: 50, generator_sample_size: 1 },
  miner_scorer: {
    window_hours: 23.75,
    interval: 22 * 60,
    policy: "apex",
    burn_share: 0,
    weight_precision: "float32",
    summation: "rows",
  },
  pipeline: {
    reference_rate: 0.5,
    redundancy_rate: 0.05,
    drop_round_replies: "upstream",
    // Upstream forwards any generation and pays g = 1 − Σd even when no discriminator could receive it.
    deliverability_check: false,
  },
  weight_syncer: {
    enable_receive: true,
    enable_send: true,
    min_alpha_stake: 15_000,
    verified_hotkeys: [...UPSTREAM_VERIFIED_HOTKEYS],
    expiry: 3600,
    request_timeout: 5,
    // WeightSyncer.compute_weighted_rewards: the raw stake-weighted mean (overflowing peers still skipped).
    merge: "upstream",
  },
};

export type ProfileName = ValidatorConfig["profile"];

export function profilePreset(profile: ProfileName): DeepPartial<ValidatorConfig> {
  return profile === "upstream" ? { ...UPSTREAM_PROFILE, profile: "upstream" } : {};
}

/** The `--fast` preset: the same game on a local cadence (rounds every few seconds, weights every minute). */
export const FAST_PRESET: DeepPartial<ValidatorConfig> = {
  pipeline: { num_consumers: 2, timeout_consumer: 1, timeout_producer: 3 },
  miner_scorer: { interval: 60, retry_backoff: 1 },
  miner_sampler: { candidate_ttl: 5, metagraph_ttl: 5 },
  deep_research: { max_steps: 4, timeout: 60 },
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep merge; arrays and scalars replace, undefined is skipped. */
export function mergeConfig<T>(base: T, over: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(over)) return (over === undefined ? base : over) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? mergeConfig(out[k], v) : v;
  }
  return out as T;
}

/** Upstream YAML wraps each section as {class_loc?, kwargs: {...}}; accept that and the flat form. */
function unwrapSections(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, section] of Object.entries(doc)) {
    if (isPlainObject(section) && ("kwargs" in section || "class_loc" in section)) {
      const { kwargs, class_loc: _ignored, ...rest } = section as Record<string, unknown>;
      out[name] = { ...rest, ...(isPlainObject(kwargs) ? kwargs : {}) };
    } else {
      out[name] = section;
    }
  }
  // Upstream writes verified_hotkeys as {hotkey: "ip:port" | null}; ours is a list.
  const ws = out.weight_syncer;
  if (isPlainObject(ws) && isPlainObject(ws.verified_hotkeys)) {
    ws.verified_hotkeys = Object.entries(ws.verified_hotkeys).map(([hotkey, address]) =>
      typeof address === "string" ? { hotkey, address } : { hotkey },
    );
  }
  return out;
}

/**
 * Keys upstream's v3.0.6 constructors take (and its example configs carry) that change nothing here: accepted
 * with one warning each. "*" covers a whole section.
 */
export const UPSTREAM_NO_EFFECT: Readonly<Record<string, readonly string[] | "*">> = {
  deep_research: [
    "emb_base_url",
    "emb_key",
    "summary_model",
    "summary_base_url",
    "summary_key",
    "compression_model",
    "compression_base_url",
    "compression_key",
  ],
  // Removed from upstream's MinerSampler, still in its testnet example.
  miner_sampler: ["sample_size"],
  // Weights & Biases logging is not supported.
  logger_wandb: "*",
};

const sectionKeys = (section: string): string[] => Object.keys(ROOT.properties?.[section]?.properties ?? {});

/**
 * Removes upstream keys that have no effect here (one warning each) and refuses any other unknown section or key,
 * naming the closest known one.
 */
function screenUnknownKeys(
  sections: Record<string, unknown>,
  where: string,
  warn: (m: string) => void,
): void {
  const knownSections = Object.keys(ValidatorConfigSchema.properties);
  const problems: string[] = [];
  for (const [name, section] of Object.entries(sections)) {
    const noEffect = UPSTREAM_NO_EFFECT[name];
    if (!knownSections.includes(name)) {
      if (noEffect === "*") {
        const keys = isPlainObject(section) ? Object.keys(section) : [];
        for (const k of keys.length ? keys : ["(section)"])
          warn(`${where}: upstream key ${name}.${k} has no effect here (ignored)`);
        delete sections[name];
        continue;
      }
      const hint = didYouMean(name, knownSections);
      problems.push(`unknown section ${name}${hint ? ` (did you mean ${hint}?)` : ""}`);
      continue;
    }
    if (!isPlainObject(section)) continue;
    const known = sectionKeys(name);
    for (const key of Object.keys(section)) {
      if (known.includes(key)) continue;
      if (Array.isArray(noEffect) && noEffect.includes(key)) {
        warn(`${where}: upstream key ${name}.${key} has no effect here (ignored)`);
        delete section[key];
        continue;
      }
      const hint = didYouMean(key, known);
      problems.push(`unknown key ${name}.${key}${hint ? ` (did you mean ${name}.${hint}?)` : ""}`);
    }
  }
  if (problems.length) throw new UsageError(`config file ${where}: ${problems.join("; ")}`);
}

/** The YAML file's sections (upstream's, plus status and logging). */
const SECTIONS = Object.entries(ROOT.properties ?? {}).flatMap(([name, node]) =>
  node.properties ? [name] : [],
);

// The run command's flags that are not config keys. --fast is a preset, so it has no environment variable.
export const RUN_FLAGS = defineOptions({
  config: {
    kind: "string",
    short: "c",
    env: "APEX_VALIDATOR_CONFIG",
    file: false,
    arg: "FILE",
    help: `YAML config (sections as upstream: ${SECTIONS.join(", ")}; top level: profile)`,
  },
  fast: {
    kind: "bool",
    env: false,
    file: false,
    help: "local cadence: a round every few seconds, weights every minute",
  },
});

// The subcommands' own flags: command line only (no environment variable, no file key).
const commandFlag = COMMAND_LINE_ONLY;

/** --db of the subcommands that read an existing results database. */
const resultsDbFlag = {
  kind: "string",
  default: SCHEMA_DEFAULTS.logger_db.db_path,
  ...commandFlag,
  arg: "FILE",
  help: "results database",
} as const;

export const SCORES_OPTIONS = defineOptions({
  db: resultsDbFlag,
  window: {
    kind: "string",
    ...commandFlag,
    arg: "22h",
    help: "window (otherwise the profile's window_hours)",
  },
  at: {
    kind: "string",
    ...commandFlag,
    arg: "TIME",
    help: "score at TIME (ISO 8601 or unix seconds; otherwise now)",
  },
  metagraph: {
    kind: "string",
    ...commandFlag,
    arg: "FILE.json",
    help: "JSON array of {uid, hotkey, stake?}: also print the u16 weights",
  },
  profile: {
    kind: "enum",
    values: PROFILES,
    default: SCHEMA_DEFAULTS.profile,
    ...commandFlag,
    arg: "NAME",
    help: "whose scorer settings: default | upstream",
  },
  json: { kind: "bool", ...commandFlag, help: "one JSON line" },
});

export const IMPORT_UPSTREAM_OPTIONS = defineOptions({
  from: {
    kind: "string",
    ...commandFlag,
    arg: "OLD.db",
    help: "upstream (Python Apex) results.db (required)",
  },
  db: { kind: "string", ...commandFlag, arg: "NEW.db", help: "new results database to write (required)" },
});

export const EXPORT_OPTIONS = defineOptions({
  since: { kind: "string", ...commandFlag, arg: "DATE", help: "first day or time to export (required)" },
  db: resultsDbFlag,
});

/** Environment names the validator read before the one scheme (BT_* for wallet and chain, APEX_VALIDATOR_* else). */
export const RETIRED_VALIDATOR_ENV: Readonly<Record<string, string>> = {
  APEX_COLDKEY: "BT_WALLET_NAME",
  APEX_HOTKEY: "BT_WALLET_HOTKEY",
  APEX_PROFILE: "APEX_VALIDATOR_PROFILE",
};

/** `  NAME   help` for the options read from the environment only (secrets and the LLM endpoint). */
/** --help: the usage lines are written here; every flag line comes from an option table. */
export function validatorHelp(options: OptionTable = VALIDATOR_OPTIONS): string {
  return [
    "apex-validator: the Apex (Bittensor SN1) validator",
    "",
    "Usage:",
    "  apex-validator [flags]                       run the validator",
    "  apex-validator scores --db FILE [--window 22h] [--at TIME] [--metagraph FILE.json] [--profile upstream] [--json]",
    "                                               window totals per hotkey; with --metagraph also the u16 weights",
    "  apex-validator import-upstream --from OLD.db --db NEW.db",
    "                                               convert an upstream (Python Apex) results.db into ours",
    "  apex-validator export --since DATE [--db FILE]",
    "                                               rounds since DATE as JSON lines on stdout",
    "  apex-validator --version                     package version, Apex version, version key",
    "",
    "Flags (flags > environment > YAML file > profile > defaults; each flag's YAML key is in docs/validator.md):",
    ...helpLines(RUN_FLAGS),
    ...helpLines(options),
    "  -h, --help                  this text",
    "",
    "Environment only (secrets are never flags):",
    ...envOnlyLines(options),
    "",
    "scores flags:",
    ...helpLines(SCORES_OPTIONS),
    "import-upstream flags:",
    ...helpLines(IMPORT_UPSTREAM_OPTIONS),
    "export flags:",
    ...helpLines(EXPORT_OPTIONS),
    "",
    "Exit codes: 0 done, 1 run-time failure, 2 usage error (bad flag, environment or config file).",
    "",
  ].join("\n");
}

export const VALIDATOR_HELP = validatorHelp();

/** `URL=SS58,...` (the --miners text) as miner overrides; `source` names where it came from in errors. */
function parseMiners(text: string, source: string): Array<{ url: string; hotkey: string }> {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const eq = item.lastIndexOf("=");
      if (eq <= 0 || eq === item.length - 1)
        throw new UsageError(`${source}: "${item}" must look like http://127.0.0.1:8091=5F...SS58`);
      const url = item.slice(0, eq);
      if (!/^https?:\/\//.test(url))
        throw new UsageError(`${source}: "${url}" must start with http:// or https://`);
      return { url: url.replace(/\/+$/, ""), hotkey: item.slice(eq + 1) };
    });
}

export type FileReader = (path: string) => string;

function networkName(network: string | string[]): string {
  return Array.isArray(network) ? (network[0] ?? "finney") : network;
}

/**
 * Whether axons must be public addresses. Only a chain this project runs for you (`sim`, or `local`: the
 * localnet's subtensor) may point validators at private addresses; any other network, a `ws://` URL included
 * (a mainnet validator on its own node uses one), is treated as public, whatever it is called.
 */
export function isPublicNetwork(network: string | string[]): boolean {
  const n = networkName(network);
  return n !== "sim" && n !== "local";
}

/** The address policy the sampler AND the weight syncer follow: the configured one, or the network's. */
export function addressPolicy(config: Pick<ValidatorConfig, "chain" | "miner_sampler">): "public" | "any" {
  const p = config.miner_sampler.address_policy;
  if (p !== "auto") return p;
  return isPublicNetwork(config.chain.network) ? "public" : "any";
}

function isProfile(value: unknown): value is ProfileName {
  return PROFILES.some((p) => p === value);
}

/** Sets `a.b` in a nested overrides object. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  const last = keys.pop();
  if (last === undefined) return;
  let node = target;
  for (const key of keys) {
    const next = node[key];
    if (isPlainObject(next)) node = next;
    else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
  node[last] = value;
}

/** Flat option values (path → value, from flags or environment) as a nested override; --miners text decoded. */
function overridesOf(values: Readonly<Record<string, unknown>>, source: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(values)) {
    if (value === undefined) continue;
    setPath(
      out,
      path,
      path === "chain.miners" && typeof value === "string" ? parseMiners(value, source) : value,
    );
  }
  return out;
}

/** The dotted keys a YAML document sets (after unwrapping): `section.key`, or `profile` at the top level. */
function fileKeys(sections: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(sections).flatMap(([name, section]) =>
    isPlainObject(section) ? Object.keys(section).map((k) => `${name}.${k}`) : [name],
  );
}

/** The YAML file's sections, unwrapped and screened; null without a file or for an empty one. */
function readConfigFile(
  configPath: string,
  fileReader: FileReader,
  warn: (message: string) => void,
): Record<string, unknown> | null {
  const doc = readConfigDocument(configPath, fileReader, parseYaml);
  if (doc === null || doc === undefined) return null;
  if (!isPlainObject(doc))
    throw new UsageError(`config file ${configPath} must be a YAML mapping of sections`);
  const sections = unwrapSections(doc);
  screenUnknownKeys(sections, configPath, warn);
  return sections;
}

/**
 * Reads the whole configuration. `argv` excludes the node binary and script; `fileReader` reads the YAML
 * (injected so tests need no files); `warn` gets one line per ignored upstream key and per retired environment
 * name that is set. Throws a UsageError (exit code 2) saying what is wrong.
 */
export function loadValidatorConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  fileReader: FileReader,
  warn: (message: string) => void = () => {},
): ValidatorConfig {
  for (const message of retiredEnvWarnings(RETIRED_VALIDATOR_ENV, env)) warn(message);
  const parsed = parseFlags({ ...RUN_FLAGS, ...VALIDATOR_OPTIONS }, argv, { hint: "apex-validator --help" });
  const run = readEnv(RUN_FLAGS, env, undefined);
  const configFlag = parsed.values.config;
  const configPath = typeof configFlag === "string" ? configFlag : run.config;
  const fast = parsed.values.fast === true;

  const flagValues: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed.values))
    if (key in VALIDATOR_OPTIONS) flagValues[key] = value;
  const envValues: Record<string, unknown> = readEnv(VALIDATOR_OPTIONS, env, undefined);
  const fileSections = configPath ? readConfigFile(configPath, fileReader, warn) : null;
  // What was set on purpose, from this one read: derived defaults below apply only to the rest.
  const explicit = new Set([
    ...fileKeys(fileSections ?? {}),
    ...Object.keys(envValues),
    ...Object.keys(flagValues),
  ]);

  // The profile is the layer under the file: defaults < profile < YAML < environment < flags.
  const profile = flagValues.profile ?? envValues.profile ?? fileSections?.profile ?? SCHEMA_DEFAULTS.profile;
  if (!isProfile(profile))
    throw new UsageError(`profile must be "default" or "upstream", got ${JSON.stringify(profile)}`);
  let cfg = mergeConfig(defaultValidatorConfig(), profilePreset(profile));
  if (fileSections) cfg = mergeConfig(cfg, fileSections);
  cfg.profile = profile;
  cfg = mergeConfig(cfg, overridesOf(envValues, "environment APEX_VALIDATOR_MINERS"));
  if (fast) cfg = mergeConfig(cfg, FAST_PRESET);
  cfg = mergeConfig(cfg, overridesOf(flagValues, "--miners"));

  // Derived defaults: netuid per network unless given; real backends when keys are present.
  if (!explicit.has("chain.netuid")) {
    const n = networkName(cfg.chain.network);
    if (n === "test") cfg.chain.netuid = APEX_NETUIDS.test;
    else if (n === "finney") cfg.chain.netuid = APEX_NETUIDS.finney;
  }
  if (cfg.llm.key && cfg.llm.backend === "offline" && !explicit.has("llm.backend"))
    cfg.llm.backend = "openai";
  if (cfg.websearch.key && !explicit.has("websearch.backend")) cfg.websearch.backend = "tavily";
  const minersGiven = "chain.miners" in flagValues || "chain.miners" in envValues;
  if (cfg.chain.miners.length > 0 && !cfg.chain.no_chain && minersGiven)
    throw new UsageError("--miners is only used with --no-chain (the test mode); add --no-chain");

  return validateConfig(cfg);
}

/** Checks a full config object; throws a UsageError naming every bad field. */
export function validateConfig(cfg: unknown): ValidatorConfig {
  if (!Value.Check(ValidatorConfigSchema, cfg)) {
    const problems = [...Value.Errors(ValidatorConfigSchema, cfg)]
      .filter((e) => e.keyword !== "boolean")
      .slice(0, 12)
      .map((e) => {
        const where = e.instancePath.replace(/^\//, "").replaceAll("/", ".") || "(root)";
        const extra =
          e.keyword === "additionalProperties"
            ? ` (${(e.params as { additionalProperties?: string[] }).additionalProperties?.join(", ")})`
            : "";
        return `  ${where}: ${e.message}${extra}`;
      });
    throw new UsageError(`invalid validator config:\n${problems.join("\n")}`);
  }
  const c = cfg as ValidatorConfig;
  const sampler = c.miner_sampler;
  if (
    sampler.available_addresses &&
    sampler.available_addresses.length !== (sampler.available_uids?.length ?? -1)
  )
    throw new UsageError("miner_sampler.available_addresses needs available_uids of the same length");
  const ws = c.weight_syncer;
  if (ws.enable_send && c.status.enabled && ws.port !== 0 && ws.port === c.status.port)
    throw new UsageError(
      `weight_syncer.port and status.port are both ${ws.port}: the syncer has its own public listener and the ` +
        "status server stays local; move one (e.g. status.port: 8002, or --port 8002)",
    );
  if (c.chain.no_chain && c.chain.miners.length === 0)
    throw new UsageError("--no-chain needs --miners URL=SS58,... (the miners to query)");
  return c;
}

/** Builds a config from defaults plus overrides (what the localnet uses when it embeds a validator). */
export function makeValidatorConfig(overrides: DeepPartial<ValidatorConfig> = {}): ValidatorConfig {
  return validateConfig(mergeConfig(defaultValidatorConfig(), overrides));
}

/** The process environment; the only place the validator touches process.env. */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}
