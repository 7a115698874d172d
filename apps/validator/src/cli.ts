#!/usr/bin/env node
// apex-validator: run the validator, or read its results DB (scores, export).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { connectChain } from "@apex/chain";
import { openResultsStore } from "@apex/db";
import {
  OfflineBackend,
  OfflineWebSearch,
  OpenAIBackend,
  TavilySearch,
  type TextBackend,
  type WebSearch,
} from "@apex/llm";
import { epistulaReady, type Signer, systemClock } from "@apex/protocol";
import { devKeypair, loadHotkey, resolveWalletRoot } from "@apex/wallet";
import {
  ConfigError,
  loadValidatorConfig,
  processEnv,
  VALIDATOR_HELP,
  type ValidatorConfig,
} from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { parseWindow } from "./scorer.js";
import { buildStatusServer } from "./status.js";
import { announceSyncerAxon, syncerAxonParams } from "./syncer.js";
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

function takeFlag(args: string[], name: string): string | undefined {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const a = args[i]!;
  if (a.includes("=")) {
    args.splice(i, 1);
    return a.slice(a.indexOf("=") + 1);
  }
  const v = args[i + 1];
  if (v === undefined) throw new ConfigError(`${name} needs a value`);
  args.splice(i, 2);
  return v;
}

function takeBool(args: string[], name: string): boolean {
  const i = args.indexOf(name);
  if (i < 0) return false;
  args.splice(i, 1);
  return true;
}

function scoresCommand(argv: string[], io: CliIo): number {
  const args = [...argv];
  const db = takeFlag(args, "--db") ?? "results.db";
  const windowMs = parseWindow(takeFlag(args, "--window") ?? "22h");
  const json = takeBool(args, "--json");
  if (args.length)
    throw new ConfigError(
      `scores: unexpected ${args.join(" ")}; usage: scores --db FILE [--window 22h] [--json]`,
    );
  const store = openResultsStore(db, { readonly: true });
  try {
    const totals = Object.fromEntries(
      [...store.windowTotals(systemClock.now() - windowMs)].sort((a, b) => b[1] - a[1]),
    );
    if (json) io.stdout(`${JSON.stringify(totals)}\n`);
    else for (const [h, t] of Object.entries(totals)) io.stdout(`${h}\t${t.toFixed(6)}\n`);
  } finally {
    store.close();
  }
  return 0;
}

function exportCommand(argv: string[], io: CliIo): number {
  const args = [...argv];
  const db = takeFlag(args, "--db") ?? "results.db";
  const sinceText = takeFlag(args, "--since");
  if (!sinceText)
    throw new ConfigError("export: --since DATE is required (e.g. 2026-01-01 or 2026-01-01T12:00:00Z)");
  const since = Date.parse(sinceText);
  if (!Number.isFinite(since)) throw new ConfigError(`export: --since "${sinceText}" is not a date`);
  if (args.length) throw new ConfigError(`export: unexpected ${args.join(" ")}`);
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
          baseURL: dr.base_url ?? config.llm.base_url,
          apiKey: dr.key ?? config.llm.key,
          model: dr.research_model,
        })
      : offline;
  const finalBackend: TextBackend =
    config.llm.backend === "openai"
      ? new OpenAIBackend({
          baseURL: dr.base_url ?? config.llm.base_url,
          apiKey: dr.key ?? config.llm.key,
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
  const config = loadValidatorConfig(argv, io.env, io.readFile);
  const logger = createLogger(config.logging.level, io.stderr);
  await epistulaReady();
  const hotkey = await loadSigner(config, io.env, logger);
  const chain = config.chain.no_chain
    ? null
    : await connectChain({ network: config.chain.network, endpoint: config.chain.endpoint });
  const store = openResultsStore(config.logger_db.db_path);
  const { backend, finalBackend, search } = backends(config, config.pipeline.seed);
  const validator = createValidator(config, {
    chain,
    hotkey,
    store,
    backend,
    finalBackend,
    search,
    // A validator process on its own runs in real time: the system clock is its one clock.
    clock: systemClock,
    logger,
  });
  const server = config.status.enabled ? buildStatusServer(validator) : null;
  try {
    if (server) {
      const address = await server.listen({ host: config.status.host, port: config.status.port });
      logger.info({ address }, "status server listening (/health, /metrics, /api/status)");
      const ws = config.weight_syncer;
      if (chain && ws.enable_send) {
        if (!ws.external_ip) {
          logger.warn(
            "weight_syncer.enable_send is on but weight_syncer.external_ip is not set: peers will not find this " +
              "validator in the metagraph (only through their verified_hotkeys)",
          );
        } else {
          const port = (server.server.address() as { port: number }).port;
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
    store.close();
    await chain?.close();
  }
}

/** Entry point; returns the exit code. */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  try {
    const [sub, ...rest] = argv;
    if (argv.includes("--help") || argv.includes("-h")) {
      io.stdout(VALIDATOR_HELP);
      return 0;
    }
    if (sub === "scores") return scoresCommand(rest, io);
    if (sub === "export") return exportCommand(rest, io);
    return await runCommand(argv, io);
  } catch (err) {
    const e = err as Error;
    io.stderr(`apex-validator: ${e.message}\n`);
    return e instanceof ConfigError ? 2 : 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
