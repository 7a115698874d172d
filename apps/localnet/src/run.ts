// `apex-localnet run`: a whole subnet on one machine. A SimChain (served to other processes), miners as real
// HTTP servers on loopback, validators that play the Apex game against them, epochs that pay incentive.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import {
  axonParams,
  bootstrapSubnet,
  isEpochBlock,
  RAO_PER_ALPHA,
  SimChain,
  serveSimChain,
} from "@apex/chain";
import { openResultsStore, type SqliteResultsStore } from "@apex/db";
import { OfflineBackend, OfflineWebSearch, OpenAIBackend, type TextBackend } from "@apex/llm";
import { heldOutAccuracy, loadMinerConfig, type RunningMiner, startMiner } from "@apex/miner";
import type { Clock } from "@apex/protocol";
import {
  createValidator,
  DEFAULT_IDLE_SOCKET_TIMEOUT_MS,
  FAST_PRESET,
  makeValidatorConfig,
  mergeConfig,
  seededRng,
  type Validator,
  type ValidatorConfig,
} from "@apex/validator";
import { loadHotkey, resolveWalletRoot } from "@apex/wallet";
import type { RunOptions } from "./args.js";
import { devKey, localnetKeys, type NeuronKeys } from "./keys.js";
import { type Relay, startRelay } from "./proxy.js";
import { referenceSourceFor } from "./references.js";
import {
  findAnomalies,
  type LocalnetReport,
  type Role,
  renderAnomalyWarning,
  renderDiscriminatorFigures,
  renderEpochTable,
  renderLineChartSvg,
  renderMarkdown,
  renderProgress,
} from "./report.js";
import { RunContext } from "./run-context.js";
import { LocalnetState } from "./state.js";
import { strategyFor, strategyLabel } from "./strategies.js";
import { printRunProgress } from "./terminal.js";

export interface LocalnetIo {
  out(line: string): void;
  err(line: string): void;
  /** Progress bar updates (rewritten in place on a TTY). */
  progress?(line: string): void;
  signal?: AbortSignal;
}

const LOOPBACK_ANNOUNCE = "127.0.0.2";
const VALIDATOR_STAKE_ALPHA = 100_000n;

interface NeuronMeta {
  role: Role;
  strategy: string | null;
}

export interface LocalnetHandle {
  chain: SimChain;
  chainUrl: string | null;
  netuid: number;
  /** The run's one notion of time: every part was built from it. */
  context: RunContext;
  /** Same as context.clock. */
  clock: Clock;
  /** Where the validators' DBs are; removed on close when the run made it (no --data-dir, no --keep). */
  dataDir: string;
  validators: Validator[];
  stores: SqliteResultsStore[];
  miners: RunningMiner[];
  state: LocalnetState;
  dashboardUrl: string | null;
  /** Where the validators' references come from (the localnet's writer, a recorded corpus, or an LLM). */
  references: string;
  close(): Promise<void>;
}

/** A data folder the run made itself: removed when the run ends, however it ends, unless --keep. */
function makeDataDir(opts: RunOptions, io: LocalnetIo): { dir: string; remove: () => void } {
  if (opts.dataDir) {
    const dir = resolve(opts.dataDir);
    mkdirSync(dir, { recursive: true });
    return { dir, remove: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), "apex-localnet-"));
  if (opts.keep) {
    io.out(`data dir (kept after the run, --keep): ${dir}`);
    return { dir, remove: () => undefined };
  }
  const remove = () => {
    process.off("exit", remove);
    rmSync(dir, { recursive: true, force: true });
  };
  // A second Ctrl-C exits at once (process.exit): "exit" listeners still run, synchronously.
  process.on("exit", remove);
  return { dir, remove };
}

/** Builds the whole subnet and returns it running (real-time mode) or ready to step (virtual mode). */
export async function startLocalnet(opts: RunOptions, io: LocalnetIo): Promise<LocalnetHandle> {
  const data = makeDataDir(opts, io);
  const closers: Array<() => Promise<void> | void> = [data.remove];
  const closeAll = async () => {
    for (const c of closers.reverse()) {
      try {
        await c();
      } catch (err) {
        io.err(`localnet: while closing: ${(err as Error).message}`);
      }
    }
  };
  try {
    return await buildLocalnet(opts, io, data.dir, closers, closeAll);
  } catch (err) {
    // Whatever was started before the failure is stopped, and the temp folder removed.
    await closeAll();
    throw err;
  }
}

async function buildLocalnet(
  opts: RunOptions,
  io: LocalnetIo,
  dataDir: string,
  closers: Array<() => Promise<void> | void>,
  closeAll: () => Promise<void>,
): Promise<LocalnetHandle> {
  const context = new RunContext(opts.virtual);
  const { clock } = context;
  const chain = new SimChain({
    clock,
    blockTimeMs: opts.blockTimeMs,
    tempo: opts.tempo,
    commitReveal: opts.commitReveal,
    startCallDelay: 0,
  });
  closers.push(() => chain.close());
  const meta = new Map<string, NeuronMeta>();

  const keys = await localnetKeys(opts.validators, opts.miners);
  // An outside miner gets a fresh dev hotkey, or the hotkey of the wallet it names (--external-miner URL=W:H),
  // registered under the localnet's own coldkey (a SimChain charges no burn; the wallet's coldkey is not needed).
  const outsideCold = await devKey("//apex//external");
  const outside: NeuronKeys[] = [];
  for (const [i, ext] of opts.externalMiners.entries()) {
    const hotkey = ext.wallet
      ? await loadHotkey({
          root: resolveWalletRoot(opts.walletPath ?? undefined),
          wallet: ext.wallet.name,
          hotkey: ext.wallet.hotkey,
        })
      : await devKey(`//apex//external${i}//hot`);
    outside.push({ coldkey: outsideCold, hotkey });
  }
  const cmdKeys = await Promise.all(
    opts.minerCmds.map(async (_, i) => ({
      coldkey: await devKey("//apex//cmd"),
      hotkey: await devKey(`//apex//cmd${i}//hot`),
    })),
  );
  const size = 1 + opts.validators + opts.miners + outside.length + cmdKeys.length;
  if (size > 256) {
    throw new Error(
      `a localnet subnet holds at most 256 neurons; asked for ${size} (owner, validators and miners)`,
    );
  }
  const { netuid } = await bootstrapSubnet(chain, {
    sudo: keys.sudo,
    owner: keys.owner,
    validators: keys.validators.map((v) => ({ ...v, stakeRao: VALIDATOR_STAKE_ALPHA * RAO_PER_ALPHA })),
    miners: [...keys.miners, ...outside, ...cmdKeys],
    tempo: opts.tempo,
    commitReveal: opts.commitReveal,
    // Weights every few seconds in real time; every 22 virtual minutes (110 blocks) on the virtual clock.
    weightsRateLimit: opts.virtual ? 100 : 0,
    advanceBlocks: (n) => {
      chain.produceBlocks(n);
      context.advance(n * opts.blockTimeMs);
    },
  });
  meta.set(keys.owner.hotkey.address, { role: "owner", strategy: null });
  for (const [i, v] of keys.validators.entries())
    meta.set(v.hotkey.address, { role: "validator", strategy: `validator ${i}` });

  let chainUrl: string | null = null;
  if (opts.chainPort !== null) {
    const served = await serveSimChain(chain, { port: opts.chainPort, host: "127.0.0.1" });
    chainUrl = served.url;
    closers.push(() => served.close());
  }

  // Our miners: real HTTP servers announced at 127.0.0.2 (the chain refuses exactly 127.0.0.1).
  const miners: RunningMiner[] = [];
  for (const [i, m] of keys.miners.entries()) {
    const strategy = strategyFor(i, opts.strategies);
    meta.set(m.hotkey.address, { role: "miner", strategy: strategyLabel(strategy) });
    const config = loadMinerConfig(
      [
        "--network",
        "sim",
        "--netuid",
        String(netuid),
        "--host",
        LOOPBACK_ANNOUNCE,
        "--port",
        "0",
        "--external-ip",
        LOOPBACK_ANNOUNCE,
        "--generator",
        strategy.generator,
        "--discriminator",
        strategy.discriminator,
        "--coldkey",
        "localnet",
        "--hotkey",
        `miner${i}`,
        "--log-level",
        "silent",
      ],
      {},
      () => {
        throw new Error("no config file in a localnet");
      },
    );
    const running = await startMiner(config, {
      chain,
      hotkey: m.hotkey,
      coldkeyAddress: m.coldkey.address,
      // Inside the subnet: freshness, replay cache, rate limiter and strategy budgets on the subnet's clock
      // (the validators stamp requests to it from the same clock).
      clock,
      // Sockets are wall-time things: the miner keeps an idle connection open longer than the validators' agent
      // does, so the validator always closes first and never reuses a socket the miner is closing (ECONNRESET
      // under load, a lost answer that depends on scheduling).
      timeouts: {
        keepAlive: 2 * DEFAULT_IDLE_SOCKET_TIMEOUT_MS,
        connection: 3 * DEFAULT_IDLE_SOCKET_TIMEOUT_MS,
      },
      externalIp: LOOPBACK_ANNOUNCE,
    });
    miners.push(running);
    closers.push(() => running.close());
  }

  // Outside miners: someone else's process at a URL; we register a hotkey for it and serve its axon.
  for (const [i, ext] of opts.externalMiners.entries()) {
    const { hotkey } = outside[i]!;
    context.addOutsideMiner(hotkey.address);
    const url = new URL(ext.url);
    const relay = await announceFor(url.hostname, Number(url.port));
    if (relay.relay) closers.push(() => relay.relay!.close());
    await chain.serveAxon(hotkey, axonParams(netuid, relay.host, relay.port));
    meta.set(hotkey.address, { role: "external", strategy: ext.url });
    io.out(`external miner ${ext.url} registered as ${hotkey.address} (axon ${relay.host}:${relay.port})`);
  }

  // --miner-cmd: start the user's miner process with its port, wallet and network in the environment.
  const children: ChildProcess[] = [];
  for (const [i, cmd] of opts.minerCmds.entries()) {
    const { hotkey } = cmdKeys[i]!;
    context.addOutsideMiner(hotkey.address);
    const port = await freePort();
    const child = spawn(cmd, {
      shell: true,
      // Its own process group, so closing ends the shell and the miner it started.
      detached: true,
      stdio: ["ignore", "inherit", "inherit"],
      env: {
        ...process.env, // house-rule: env — passed through to the child miner, not read here
        // apex-miner's own names (BT_* for the chain, APEX_MINER_* for the rest), so it needs no flags here.
        APEX_MINER_PORT: String(port),
        APEX_MINER_HOTKEY_URI: `//apex//cmd${i}//hot`,
        APEX_MINER_HOTKEY_SS58: hotkey.address,
        BT_SUBTENSOR_NETWORK: "sim",
        BT_SUBTENSOR_CHAIN_ENDPOINT: chainUrl ?? "",
        APEX_MINER_NETUID: String(netuid),
        // The localnet announces the axon for it (relayed from 127.0.0.2 when it listens on 127.0.0.1 only).
        APEX_MINER_SERVE_AXON: "false",
      },
    });
    children.push(child);
    closers.push(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    });
    await waitForPort("127.0.0.1", port, 15_000);
    const relay = await announceFor("127.0.0.1", port);
    if (relay.relay) closers.push(() => relay.relay!.close());
    await chain.serveAxon(hotkey, axonParams(netuid, relay.host, relay.port));
    // The program's name only: a command line can carry inline secrets (KEY=… python miner.py).
    meta.set(hotkey.address, { role: "external", strategy: `cmd: ${programName(cmd)}` });
  }

  // Validators, each with its own results DB; references from the localnet's writer, a corpus, or the LLM.
  const references = referenceSourceFor(opts);
  const validators: Validator[] = [];
  const stores: SqliteResultsStore[] = [];
  for (const [i, v] of keys.validators.entries()) {
    const store = openResultsStore(join(dataDir, `validator${i}.db`));
    stores.push(store);
    closers.push(() => store.close());
    const config = validatorConfig(opts, netuid, join(dataDir, `validator${i}.db`), i);
    const backend: TextBackend = opts.llmBaseUrl
      ? new OpenAIBackend({ baseURL: opts.llmBaseUrl, model: opts.llmModel })
      : new OfflineBackend({ seed: opts.seed + i });
    const validator = createValidator(config, {
      chain,
      hotkey: v.hotkey,
      store,
      backend,
      search: new OfflineWebSearch({ seed: opts.seed + i }),
      clock,
      // Our miners check stamps against the subnet's clock, outside miners against their wall clock.
      stampClock: (minerHotkey) => context.stampClockFor(minerHotkey),
      rng: seededRng(opts.seed * 1000 + i),
      makeQuery: references.makeQuery,
      research: references.research,
      recordReference: references.recordReference,
    });
    validators.push(validator);
    closers.push(() => validator.stop());
  }

  const state = new LocalnetState({ chain, netuid, tempo: opts.tempo, meta, validators, stores, clock });
  state.attach();
  closers.push(() => state.detach());

  let dashboardUrl: string | null = null;
  if (opts.dashboardPort !== null) {
    const { serveDashboard } = await import("./dashboard/index.js");
    const dash = await serveDashboard({ source: state, port: opts.dashboardPort, host: "127.0.0.1" });
    dashboardUrl = dash.url;
    closers.push(() => dash.close());
  }

  return {
    chain,
    chainUrl,
    netuid,
    context,
    clock,
    dataDir,
    validators,
    stores,
    miners,
    state,
    dashboardUrl,
    references: references.label,
    close: closeAll,
  };
}

export function validatorConfig(
  opts: RunOptions,
  netuid: number,
  dbPath: string,
  index: number,
): ValidatorConfig {
  const base = makeValidatorConfig({
    chain: { network: "sim", netuid, coldkey: "localnet", hotkey: `validator${index}`, wallet_path: "" },
    logger_db: { db_path: dbPath },
    status: { enabled: false, host: "127.0.0.1", port: 0 },
    logging: { level: "silent", json: false },
    llm: opts.llmBaseUrl
      ? { backend: "openai", base_url: opts.llmBaseUrl, model: opts.llmModel }
      : { backend: "offline", base_url: "", model: "offline" },
    websearch: { backend: "offline" },
    pipeline: { seed: opts.seed * 1000 + index },
    miner_sampler: { address_policy: "any" },
  });
  // On the virtual clock the localnet's own schedule is the retry: a weight setter that slept on that clock
  // would wait for time that only moves between actions.
  if (opts.virtual) return mergeConfig(base, { miner_scorer: { max_attempts: 1 } });
  // Real time on a localnet: a round about every second and weights every couple of epochs, so a newcomer
  // sees incentive move within a minute.
  const epochSeconds = ((opts.tempo + 1) * opts.blockTimeMs) / 1000;
  return mergeConfig(mergeConfig(base, FAST_PRESET), {
    pipeline: { num_consumers: 2, timeout_producer: 1, timeout_consumer: 0.5 },
    miner_scorer: { interval: Math.max(5, 2 * epochSeconds), retry_backoff: 1 },
    miner_sampler: { candidate_ttl: epochSeconds, metagraph_ttl: epochSeconds },
  });
}

/** Where to announce a miner listening at host:port, relaying from 127.0.0.2 when it is on 127.0.0.1 only. */
async function announceFor(
  host: string,
  port: number,
): Promise<{ host: string; port: number; relay?: Relay }> {
  if (host !== "127.0.0.1" && host !== "localhost") return { host, port };
  try {
    const relay = await startRelay(LOOPBACK_ANNOUNCE, port, "127.0.0.1", port);
    return { host: LOOPBACK_ANNOUNCE, port, relay };
  } catch {
    // Port already taken on 127.0.0.2: the miner listens on all interfaces and is reachable there directly.
    return { host: LOOPBACK_ANNOUNCE, port };
  }
}

async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const net = await import("node:net");
  // Wall time on purpose: waiting for someone else's process to start listening, outside the subnet's time.
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((done) => {
      const s = net.connect(port, host);
      s.once("connect", () => {
        s.destroy();
        done(true);
      });
      s.once("error", () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `--miner-cmd: nothing listens on ${host}:${port} after ${timeoutMs / 1000}s (use $APEX_MINER_PORT)`,
  );
}

/** Plays the run to its end (rounds, hours, or Ctrl-C) and returns the report. */
export async function runLocalnet(opts: RunOptions, io: LocalnetIo): Promise<LocalnetReport> {
  // Wall time on purpose: the report's wallSeconds (the one field a same-seed rerun may change).
  const wallStart = performance.now();
  const net = await startLocalnet(opts, io);
  const { chain, netuid, state } = net;
  const simStart = net.clock.now();
  io.out(
    `localnet: subnet ${netuid} on ${chain.network}${net.chainUrl ? ` (served at ${net.chainUrl})` : ""}; ` +
      `${net.miners.length} miners, ${net.validators.length} validator(s); ` +
      `${opts.virtual ? `virtual clock, ${opts.hours ?? "∞"} h` : "real time"}`,
  );
  if (net.dashboardUrl) io.out(`dashboard: ${net.dashboardUrl}`);

  const target = opts.rounds;
  const totalMs = opts.virtual && opts.hours !== null ? opts.hours * 3_600_000 : null;
  const showProgress = () => {
    if (!io.progress) return;
    if (target !== null)
      io.progress(renderProgress(roundsDone(), target, 30, `${roundsDone()}/${target} rounds`));
    else if (totalMs !== null) {
      const h = (net.clock.now() - simStart) / 3_600_000;
      io.progress(renderProgress(net.clock.now() - simStart, totalMs, 30, `${h.toFixed(2)}/${opts.hours} h`));
    }
  };
  const roundsDone = printRunProgress(net.validators, state, {
    quiet: opts.quiet,
    out: io.out,
    afterRound: showProgress,
  });

  let report: LocalnetReport;
  try {
    if (opts.virtual) await playVirtual(net, opts, io, roundsDone, showProgress);
    else await playRealTime(net, opts, io, roundsDone);
    // Make the last results count: score, set weights, and run the chain to the next epoch.
    await settle(net, opts);
  } finally {
    // Also after a failure or an interrupt: what was played is reported.
    report = await buildReport(net, opts, roundsDone(), (performance.now() - wallStart) / 1000, simStart);
    if (opts.report) writeReport(opts.report, report);
    if (opts.plot) writePlots(opts.plot, report);
    if (!opts.quiet) {
      io.out(`final ${renderEpochTable(await chain.currentBlock(), report.neurons)}`);
      io.out(renderDiscriminatorFigures(report));
    }
    // The run checks itself: a built-in miner that missed answers means the run did not measure the game.
    if (report.anomalies.length > 0) io.err(renderAnomalyWarning(report.anomalies));
    await net.close();
  }
  return report;
}

async function playRealTime(net: LocalnetHandle, opts: RunOptions, io: LocalnetIo, rounds: () => number) {
  net.chain.start();
  for (const v of net.validators) v.start();
  // Real time: the subnet's clock is the system clock, so this polls on it.
  while (!(opts.rounds !== null && rounds() >= opts.rounds) && !io.signal?.aborted) {
    await net.clock.sleep(50, io.signal).catch(() => undefined);
  }
  for (const v of net.validators) await v.stop();
}

/**
 * Subnet time on a virtual clock: every cadence of the validators (rounds, scoring) and of the chain (blocks,
 * epochs) happens in virtual time, as fast as the real HTTP round trips to the miners allow.
 */
async function playVirtual(
  net: LocalnetHandle,
  opts: RunOptions,
  io: LocalnetIo,
  rounds: () => number,
  progress: () => void,
) {
  const clock = net.context.virtualClock;
  const start = clock.now();
  const end = opts.hours !== null ? start + opts.hours * 3_600_000 : Number.POSITIVE_INFINITY;
  const roundEvery = net.validators.map((v) => v.config.pipeline.timeout_producer * 1000);
  const scoreEvery = net.validators.map((v) => v.config.miner_scorer.interval * 1000);
  // Stagger validators so they do not all act at the same instant.
  const nextRound = net.validators.map(
    (_, i) => start + ((i + 1) * roundEvery[i]!) / (net.validators.length + 1),
  );
  const nextScore = net.validators.map((_, i) => start + scoreEvery[i]!);
  let lastProgress = 0;
  while (!io.signal?.aborted) {
    if (opts.rounds !== null && rounds() >= opts.rounds) break;
    let t = Number.POSITIVE_INFINITY;
    let action: (() => Promise<unknown>) | null = null;
    for (let i = 0; i < net.validators.length; i++) {
      const v = net.validators[i]!;
      if (nextScore[i]! <= t) {
        t = nextScore[i]!;
        action = async () => {
          await v.scoreAndSetWeights();
          nextScore[i] = t + scoreEvery[i]!;
        };
      }
      if (nextRound[i]! < t) {
        t = nextRound[i]!;
        action = async () => {
          await v.runRound().catch((err: Error) => io.err(`round failed: ${err.message}`));
          nextRound[i] = t + roundEvery[i]!;
        };
      }
    }
    if (t > end || !action) break;
    clock.advanceTo(t);
    net.chain.syncToClock();
    // Epochs the new blocks ran are recorded before the next action stores anything: the report must not
    // depend on which of the two the event loop happened to finish first.
    await net.state.flushEpochs();
    await net.validators[0]?.revealIfDue();
    await action();
    // Wall time on purpose: the progress bar is redrawn at most five times a second of real time.
    if (performance.now() - lastProgress > 200) {
      progress();
      lastProgress = performance.now();
    }
  }
  if (Number.isFinite(end) && clock.now() < end) {
    clock.advanceTo(end);
    net.chain.syncToClock();
  }
  progress();
}

async function settle(net: LocalnetHandle, opts: RunOptions) {
  const { chain, netuid } = net;
  for (const v of net.validators) {
    await v.scoreAndSetWeights().catch(() => undefined);
  }
  // Run to the next epoch (and one more when commit-reveal needs a reveal epoch) so the weights become incentive.
  const epochs = opts.commitReveal ? 3 : 1;
  for (let e = 0; e < epochs; e++) {
    let block = await chain.currentBlock();
    do {
      block = chain.produceBlocks(1);
      net.context.advance(opts.blockTimeMs);
    } while (!isEpochBlock(netuid, opts.tempo, block));
    for (const v of net.validators) await v.revealIfDue().catch(() => null);
  }
  await net.state.flushEpochs();
}

async function buildReport(
  net: LocalnetHandle,
  opts: RunOptions,
  rounds: number,
  wallSeconds: number,
  simStart: number,
): Promise<LocalnetReport> {
  // Each built-in discriminator's figure on the committed held-out set, next to what it earned here.
  const neurons = (await net.state.neuronReports()).map((n) => {
    const disc = n.role === "miner" ? n.strategy?.split("/")[1] : undefined;
    return { ...n, heldOutAccuracy: disc ? heldOutAccuracy(disc) : null };
  });
  const summary = net.stores[0]?.windowSummary(0);
  return {
    version: 2,
    seed: opts.seed,
    clock: opts.virtual ? "virtual" : "real",
    simulatedHours: (net.clock.now() - simStart) / 3_600_000,
    wallSeconds,
    netuid: net.netuid,
    rounds,
    roundsByKind: { reference: summary?.referenceRounds ?? 0, generator: summary?.generatorRounds ?? 0 },
    referenceFailures: summary?.referenceFailures ?? 0,
    references: net.references,
    epochs: net.state.epochs,
    neurons,
    anomalies: findAnomalies(neurons),
  };
}

function writeReport(path: string, report: LocalnetReport) {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  const md = path.endsWith(".json") ? `${path.slice(0, -5)}.md` : `${path}.md`;
  writeFileSync(md, renderMarkdown(report));
}

function writePlots(dir: string, report: LocalnetReport) {
  mkdirSync(dir, { recursive: true });
  const label = (uid: number) => {
    const n = report.neurons.find((x) => x.uid === uid);
    return `uid ${uid}${n?.strategy ? ` ${n.strategy}` : ""}`;
  };
  const minerUids = report.neurons
    .filter((n) => n.role === "miner" || n.role === "external")
    .map((n) => n.uid);
  const t0 = report.epochs[0]?.time ?? 0;
  const hours = (t: number) => (t - t0) / 3_600_000;
  const incentive = minerUids.map((uid) => ({
    label: label(uid),
    points: report.epochs.map((e): [number, number] => [hours(e.time), e.incentive[uid] ?? 0]),
  }));
  writeFileSync(join(dir, "incentive.svg"), renderLineChartSvg("Incentive per epoch", "hours", incentive));
  const reward = minerUids.map((uid) => ({
    label: label(uid),
    points: report.epochs.map((e): [number, number] => [hours(e.time), e.rewards[uid] ?? 0]),
  }));
  writeFileSync(join(dir, "reward.svg"), renderLineChartSvg("Window reward per miner", "hours", reward));
}

/** The program a shell command runs, without its folder, arguments or leading VAR=value assignments. */
export function programName(cmd: string): string {
  const words = cmd.trim().split(/\s+/);
  const program = words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) ?? "";
  return program.split("/").pop() || "(command)";
}
