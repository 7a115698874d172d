#!/usr/bin/env node
// apex-miner command line: run the miner, or train / evaluate the learned discriminator.
import { readFileSync, writeFileSync } from "node:fs";
import type { ChainClient } from "@apex/chain";
import { isMainModule, packageVersionNextTo, versionLine } from "@apex/protocol/cli-support";
import { exitCodeOf, UsageError } from "@apex/protocol/options";
import { pino } from "pino";
import {
  EVAL_OPTIONS,
  helpText,
  loadMinerArgs,
  MAKE_DATA_OPTIONS,
  type MinerConfig,
  processEnv,
  redactConfig,
  TRAIN_OPTIONS,
} from "./config.js";
import { llmStrategyDeps } from "./llm-bridge.js";
import { startMiner } from "./server.js";
import {
  type Calibration,
  calibrate,
  calibrationOf,
  DEFAULT_MODEL,
  DEFAULT_TRAINING,
  type Example,
  evaluate,
  type LearnedModel,
  type Metrics,
  makeDataset,
  parseModel,
  predictProbability,
  resolveDiscriminator,
  serializeModel,
  splitExamples,
  trainDefaultModel,
  trainLogistic,
} from "./strategies/index.js";

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  env: Record<string, string | undefined>;
  readFile: (p: string) => string;
  writeFile: (p: string, data: string) => void;
}

const defaultIo = (): CliIo => ({
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
  env: processEnv(),
  readFile: (p) => readFileSync(p, "utf8"),
  writeFile: (p, d) => writeFileSync(p, d),
});

/** Connects to the configured chain through ChainClient only. */
export async function connectChain(config: MinerConfig): Promise<ChainClient> {
  // Loaded on demand: @polkadot/api takes most of a second to import, and only the run command needs it.
  const { connectChain: connect } = await import("@apex/chain");
  return connect({ network: config.network, endpoint: config.chainEndpoint });
}

async function runMiner(config: MinerConfig, io: CliIo): Promise<number> {
  // JSON lines on stdout, as fastify's own pino logger writes them; fastify loads this same pino, so it costs nothing.
  const log = pino({ level: config.logLevel });
  log.info({ config: redactConfig(config) }, "apex-miner starting");
  const { devKeypair, loadColdkeyPub, loadHotkey, resolveWalletRoot } = await import("@apex/wallet");
  const root = resolveWalletRoot(config.walletPath, io.env);
  let hotkey: Awaited<ReturnType<typeof loadHotkey>>;
  let coldkeyAddress = "";
  if (config.hotkeyUri) {
    // Only a //dev URI on a local chain gets here (validateCombination in config.ts).
    hotkey = await devKeypair(config.hotkeyUri);
  } else {
    hotkey = await loadHotkey({ root, wallet: config.coldkey, hotkey: config.hotkey, env: io.env });
    if (!config.noChain) coldkeyAddress = await loadColdkeyPub({ root, wallet: config.coldkey });
  }
  const chain = config.noChain ? undefined : await connectChain(config);
  let miner: Awaited<ReturnType<typeof startMiner>>;
  try {
    miner = await startMiner(config, { chain, hotkey, coldkeyAddress, logger: log });
  } catch (err) {
    await chain?.close();
    throw err;
  }
  io.out(
    `apex-miner listening on ${miner.url} (hotkey ${hotkey.address}${miner.uid !== undefined ? `, uid ${miner.uid} on netuid ${miner.netuid}` : ""})`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  log.info("shutting down");
  await miner.close();
  await chain?.close();
  return 0;
}

async function trainCommand(argv: string[], io: CliIo): Promise<number> {
  const { command: flags, config } = loadMinerArgs(argv, io.env, io.readFile, TRAIN_OPTIONS);
  const out = flags.out;
  if (!out) throw new UsageError("train-discriminator needs --out FILE (where to write the model JSON)");
  const examples = flags.examples;
  const seed = config.seed ?? DEFAULT_TRAINING.seed;
  const hashDims = flags.hashDims;
  const files = flags.data;
  const deps = llmStrategyDeps(seed);
  const generate = (n: number, s: number) => makeDataset({ examples: n, seed: s, ...deps });

  if (files.length === 0) {
    // The built-in set: the same model trainDefaultModel gives (the shipped one for the default seed), scored on
    // a fresh generated set made under another seed.
    if (hashDims > 0)
      throw new UsageError("--hash-dims needs --data (the built-in set is trained on dense features)");
    const model = await trainDefaultModel(deps.reference, { ...deps, examples, seed });
    io.writeFile(out, serializeModel(model));
    const test = await generate(Math.ceil(examples / 2), seed + 2);
    if (flags.dataOut) io.writeFile(flags.dataOut, toJsonl(test));
    io.out(`trained on ${examples} generated examples (seed ${seed}); model written to ${out}`);
    printMetrics(
      io,
      `held-out generated set (${test.length} examples, seed ${seed + 2})`,
      score(model, test),
    );
    return 0;
  }

  const own = files.flatMap((f) => parseJsonl(io.readFile(f), f));
  const generated = flags.onlyData ? [] : await generate(examples, seed);
  const share = flags.heldOutShare;
  if (!(share > 0 && share < 1))
    throw new UsageError(`--held-out-share must be between 0 and 1 (not either end), got ${share}`);
  // Your data is split on its own, so the held-out figure is about your texts, not the generated ones.
  const ownSplit = splitExamples(own, share, seed);
  const genSplit = splitExamples(generated, share, seed);
  const fit = splitExamples([...ownSplit.train, ...genSplit.train], 0.15, seed + 1);
  const model = calibrate(trainLogistic(fit.train, { seed, hashDims }), fit.heldOut);
  io.writeFile(out, serializeModel(model));
  if (flags.dataOut) io.writeFile(flags.dataOut, toJsonl([...ownSplit.heldOut]));
  io.out(
    `trained on ${fit.train.length} examples (${ownSplit.train.length} from ${files.join(", ")}, the rest generated), ` +
      `calibrated on ${fit.heldOut.length}; seed ${seed}; model written to ${out}`,
  );
  printMetrics(
    io,
    `held-out split of your data (${ownSplit.heldOut.length} examples)`,
    score(model, ownSplit.heldOut),
  );
  if (genSplit.heldOut.length > 0) {
    printMetrics(
      io,
      `held-out split of the generated data (${genSplit.heldOut.length})`,
      score(model, genSplit.heldOut),
    );
  }
  return 0;
}

/** The prediction made for an example of the set being scored (each has one). */
function predictionOf(preds: ReadonlyMap<Example, 0 | 1>, e: Example): 0 | 1 {
  const p = preds.get(e);
  if (p === undefined) throw new Error("an example was scored without a prediction");
  return p;
}

interface Scored {
  metrics: Metrics;
  calibration?: Calibration;
}

function score(model: LearnedModel, data: Example[]): Scored {
  const p = data.map((e) => predictProbability(model, e.query, e.generation));
  const preds = new Map(data.map((e, i) => [e, (p[i] ?? 0) >= model.threshold ? 1 : 0] as const));
  return {
    metrics: evaluate((e) => predictionOf(preds, e), data),
    calibration: calibrationOf(
      p,
      data.map((e) => e.label),
    ),
  };
}

function printMetrics(io: CliIo, title: string, { metrics: m, calibration }: Scored): void {
  io.out(`${title}:`);
  io.out(`  accuracy ${m.accuracy.toFixed(3)}`);
  io.out(`  recall   reference (0) ${m.referenceRecall.toFixed(3)}   miner (1) ${m.recall.toFixed(3)}`);
  io.out("  confusion          said 0   said 1");
  io.out(
    `    reference (0)  ${String(m.trueNegatives).padStart(7)}  ${String(m.falsePositives).padStart(7)}`,
  );
  io.out(
    `    miner (1)      ${String(m.falseNegatives).padStart(7)}  ${String(m.truePositives).padStart(7)}`,
  );
  if (calibration) {
    io.out(`  calibration  Brier ${calibration.brier.toFixed(3)}   ECE ${calibration.ece.toFixed(3)}`);
  }
}

async function makeDataCommand(argv: string[], io: CliIo): Promise<number> {
  const { command: flags, config } = loadMinerArgs(argv, io.env, io.readFile, MAKE_DATA_OPTIONS);
  const out = flags.out;
  if (!out) throw new UsageError("make-data needs --out FILE.jsonl");
  const seed = config.seed ?? 1;
  const deps = llmStrategyDeps(seed);
  const data = await makeDataset({
    examples: flags.examples,
    seed,
    ...deps,
  });
  io.writeFile(out, toJsonl(data));
  io.out(`wrote ${data.length} labelled examples to ${out}`);
  return 0;
}

async function evalCommand(argv: string[], io: CliIo): Promise<number> {
  const { command: flags, config } = loadMinerArgs(argv, io.env, io.readFile, EVAL_OPTIONS);
  const dataPath = flags.data;
  if (!dataPath)
    throw new UsageError("eval-discriminator needs --data FILE.jsonl (lines of {query, generation, label})");
  const data = parseJsonl(io.readFile(dataPath), dataPath);
  let scored: Scored;
  let name: string;
  if (flags.model) {
    scored = score(parseModel(io.readFile(flags.model), flags.model), data);
    name = `learned (${flags.model})`;
  } else {
    const deps = llmStrategyDeps();
    let fallbacks = 0;
    const d = await resolveDiscriminator(
      { ...config, logTexts: undefined },
      { ...deps, readFile: io.readFile, onJudgeFallback: () => fallbacks++ },
    );
    const ctx = { signal: new AbortController().signal, budgetMs: config.budgetMs };
    const preds = new Map<Example, 0 | 1>();
    for (const e of data) preds.set(e, (await d.classify(e.query, e.generation, ctx)) === "1" ? 1 : 0);
    scored = { metrics: evaluate((e) => predictionOf(preds, e), data) };
    if (d.name === "learned" && !config.discriminatorModel) scored = score(DEFAULT_MODEL, data);
    name = d.name === "llm" ? `llm (${config.llmModel}; ${fallbacks} answers from the fallback)` : d.name;
  }
  if (flags.json) io.out(JSON.stringify({ discriminator: name, ...scored.metrics, ...scored.calibration }));
  else printMetrics(io, `discriminator ${name} on ${data.length} examples from ${dataPath}`, scored);
  return 0;
}

function toJsonl(data: Example[]): string {
  return (
    data.map((e) => JSON.stringify({ query: e.query, generation: e.generation, label: e.label })).join("\n") +
    "\n"
  );
}

/** Lines of {query, generation, label}; the error names the line that is wrong. */
export function parseJsonl(text: string, source: string): Example[] {
  const out: Example[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").trim();
    if (line === "") continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new Error(`${source}:${i + 1} is not JSON`);
    }
    const o = v as Record<string, unknown>;
    // Lines logged by --log-texts carry "label": null until someone labels them; they are skipped.
    if (o !== null && typeof o === "object" && o.label === null) continue;
    const label = o?.label === 0 || o?.label === "0" ? 0 : o?.label === 1 || o?.label === "1" ? 1 : undefined;
    if (typeof o?.query !== "string" || typeof o?.generation !== "string" || label === undefined) {
      throw new Error(`${source}:${i + 1} must be {"query": string, "generation": string, "label": 0 or 1}`);
    }
    out.push({ query: o.query, generation: o.generation, label });
  }
  if (out.length === 0) throw new Error(`${source} has no labelled examples`);
  return out;
}

export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  try {
    if (argv[0] === "--version" || argv[0] === "-V") {
      io.out(versionLine("apex-miner", packageVersionNextTo(import.meta.url), process.version));
      return 0;
    }
    if (argv.includes("--help") || argv.includes("-h") || argv[0] === "help") {
      io.out(helpText());
      return 0;
    }
    const [cmd, ...rest] = argv;
    if (cmd === "train-discriminator") return await trainCommand(rest, io);
    if (cmd === "eval-discriminator") return await evalCommand(rest, io);
    if (cmd === "make-data") return await makeDataCommand(rest, io);
    if (cmd !== undefined && !cmd.startsWith("-")) {
      throw new UsageError(`unknown command "${cmd}"; run apex-miner --help`);
    }
    const { config, warnings } = loadMinerArgs(argv, io.env, io.readFile);
    for (const w of warnings) io.err(`apex-miner: warning: ${w}`);
    return await runMiner(config, io);
  } catch (err) {
    io.err(`apex-miner: ${(err as Error).message}`);
    return exitCodeOf(err);
  }
}

if (isMainModule(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
