#!/usr/bin/env node
// apex-validator: run the validator, or read its results DB (scores, export).
import { readFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { connectChain, type Metagraph } from "@apex/chain";
import { importUpstreamResults, openResultsStore } from "@apex/db";
import {
  OfflineBackend,
  OfflineWebSearch,
  OpenAIBackend,
  TavilySearch,
  type TextBackend,
  type WebSearch,
} from "@apex/llm";
import { epistulaReady, type Signer, systemClock } from "@apex/protocol";
import { isMainModule, packageVersionNextTo, versionLine } from "@apex/protocol/cli-support";
import { exitCodeOf, layer, parseFlags, UsageError } from "@apex/protocol/options";
import { devKeypair, loadHotkey, resolveWalletRoot } from "@apex/wallet";
import {
  defaultValidatorConfig,
  EXPORT_OPTIONS,
  IMPORT_UPSTREAM_OPTIONS,
  loadValidatorConfig,
  processEnv,
  profilePreset,
  SCORES_OPTIONS,
  VALIDATOR_HELP,
  type ValidatorConfig,
} from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { parseWindow, rewardsToVector, scoreWindow, vectorToU16 } from "./scorer.js";
import { buildStatusServer } from "./status.js";
import { announceSyncerAxon, syncerAxonParams } from "./syncer.js";
import { buildSyncerServer } from "./syncer-server.js";
import { createValidator } from "./validator.js";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  readFile: (path: string) => string;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal?: Promise<void>;
}

function defaultIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: processEnv(),
    readFile: (p) => readFileSync(p, "utf8"),
    stopSignal: new Promise((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    }),
  };
}

const HINT = "apex-validator --help";

/** "2025-12-02T12:00:00Z", or unix time in seconds (≤ 1e11) or ms. */
export function parseAt(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    return n <= 1e11 ? n * 1000 : n;
  }
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new UsageError(`--at "${text}" is not a time (ISO 8601 or unix seconds)`);
  return ms;
}

/** `--metagraph FILE.json`: a JSON array of {uid, hotkey, stake?}. */
function readMetagraphFile(path: string, io: CliIo): Metagraph {
  let doc: unknown;
  try {
    doc = JSON.parse(io.readFile(path));
  } catch (err) {
    throw new UsageError(`--metagraph ${path}: ${(err as Error).message}`);
  }
  if (!Array.isArray(doc))
    throw new UsageError(`--metagraph ${path}: expected a JSON array of {uid, hotkey}`);
  const neurons = doc.map((n, i) => {
    const e = n as { uid?: unknown; hotkey?: unknown; stake?: unknown };
    if (!Number.isInteger(e.uid) || typeof e.hotkey !== "string")
      throw new UsageError(`--metagraph ${path}: entry ${i} needs an integer uid and a string hotkey`);
    const stake = typeof e.stake === "number" ? e.stake : 0;
    return { uid: e.uid, hotkey: e.hotkey, stake, totalStake: stake };
  });
  return { netuid: 0, block: 0, taoWeight: 0, neurons: neurons as unknown as Metagraph["neurons"] };
}

function scoresCommand(argv: string[], io: CliIo): number {
  const flags = layer(SCORES_OPTIONS, [
    ["flag", parseFlags(SCORES_OPTIONS, argv, { hint: HINT }).values],
  ]).values;
  const { db, at: atText, metagraph: metagraphPath, json } = flags;
  const preset = profilePreset(flags.profile).miner_scorer ?? {};
  const defaults = defaultValidatorConfig().miner_scorer;
  const windowHours = flags.window
    ? parseWindow(flags.window) / 3_600_000
    : (preset.window_hours ?? defaults.window_hours);
  const now = atText ? parseAt(atText) : systemClock.now();
  const store = openResultsStore(db, { readonly: true });
  try {
    const totals = scoreWindow(store, now, {
      windowHours,
      policy: "apex",
      summation: preset.summation ?? defaults.summation,
    });
    const sorted = Object.fromEntries([...totals].sort((a, b) => b[1] - a[1]));
    if (!metagraphPath) {
      if (json) io.stdout(`${JSON.stringify(sorted)}\n`);
      else for (const [h, t] of Object.entries(sorted)) io.stdout(`${h}\t${t.toFixed(6)}\n`);
      return 0;
    }
    const mg = readMetagraphFile(metagraphPath, io);
    const w = vectorToU16(rewardsToVector(totals, mg), preset.weight_precision ?? defaults.weight_precision);
    if (json) io.stdout(`${JSON.stringify({ totals: sorted, weights: { uids: w.uids, u16: w.weights } })}\n`);
    else {
      for (const [h, t] of Object.entries(sorted)) io.stdout(`${h}\t${t.toFixed(6)}\n`);
      io.stdout(`uids\t${w.uids.join(",")}\nu16\t${w.weights.join(",")}\n`);
    }
  } finally {
    store.close();
  }
  return 0;
}

function importUpstreamCommand(argv: string[], io: CliIo): number {
  const { from, db } = parseFlags(IMPORT_UPSTREAM_OPTIONS, argv, { hint: HINT }).values;
  if (!from || !db) throw new UsageError("import-upstream: usage: import-upstream --from OLD.db --db NEW.db");
  if (resolvePath(from) === resolvePath(db))
    throw new UsageError("import-upstream: --db must be a new file, not the upstream file itself");
  // Opening the target refuses an upstream-schema file: nothing is ever converted in place.
  const store = openResultsStore(db);
  try {
    const started = systemClock.now();
    const report = importUpstreamResults(from, store, {
      onProgress: (done, total) => io.stderr(`import-upstream: ${done}/${total} rows\n`),
    });
    const seconds = ((systemClock.now() - started) / 1000).toFixed(1);
    io.stdout(`${JSON.stringify({ from, db, ...report, seconds: Number(seconds) })}\n`);
    if (report.conflicts > 0) {
      io.stderr(
        `import-upstream: ${report.conflicts} round(s) already in ${db} differ from ${from}; they were not overwritten\n`,
      );
      return 1;
    }
    return 0;
  } finally {
    store.close();
  }
}

function exportCommand(argv: string[], io: CliIo): number {
  const { db, since: sinceText } = layer(EXPORT_OPTIONS, [
    ["flag", parseFlags(EXPORT_OPTIONS, argv, { hint: HINT }).values],
  ]).values;
  if (!sinceText)
    throw new UsageError("export: --since DATE is required (e.g. 2026-01-01 or 2026-01-01T12:00:00Z)");
  const since = Date.parse(sinceText);
  if (!Number.isFinite(since)) throw new UsageError(`export: --since "${sinceText}" is not a date`);
  const store = openResultsStore(db, { readonly: true });
  try {
    for (const r of store.exportRounds(since)) io.stdout(`${JSON.stringify(r)}\n`);
  } finally {
    store.close();
  }
  return 0;
}

async function loadSigner(config: ValidatorConfig, env: CliIo["env"], logger: Logger): Promise<Signer> {
  const root = resolveWalletRoot(config.chain.wallet_path, env);
  try {
    return await loadHotkey({ root, wallet: config.chain.coldkey, hotkey: config.chain.hotkey, env });
  } catch (err) {
    if (!config.chain.no_chain) throw err;
    // Test mode needs only some key to sign requests with; say so loudly.
    logger.warn({ err }, "no wallet hotkey; --no-chain mode signs with the dev key //ApexValidator");
    return devKeypair("//ApexValidator");
  }
}

function backends(config: ValidatorConfig, seed: number | undefined) {
  const offline = new OfflineBackend(seed !== undefined ? { seed } : {});
  const backend: TextBackend =
    config.llm.backend === "openai"
      ? new OpenAIBackend({ baseURL: config.llm.base_url, apiKey: config.llm.key, model: config.llm.model })
      : offline;
  const dr = config.deep_research;
  const researchBackend: TextBackend =
    config.llm.backend === "openai"
      ? new OpenAIBackend({
          baseURL: dr.research_base_url ?? dr.base_url ?? config.llm.base_url,
          apiKey: dr.research_key ?? dr.key ?? config.llm.key,
          model: dr.research_model,
        })
      : offline;
  const finalBackend: TextBackend =
    config.llm.backend === "openai"
      ? new OpenAIBackend({
          baseURL: dr.final_base_url ?? dr.base_url ?? config.llm.base_url,
          apiKey: dr.final_key ?? dr.key ?? config.llm.key,
          model: dr.final_model,
        })
      : offline;
  const search: WebSearch =
    config.websearch.backend === "tavily" && config.websearch.key
      ? new TavilySearch({ apiKey: config.websearch.key })
      : new OfflineWebSearch(seed !== undefined ? { seed } : {});
  return { backend, researchBackend, finalBackend, search };
}

async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const config = loadValidatorConfig(argv, io.env, io.readFile, (m) =>
    io.stderr(`apex-validator: warning: ${m}\n`),
  );
  const logger = createLogger(config.logging.level, io.stderr);
  await epistulaReady();
  const hotkey = await loadSigner(config, io.env, logger);
  const chain = config.chain.no_chain
    ? null
    : await connectChain({ network: config.chain.network, endpoint: config.chain.endpoint });
  const store = openResultsStore(config.logger_db.db_path);
  const { backend, researchBackend, finalBackend, search } = backends(config, config.pipeline.seed);
  const validator = createValidator(config, {
    chain,
    hotkey,
    store,
    backend,
    researchBackend,
    finalBackend,
    search,
    // A validator process on its own runs in real time: the system clock is its one clock.
    clock: systemClock,
    logger,
  });
  const server = config.status.enabled ? buildStatusServer(validator) : null;
  const ws = config.weight_syncer;
  const syncerServer = ws.enable_send ? buildSyncerServer(validator) : null;
  try {
    if (server) {
      const address = await server.listen({ host: config.status.host, port: config.status.port });
      logger.info({ address }, "status server listening (/health, /metrics, /api/status)");
    }
    if (syncerServer) {
      const address = await syncerServer.listen({ host: ws.host, port: ws.port });
      logger.info({ address }, "weight syncer listening (POST /v1/get_rewards)");
      if (chain) {
        if (!ws.external_ip) {
          logger.warn(
            "weight_syncer.enable_send is on but weight_syncer.external_ip is not set: peers will not find this " +
              "validator in the metagraph (only through their verified_hotkeys)",
          );
        } else {
          const port = (syncerServer.server.address() as { port: number }).port;
          const params = syncerAxonParams(config.chain.netuid, ws.external_ip, port);
          const done = await announceSyncerAxon(chain, hotkey, params);
          logger.info({ ip: params.ip, port, done }, "weight syncer axon announced");
        }
      }
    }
    validator.start();
    await Promise.race([validator.done(), io.stopSignal ?? new Promise(() => {})]);
    await validator.stop();
    if (config.logging.json) {
      const s = await validator.status(config.pipeline.rounds || 20);
      io.stdout(
        `${JSON.stringify({
          hotkey: s.hotkey,
          rounds: s.roundsThisRun,
          missing: s.missing,
          windowTotals: s.windowTotals,
          lastWeightSubmission: s.lastWeightSubmission,
        })}\n`,
      );
    }
    return 0;
  } finally {
    await server?.close();
    await syncerServer?.close();
    store.close();
    await chain?.close();
  }
}

/** Entry point; returns the exit code. */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  try {
    if (argv[0] === "--version" || argv[0] === "-V") {
      io.stdout(`${versionLine("apex-validator", packageVersionNextTo(import.meta.url), process.version)}\n`);
      return 0;
    }
    const [sub, ...rest] = argv;
    if (argv.includes("--help") || argv.includes("-h")) {
      io.stdout(VALIDATOR_HELP);
      return 0;
    }
    if (sub === "scores") return scoresCommand(rest, io);
    if (sub === "export") return exportCommand(rest, io);
    if (sub === "import-upstream") return importUpstreamCommand(rest, io);
    if (sub !== undefined && !sub.startsWith("-"))
      throw new UsageError(`unknown command "${sub}"; run ${HINT}`);
    return await runCommand(argv, io);
  } catch (err) {
    io.stderr(`apex-validator: ${(err as Error).message}\n`);
    return exitCodeOf(err);
  }
}

if (isMainModule(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
