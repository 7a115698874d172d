// The ONE place the validator reads configuration: flags > environment > YAML file > defaults,
// validated with TypeBox and handed down as a typed object. No other module reads process.env.
import { APEX_NETUIDS, GAME_DEFAULTS, MINER_REQUEST_TIMEOUT_MS, versionKey } from "@apex/protocol";
import { type Static, Type } from "typebox";
import { Value } from "typebox/value";
import { parse as parseYaml } from "yaml";

const Num = (def: number, min = 0, extra: Record<string, unknown> = {}) =>
  Type.Number({ minimum: min, default: def, ...extra });
const Int = (def: number, min = 0) => Type.Integer({ minimum: min, default: def });

export const MinerOverrideSchema = Type.Object(
  { url: Type.String({ minLength: 1 }), hotkey: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

// Section and key names follow upstream's YAML (docs/upstream.md § Validator configuration); additions are
// documented in docs/validator.md.
export const ValidatorConfigSchema = Type.Object(
  {
    /** `upstream` sets every consensus-relevant knob to Apex v3.0.6's value (UPSTREAM_PROFILE). */
    profile: Type.Union([Type.Literal("default"), Type.Literal("upstream")]),
    chain: Type.Object(
      {
        network: Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }))]),
        netuid: Int(1),
        coldkey: Type.String(),
        hotkey: Type.String(),
        wallet_path: Type.String(),
        /** Served SimChain URL for network "sim", or an explicit ws endpoint. */
        endpoint: Type.Optional(Type.String()),
        no_chain: Type.Boolean({ default: false }),
        /** Test mode: exactly these miners (upstream's available_uids + available_addresses). */
        miners: Type.Array(MinerOverrideSchema, { default: [] }),
        /**
         * What "stake" means for the candidate cut-off and the weight syncer: `total` = alpha + TAO × the chain's
         * TAO weight (what upstream reads as metagraph.stake), `alpha` = alpha only.
         */
        stake: Type.Union([Type.Literal("alpha"), Type.Literal("total")]),
      },
      { additionalProperties: false },
    ),
    llm: Type.Object(
      {
        backend: Type.Union([Type.Literal("offline"), Type.Literal("openai")]),
        key: Type.Optional(Type.String()),
        base_url: Type.String(),
        model: Type.String(),
        max_tokens: Int(2048, 1),
        temperature: Num(0.1),
      },
      { additionalProperties: false },
    ),
    deep_research: Type.Object(
      {
        key: Type.Optional(Type.String()),
        base_url: Type.Optional(Type.String()),
        research_model: Type.String(),
        final_model: Type.String(),
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
        backend: Type.Union([Type.Literal("offline"), Type.Literal("tavily")]),
        key: Type.Optional(Type.String()),
        max_results: Int(5, 1),
      },
      { additionalProperties: false },
    ),
    miner_sampler: Type.Object(
      {
        sample_mode: Type.Union([Type.Literal("sequential"), Type.Literal("random")]),
        discriminator_sample_size: Int(GAME_DEFAULTS.discriminatorSampleSize, 1),
        generator_sample_size: Int(GAME_DEFAULTS.generatorSampleSize, 1),
        validator_min_stake: Num(GAME_DEFAULTS.validatorMinStake),
        available_uids: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }))),
        available_addresses: Type.Optional(Type.Array(Type.String())),
        dedupe_ip: Type.Boolean({ default: false }),
        dedupe_coldkey: Type.Boolean({ default: false }),
        /** auto: anything on sim/local (chains we run), public addresses only everywhere else, ws:// included. */
        address_policy: Type.Union([Type.Literal("auto"), Type.Literal("public"), Type.Literal("any")]),
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
        policy: Type.Union([Type.Literal("apex"), Type.Literal("gold-standard")]),
        /** Share of weight sent to the subnet owner's uid, 0..1. */
        burn_share: Num(0, 0, { maximum: 1 }),
        version_key: Int(versionKey(), 0),
        max_attempts: Int(5, 1),
        retry_backoff: Num(12),
        /** Appends {"date", "rewards"} to debug_rewards.jsonl each cycle, as upstream's MinerScorer(debug=True). */
        debug: Type.Boolean({ default: false }),
        /** float32: round rewards to float32 before the u16 conversion, as the bittensor SDK does for upstream. */
        weight_precision: Type.Union([Type.Literal("float64"), Type.Literal("float32")]),
        /**
         * buckets: window sums from ten-minute partial sums (fast). rows: row by row in stored order with the
         * cutoff at a whole second, as upstream's MinerScorer.set_scores (bit-identical totals).
         */
        summation: Type.Union([Type.Literal("buckets"), Type.Literal("rows")]),
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
        rounds: Int(0),
        /** Seed for the round RNG; unset means Math.random. */
        seed: Type.Optional(Type.Integer()),
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
        drop_round_replies: Type.Union([Type.Literal("safe"), Type.Literal("upstream")]),
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
    logger_db: Type.Object({ db_path: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    status: Type.Object(
      // 8002: upstream peers expect the weight syncer on 8001, and the two listeners must differ.
      { host: Type.String(), port: Int(8002, 0), enabled: Type.Boolean({ default: true }) },
      { additionalProperties: false },
    ),
    logging: Type.Object(
      {
        level: Type.Union([
          Type.Literal("trace"),
          Type.Literal("debug"),
          Type.Literal("info"),
          Type.Literal("warn"),
          Type.Literal("error"),
          Type.Literal("silent"),
        ]),
        json: Type.Boolean({ default: false }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type ValidatorConfig = Static<typeof ValidatorConfigSchema>;
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> | T[K] : T[K] };

export function defaultValidatorConfig(): ValidatorConfig {
  return {
    profile: "default",
    chain: {
      network: "finney",
      netuid: APEX_NETUIDS.finney,
      coldkey: "default",
      hotkey: "default",
      wallet_path: "~/.bittensor/wallets",
      no_chain: false,
      miners: [],
      stake: "alpha",
    },
    llm: {
      backend: "offline",
      base_url: "https://llm.chutes.ai/v1",
      model: "deepseek-ai/DeepSeek-V3-0324",
      max_tokens: 2048,
      temperature: 0.1,
    },
    deep_research: {
      research_model: "Qwen/Qwen3-235B-A22B-Instruct-2507",
      final_model: "deepseek-ai/DeepSeek-V3-0324",
      max_steps: 20,
      timeout: 600,
      max_tokens_total: 60_000,
    },
    websearch: { backend: "offline", max_results: 5 },
    miner_sampler: {
      sample_mode: "sequential",
      discriminator_sample_size: GAME_DEFAULTS.discriminatorSampleSize,
      generator_sample_size: GAME_DEFAULTS.generatorSampleSize,
      validator_min_stake: GAME_DEFAULTS.validatorMinStake,
      dedupe_ip: false,
      dedupe_coldkey: false,
      address_policy: "auto",
      request_timeout: MINER_REQUEST_TIMEOUT_MS / 1000,
      max_response_bytes: 1024 * 1024,
      max_discriminator_body_bytes: 512 * 1024,
      max_concurrency: 64,
      candidate_ttl: 300,
      metagraph_ttl: 600,
    },
    miner_scorer: {
      interval: GAME_DEFAULTS.scoreIntervalMs / 1000,
      window_hours: GAME_DEFAULTS.scoreWindowMs / 3_600_000,
      policy: "apex",
      burn_share: 0,
      version_key: versionKey(),
      max_attempts: 5,
      retry_backoff: 12,
      debug: false,
      weight_precision: "float64",
      summation: "buckets",
    },
    pipeline: {
      num_consumers: 5,
      timeout_consumer: 1200,
      timeout_producer: 240,
      queue_size: 10_000,
      reference_rate: GAME_DEFAULTS.referenceRate,
      redundancy_rate: GAME_DEFAULTS.redundancyRate,
      rounds: 0,
      deliverability_check: true,
      debug: false,
      drop_round_replies: "safe",
    },
    weight_syncer: {
      port: 8001,
      host: "0.0.0.0",
      enable_receive: false,
      enable_send: false,
      min_alpha_stake: 15_000,
      verified_hotkeys: [],
      expiry: 3600,
      request_timeout: 10,
      merge: "bounded",
      max_peer_share: 0.5,
    },
    logger_db: { db_path: "results.db" },
    status: { host: "127.0.0.1", port: 8002, enabled: true },
    logging: { level: "info", json: false },
  };
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

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest known name, when it is close enough to be a typo. */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

const sectionKeys = (section: string): string[] => {
  const schema = (
    ValidatorConfigSchema.properties as Record<string, { properties?: Record<string, unknown> }>
  )[section];
  return Object.keys(schema?.properties ?? {});
};

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
  if (problems.length) throw new ConfigError(`config file ${where}: ${problems.join("; ")}`);
}

export interface CliFlags {
  config?: string;
  network?: string;
  netuid?: number;
  coldkey?: string;
  hotkey?: string;
  walletPath?: string;
  db?: string;
  port?: number;
  rounds?: number;
  fast?: boolean;
  noChain?: boolean;
  miners?: Array<{ url: string; hotkey: string }>;
  chainEndpoint?: string;
  json?: boolean;
  help?: boolean;
  logLevel?: string;
  seed?: number;
  policy?: string;
  profile?: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const FLAG_SPEC: Record<string, { key: keyof CliFlags; kind: "string" | "int" | "bool" | "miners" }> = {
  "--config": { key: "config", kind: "string" },
  "-c": { key: "config", kind: "string" },
  "--network": { key: "network", kind: "string" },
  "--netuid": { key: "netuid", kind: "int" },
  "--coldkey": { key: "coldkey", kind: "string" },
  "--hotkey": { key: "hotkey", kind: "string" },
  "--wallet-path": { key: "walletPath", kind: "string" },
  "--db": { key: "db", kind: "string" },
  "--port": { key: "port", kind: "int" },
  "--rounds": { key: "rounds", kind: "int" },
  "--fast": { key: "fast", kind: "bool" },
  "--no-chain": { key: "noChain", kind: "bool" },
  "--miners": { key: "miners", kind: "miners" },
  "--chain-endpoint": { key: "chainEndpoint", kind: "string" },
  "--json": { key: "json", kind: "bool" },
  "--help": { key: "help", kind: "bool" },
  "-h": { key: "help", kind: "bool" },
  "--log-level": { key: "logLevel", kind: "string" },
  "--seed": { key: "seed", kind: "int" },
  "--policy": { key: "policy", kind: "string" },
  "--profile": { key: "profile", kind: "string" },
};

export const VALIDATOR_HELP = `apex-validator: the Apex (Bittensor SN1) validator

Usage:
  apex-validator [flags]                       run the validator
  apex-validator scores --db FILE [--window 22h] [--at TIME] [--metagraph FILE.json] [--profile upstream] [--json]
                                               window totals per hotkey; with --metagraph also the u16 weights
  apex-validator import-upstream --from OLD.db --db NEW.db
                                               convert an upstream (Python Apex) results.db into ours
  apex-validator export --since DATE [--db FILE]
                                               rounds since DATE as JSON lines on stdout
  apex-validator --version                     package version, Apex version, version key

Flags (flags > environment > YAML file > defaults):
  -c, --config FILE      YAML config (sections as upstream: chain, llm, deep_research, websearch,
                         miner_sampler, miner_scorer, pipeline, weight_syncer, logger_db; plus status, logging)
  --network NAME         finney | test | local | sim | ws(s)://URL   (env BT_SUBTENSOR_NETWORK)
  --netuid N             subnet (default 1 on finney, 61 on test)
  --coldkey NAME         wallet name                                  (env APEX_COLDKEY)
  --hotkey NAME          hotkey name                                  (env APEX_HOTKEY)
  --wallet-path DIR      wallets directory (default ~/.bittensor/wallets, env BT_WALLET_PATH)
  --db FILE              results database (default results.db)
  --port N               status server port: /health /metrics /api/status (default 8002 on 127.0.0.1;
                         0 = any free port). Peers reach get_rewards on weight_syncer.port (8001), not here
  --rounds N             stop after N finished rounds (0 = forever)
  --fast                 local cadence: a round every few seconds, weights every minute
  --no-chain             do not touch a chain; query --miners and only log the weights it would set
  --miners URL=SS58,...  the miners to query in --no-chain mode
  --chain-endpoint URL   endpoint for "sim" (default http://127.0.0.1:9955) or "local" (ws://127.0.0.1:9944)
  --seed N               seed the round RNG (reproducible coin flips and samples)
  --policy NAME          apex (default, upstream scoring) | gold-standard
  --profile NAME         default | upstream (every weight-relevant knob at Apex v3.0.6's value; env APEX_PROFILE)
  --log-level LEVEL      trace | debug | info | warn | error | silent
  --json                 machine-readable output on stdout; logs go to stderr
  -h, --help             this text

Environment: APEX_LLM_API_KEY, APEX_LLM_BASE_URL, APEX_LLM_MODEL (OpenAI-compatible LLM; offline without a key),
  APEX_DEEP_RESEARCH_API_KEY, TAVILY_API_KEY (web search; offline without a key), APEX_VALIDATOR_CONFIG.
`;

function parseMiners(text: string): Array<{ url: string; hotkey: string }> {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const eq = item.lastIndexOf("=");
      if (eq <= 0 || eq === item.length - 1)
        throw new ConfigError(`--miners: "${item}" must look like http://127.0.0.1:8091=5F...SS58`);
      const url = item.slice(0, eq);
      if (!/^https?:\/\//.test(url))
        throw new ConfigError(`--miners: "${url}" must start with http:// or https://`);
      return { url: url.replace(/\/+$/, ""), hotkey: item.slice(eq + 1) };
    });
}

export function parseFlags(argv: readonly string[]): { flags: CliFlags; rest: string[] } {
  const flags: CliFlags = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const [name, inline] =
      raw.startsWith("--") && raw.includes("=")
        ? [raw.slice(0, raw.indexOf("=")), raw.slice(raw.indexOf("=") + 1)]
        : [raw, undefined];
    const spec = FLAG_SPEC[name];
    if (!spec) {
      if (raw.startsWith("-")) throw new ConfigError(`unknown flag ${raw}; see --help`);
      rest.push(raw);
      continue;
    }
    const rec = flags as Record<string, unknown>;
    if (spec.kind === "bool") {
      rec[spec.key] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${name} needs a value; see --help`);
    if (spec.kind === "int") {
      if (!/^-?\d+$/.test(value)) throw new ConfigError(`${name} must be an integer, got "${value}"`);
      rec[spec.key] = Number(value);
    } else if (spec.kind === "miners") {
      rec[spec.key] = parseMiners(value);
    } else {
      rec[spec.key] = value;
    }
  }
  return { flags, rest };
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

/**
 * Reads the whole configuration. `argv` excludes the node binary and script; `fileReader` reads the YAML
 * (injected so tests need no files).
 */
export function loadValidatorConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  fileReader: FileReader,
  warn: (message: string) => void = () => {},
): ValidatorConfig {
  const { flags } = parseFlags(argv);
  let cfg = defaultValidatorConfig();
  let fileProfile: unknown;
  let fileSections: Record<string, unknown> | null = null;

  const configPath = flags.config ?? env.APEX_VALIDATOR_CONFIG;
  let fileNetuid = false;
  if (configPath) {
    let text: string;
    try {
      text = fileReader(configPath);
    } catch (err) {
      throw new ConfigError(`cannot read config file ${configPath}: ${(err as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (err) {
      throw new ConfigError(`config file ${configPath} is not valid YAML: ${(err as Error).message}`);
    }
    if (doc !== null && doc !== undefined) {
      if (!isPlainObject(doc))
        throw new ConfigError(`config file ${configPath} must be a YAML mapping of sections`);
      const sections = unwrapSections(doc);
      screenUnknownKeys(sections, configPath, warn);
      fileProfile = sections.profile;
      fileNetuid = isPlainObject(sections.chain) && "netuid" in sections.chain;
      fileSections = sections;
    }
  }

  // The profile is the layer under the file: defaults < profile < YAML < environment < flags.
  const profile = flags.profile ?? env.APEX_PROFILE ?? fileProfile ?? "default";
  if (profile !== "default" && profile !== "upstream")
    throw new ConfigError(`profile must be "default" or "upstream", got ${JSON.stringify(profile)}`);
  cfg = mergeConfig(cfg, profilePreset(profile));
  if (fileSections) cfg = mergeConfig(cfg, fileSections);
  cfg.profile = profile;

  // Environment.
  const envOver: DeepPartial<ValidatorConfig> = {
    chain: {
      network: env.BT_SUBTENSOR_NETWORK,
      coldkey: env.APEX_COLDKEY,
      hotkey: env.APEX_HOTKEY,
      wallet_path: env.BT_WALLET_PATH,
    },
    llm: { key: env.APEX_LLM_API_KEY, base_url: env.APEX_LLM_BASE_URL, model: env.APEX_LLM_MODEL },
    deep_research: { key: env.APEX_DEEP_RESEARCH_API_KEY },
    websearch: { key: env.TAVILY_API_KEY },
  };
  cfg = mergeConfig(cfg, envOver);

  // Flags.
  if (flags.fast) cfg = mergeConfig(cfg, FAST_PRESET);
  const flagOver: DeepPartial<ValidatorConfig> = {
    chain: {
      network: flags.network,
      netuid: flags.netuid,
      coldkey: flags.coldkey,
      hotkey: flags.hotkey,
      wallet_path: flags.walletPath,
      endpoint: flags.chainEndpoint,
      no_chain: flags.noChain,
      miners: flags.miners,
    },
    logger_db: { db_path: flags.db },
    status: { port: flags.port },
    pipeline: { rounds: flags.rounds, seed: flags.seed },
    logging: { level: flags.logLevel as ValidatorConfig["logging"]["level"] | undefined, json: flags.json },
    miner_scorer: { policy: flags.policy as ValidatorConfig["miner_scorer"]["policy"] | undefined },
  };
  cfg = mergeConfig(cfg, flagOver);

  // Derived defaults: netuid per network unless given; real backends when keys are present.
  if (flags.netuid === undefined && !fileNetuid) {
    const n = networkName(cfg.chain.network);
    if (n === "test") cfg.chain.netuid = APEX_NETUIDS.test;
    else if (n === "finney") cfg.chain.netuid = APEX_NETUIDS.finney;
  }
  if (cfg.llm.key && cfg.llm.backend === "offline" && !hasExplicit(configPath, fileReader, "llm", "backend"))
    cfg.llm.backend = "openai";
  if (cfg.websearch.key && !hasExplicit(configPath, fileReader, "websearch", "backend"))
    cfg.websearch.backend = "tavily";
  if (cfg.chain.miners.length > 0 && !cfg.chain.no_chain && flags.miners)
    throw new ConfigError("--miners is only used with --no-chain (the test mode); add --no-chain");

  return validateConfig(cfg);
}

function hasExplicit(path: string | undefined, reader: FileReader, section: string, key: string): boolean {
  if (!path) return false;
  try {
    const doc = unwrapSections((parseYaml(reader(path)) ?? {}) as Record<string, unknown>);
    const s = doc[section];
    return isPlainObject(s) && key in s;
  } catch {
    return false;
  }
}

/** Checks a full config object; throws a ConfigError naming every bad field. */
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
    throw new ConfigError(`invalid validator config:\n${problems.join("\n")}`);
  }
  const c = cfg as ValidatorConfig;
  const sampler = c.miner_sampler;
  if (
    sampler.available_addresses &&
    sampler.available_addresses.length !== (sampler.available_uids?.length ?? -1)
  )
    throw new ConfigError("miner_sampler.available_addresses needs available_uids of the same length");
  const ws = c.weight_syncer;
  if (ws.enable_send && c.status.enabled && ws.port !== 0 && ws.port === c.status.port)
    throw new ConfigError(
      `weight_syncer.port and status.port are both ${ws.port}: the syncer has its own public listener and the ` +
        "status server stays local; move one (e.g. status.port: 8002, or --port 8002)",
    );
  if (c.chain.no_chain && c.chain.miners.length === 0)
    throw new ConfigError("--no-chain needs --miners URL=SS58,... (the miners to query)");
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
