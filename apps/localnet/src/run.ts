// `apex-localnet run`: a whole subnet on one machine. A SimChain (served to other processes), miners as real
// HTTP servers on loopback, validators that play the Apex game against them, epochs that pay incentive.
// This file assembles the run and plays it; the parts live next to it: miners.ts and outside-miners.ts (who
// mines), validators.ts (who validates), schedule.ts (real-time and virtual play, the settle), run-report.ts
// (the report and plots).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bootstrapSubnet, RAO_PER_ALPHA, SimChain, serveSimChain } from "@apex/chain";
import { DEFAULT_IDLE_SOCKET_TIMEOUT_MS } from "@apex/validator";
import type { RunOptions } from "./args.js";
import type { Closers, LocalnetHandle, LocalnetIo, NeuronMeta } from "./handle.js";
import { localnetKeys } from "./keys.js";
import { startBuiltInMiners } from "./miners.js";
import { outsideMinerKeys, startOutsideMiners } from "./outside-miners.js";
import { referenceSourceFor } from "./references.js";
import {
  type LocalnetReport,
  renderAnomalyWarning,
  renderDiscriminatorFigures,
  renderEpochTable,
  renderProgress,
} from "./report.js";
import { RunContext } from "./run-context.js";
import { buildReport, writePlots, writeReport } from "./run-report.js";
import { playRealTime, playVirtual, settle } from "./schedule.js";
import { LocalnetState } from "./state.js";
import { printRunProgress } from "./terminal.js";
import { startValidators } from "./validators.js";

export type { LocalnetHandle, LocalnetIo } from "./handle.js";

const VALIDATOR_STAKE_ALPHA = 100_000n;

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
  const closers: Closers = [data.remove];
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
  closers: Closers,
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
  const outside = await outsideMinerKeys(opts);
  const size = 1 + opts.validators + opts.miners + outside.external.length + outside.commands.length;
  if (size > 256) {
    throw new Error(
      `a localnet subnet holds at most 256 neurons; asked for ${size} (owner, validators and miners)`,
    );
  }
  const { netuid } = await bootstrapSubnet(chain, {
    sudo: keys.sudo,
    owner: keys.owner,
    validators: keys.validators.map((v) => ({ ...v, stakeRao: VALIDATOR_STAKE_ALPHA * RAO_PER_ALPHA })),
    miners: [...keys.miners, ...outside.external, ...outside.commands],
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

  const miners = await startBuiltInMiners({
    chain,
    network: "sim",
    netuid,
    keys: keys.miners,
    strategies: opts.strategies,
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
    meta,
    closers,
  });
  await startOutsideMiners({ opts, chain, chainUrl, netuid, keys: outside, context, io, meta, closers });

  // Validators, each with its own results DB; references from the localnet's writer, a corpus, or the LLM.
  const references = referenceSourceFor(opts);
  const { validators, stores } = startValidators({
    opts,
    chain,
    netuid,
    keys: keys.validators,
    dataDir,
    clock,
    // Our miners check stamps against the subnet's clock, outside miners against their wall clock.
    stampClock: (minerHotkey) => context.stampClockFor(minerHotkey),
    references,
    closers,
  });

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
