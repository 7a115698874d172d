#!/usr/bin/env node
// apex-miner command line: run the miner, or train / evaluate the learned discriminator.
import { readFileSync, writeFileSync } from "node:fs";
import type { ChainClient } from "@apex/chain";
import { isMainModule, packageVersionNextTo, versionLine } from "@apex/protocol/cli-support";
import Fastify, { type FastifyBaseLogger } from "fastify";
import { helpText, loadMinerArgs, type MinerConfig, processEnv, redactConfig } from "./config.js";
import { llmStrategyDeps } from "./llm-bridge.js";
import { startMiner } from "./server.js";
import {
  DEFAULT_TRAINING,
  type Example,
  evaluate,
  type Metrics,
  makeDataset,
  parseModel,
  predictProbability,
  resolveDiscriminator,
  serializeModel,
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

/** A pino logger as fastify builds it (fastify ships pino; this avoids a second copy). */
function makeLogger(level: string): FastifyBaseLogger {
  return Fastify({ logger: { level } }).log;
}

async function runMiner(config: MinerConfig, io: CliIo): Promise<number> {
  const log = makeLogger(config.logLevel);
  log.info({ config: redactConfig(config) }, "apex-miner starting");
  const { devKeypair, loadColdkeyPub, loadHotkey, resolveWalletRoot } = await import("@apex/wallet");
  const root = resolveWalletRoot(config.walletPath, io.env);
  let hotkey: Awaited<ReturnType<typeof loadHotkey>>;
  let coldkeyAddress = "";
  if (config.hotkeyUri) {
    if (!config.noChain && (config.network === "finney" || config.network === "test")) {
      throw new Error("--hotkey-uri is for local chains; on finney/test use a wallet (--coldkey, --hotkey)");
    }
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
  const { extra, config } = loadMinerArgs(argv, io.env, io.readFile, {
    out: { type: "string" },
    examples: { type: "string" },
    "data-out": { type: "string" },
    "hash-dims": { type: "string" },
  });
  const out = extra.out as string | undefined;
  if (!out) throw new Error("train-discriminator needs --out FILE (where to write the model JSON)");
  const examples = intFlag(extra.examples, "--examples", DEFAULT_TRAINING.examples);
  const seed = config.seed ?? DEFAULT_TRAINING.seed;
  const deps = llmStrategyDeps(seed);
  const data = await makeDataset({ examples, seed, reference: deps.reference!, ...deps });
  const model = trainLogistic(data, { seed, hashDims: intFlag(extra["hash-dims"], "--hash-dims", 0) });
  io.writeFile(out, serializeModel(model));
  if (extra["data-out"]) io.writeFile(extra["data-out"] as string, toJsonl(data));
  const m = evaluate(
    (e) => (predictProbability(model, e.query, e.generation) >= model.threshold ? 1 : 0),
    data,
  );
  io.out(
    `trained on ${data.length} examples (seed ${seed}); training accuracy ${m.accuracy.toFixed(3)}; model written to ${out}`,
  );
  return 0;
}

async function makeDataCommand(argv: string[], io: CliIo): Promise<number> {
  const { extra, config } = loadMinerArgs(argv, io.env, io.readFile, {
    out: { type: "string" },
    examples: { type: "string" },
  });
  const out = extra.out as string | undefined;
  if (!out) throw new Error("make-data needs --out FILE.jsonl");
  const seed = config.seed ?? 1;
  const deps = llmStrategyDeps(seed);
  const data = await makeDataset({
    examples: intFlag(extra.examples, "--examples", 200),
    seed,
    reference: deps.reference!,
    ...deps,
  });
  io.writeFile(out, toJsonl(data));
  io.out(`wrote ${data.length} labelled examples to ${out}`);
  return 0;
}

async function evalCommand(argv: string[], io: CliIo): Promise<number> {
  const { extra, config } = loadMinerArgs(argv, io.env, io.readFile, {
    model: { type: "string" },
    data: { type: "string" },
    json: { type: "boolean" },
  });
  const dataPath = extra.data as string | undefined;
  if (!dataPath)
    throw new Error("eval-discriminator needs --data FILE.jsonl (lines of {query, generation, label})");
  const data = parseJsonl(io.readFile(dataPath), dataPath);
  let predict: (e: Example) => Promise<0 | 1>;
  let name: string;
  if (extra.model) {
    const model = parseModel(io.readFile(extra.model as string), extra.model as string);
    predict = async (e) => (predictProbability(model, e.query, e.generation) >= model.threshold ? 1 : 0);
    name = `learned (${extra.model})`;
  } else {
    const deps = llmStrategyDeps();
    const d = await resolveDiscriminator(config, { ...deps, readFile: io.readFile });
    const ctx = { signal: new AbortController().signal, budgetMs: config.budgetMs };
    predict = async (e) => ((await d.classify(e.query, e.generation, ctx)) === "1" ? 1 : 0);
    name = d.name;
  }
  const preds = new Map<Example, 0 | 1>();
  for (const e of data) preds.set(e, await predict(e));
  const m: Metrics = evaluate((e) => preds.get(e)!, data);
  if (extra.json) io.out(JSON.stringify({ discriminator: name, ...m }));
  else {
    io.out(`discriminator ${name} on ${m.examples} examples from ${dataPath}`);
    io.out(`accuracy  ${m.accuracy.toFixed(4)}`);
    io.out(`precision ${m.precision.toFixed(4)}  (of texts called "1", the share that came from a miner)`);
    io.out(`recall    ${m.recall.toFixed(4)}  (of miner texts, the share called "1")`);
  }
  return 0;
}

function intFlag(v: string | boolean | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
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
    const line = lines[i]!.trim();
    if (line === "") continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new Error(`${source}:${i + 1} is not JSON`);
    }
    const o = v as Record<string, unknown>;
    const label = o?.label === 0 || o?.label === "0" ? 0 : o?.label === 1 || o?.label === "1" ? 1 : undefined;
    if (typeof o?.query !== "string" || typeof o?.generation !== "string" || label === undefined) {
      throw new Error(`${source}:${i + 1} must be {"query": string, "generation": string, "label": 0 or 1}`);
    }
    out.push({ query: o.query, generation: o.generation, label });
  }
  if (out.length === 0) throw new Error(`${source} has no examples`);
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
      throw new Error(`unknown command "${cmd}"; run apex-miner --help`);
    }
    const { config } = loadMinerArgs(argv, io.env, io.readFile);
    return await runMiner(config, io);
  } catch (err) {
    io.err(`apex-miner: ${(err as Error).message}`);
    return 2;
  }
}

if (isMainModule(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
