// `apex-localnet run --network ws://URL | --network subtensor --spec FILE`: the localnet's run on a real subtensor
// runtime instead of SimChain. Same miners, validators, round lines, epoch tables, dashboard and report; the chain
// is a SubtensorClient, its epochs are the runtime's own, and where the runtime behaves differently from SimChain
// (block time, emission, rate limits) the report says so.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  blocksUntilNextEpoch,
  bootstrapSubnet,
  type ChainClient,
  connectChain,
  resolveAdvanceBlocks,
  runSubtensorLocal,
  SubtensorClient,
  type SubtensorLocal,
  waitBlocks,
} from "@apex/chain";
import { systemClock } from "@apex/protocol";
import type { RunOptions } from "./args.js";
import type { Closers, LocalnetIo, NeuronMeta } from "./handle.js";
import { localnetKeys } from "./keys.js";
import { startBuiltInMiners } from "./miners.js";
import { describeDifferences, type RealRunReport, writeRealReport } from "./real-run-report.js";
import { findAnomalies, renderAnomalyWarning, renderEpochTable, renderProgress } from "./report.js";
import { LocalnetState } from "./state.js";
import { printRunProgress } from "./terminal.js";
import { startValidators } from "./validators.js";

const RAO_PER_TAO = 1_000_000_000n;
/** TAO each validator stakes; the runtime swaps it for alpha through the subnet pool (not 1:1). */
const VALIDATOR_STAKE_TAO = 1_000n;
/** TAO sent from //Alice to each fresh coldkey for registration burns (plus the validators' stake). */
const FUND_TAO = 100n;

interface OpenChain {
  client: SubtensorClient;
  local: SubtensorLocal | null;
  how: string;
  specVersion: number | null;
  close(): Promise<void>;
}

async function openChain(opts: RunOptions): Promise<OpenChain> {
  let local: SubtensorLocal | null = null;
  if (opts.network === null)
    throw new Error("a run on a real chain needs --network (a ws:// URL or subtensor)");
  let url = opts.network;
  let how = `node at ${url}`;
  if (opts.network === "subtensor") {
    if (opts.spec === null) throw new Error("--network subtensor needs --spec FILE");
    // Blocks on the runtime's own slot, as a node of it would make them.
    local = await runSubtensorLocal({
      specPath: opts.spec,
      port: 24944 + Math.floor(Math.random() * 1000),
      blocks: "slot",
    });
    url = local.url;
    const cadence = local.blocks === "instant" ? "instant" : `a block every ${local.blocks.blockTimeMs} ms`;
    how = `chopsticks from ${opts.spec} at ${url} (${cadence})`;
  }
  let client: SubtensorClient;
  try {
    // A ws:// URL (the --network check and chopsticks both give one), so connectChain returns a SubtensorClient.
    const connected = await connectChain({ network: url, rpcTimeoutMs: 60_000 });
    if (!(connected instanceof SubtensorClient)) {
      await connected.close();
      throw new Error(`--network ${url} is not a subtensor node (a real run needs a ws:// URL)`);
    }
    client = connected;
  } catch (error) {
    await local?.close();
    throw error;
  }
  return {
    client,
    local,
    how,
    specVersion: local?.specVersion ?? (Number(client.runtime.split(" ").pop()) || null),
    close: async () => {
      await client.close();
      await local?.close();
    },
  };
}

/** Plays a run on a real runtime: bootstrap, miners, validators, the runtime's epochs, a report. */
export async function runOnRealChain(opts: RunOptions, io: LocalnetIo): Promise<RealRunReport> {
  // Wall time on purpose: the report's wallSeconds.
  const wallStart = performance.now();
  // A real runtime makes its blocks in real time: the system clock is this run's one clock, for every part.
  const clock = systemClock;
  const chain = await openChain(opts);
  const client: ChainClient = chain.client;
  const closers: Closers = [];
  const meta = new Map<string, NeuronMeta>();
  try {
    const blockTimeMs =
      chain.local && chain.local.blocks !== "instant"
        ? chain.local.blocks.blockTimeMs
        : ((await client.hyperparameters(0).catch(() => null))?.blockTimeMs ?? opts.blockTimeMs);
    // The validators' cadences follow the runtime's block time, as they would on its chain.
    const runOpts: RunOptions = { ...opts, blockTimeMs };
    const local = chain.local;
    const advanceBlocks = await resolveAdvanceBlocks(client, {
      advanceBlocks: local ? (n) => local.advanceBlocks(n) : undefined,
    });
    io.out(`localnet: ${chain.client.runtime} (${chain.how}); bootstrapping a subnet…`);

    const keys = await localnetKeys(opts.validators, opts.miners);
    const { netuid } = await bootstrapSubnet(client, {
      sudo: keys.sudo,
      owner: keys.owner,
      validators: keys.validators.map((v) => ({ ...v, stakeRao: VALIDATOR_STAKE_TAO * RAO_PER_TAO })),
      miners: keys.miners,
      fundRao: FUND_TAO * RAO_PER_TAO,
      tempo: opts.tempo,
      commitReveal: opts.commitReveal,
      weightsRateLimit: 0,
      advanceBlocks,
      clock,
      blockWaitMs: Math.max(30_000, 3 * blockTimeMs),
    });
    meta.set(keys.owner.hotkey.address, { role: "owner", strategy: null });
    for (const [i, v] of keys.validators.entries())
      meta.set(v.hotkey.address, { role: "validator", strategy: `validator ${i}` });

    const miners = await startBuiltInMiners({
      chain: client,
      network: chain.client.network,
      netuid,
      keys: keys.miners,
      strategies: opts.strategies,
      clock,
      meta,
      closers,
    });

    const dataDir = opts.dataDir ? resolve(opts.dataDir) : mkdtempSync(join(tmpdir(), "apex-localnet-"));
    mkdirSync(dataDir, { recursive: true });
    const { validators, stores } = startValidators({
      opts: runOpts,
      chain: client,
      netuid,
      keys: keys.validators,
      dataDir,
      clock,
      stampClock: clock,
      closers,
    });

    const state = new LocalnetState({
      chain: client,
      netuid,
      tempo: opts.tempo,
      meta,
      validators,
      stores,
      clock,
    });
    state.attach();
    closers.push(() => state.detach());
    if (opts.dashboardPort !== null) {
      const { serveDashboard } = await import("./dashboard/index.js");
      const dash = await serveDashboard({ source: state, port: opts.dashboardPort, host: "127.0.0.1" });
      closers.push(() => dash.close());
      io.out(`dashboard: ${dash.url}`);
    }
    io.out(
      `localnet: subnet ${netuid} on ${chain.client.runtime}; ${miners.length} miners, ${validators.length} ` +
        `validator(s); real time, blocks every ${blockTimeMs} ms`,
    );

    const roundsDone = printRunProgress(validators, state, {
      quiet: opts.quiet,
      out: io.out,
      afterRound: () => {
        if (opts.rounds !== null)
          io.progress?.(
            renderProgress(roundsDone(), opts.rounds, 30, `${roundsDone()}/${opts.rounds} rounds`),
          );
      },
    });

    for (const v of validators) v.start();
    await new Promise<void>((done) => {
      // Real time, the run's clock: how often to look whether the run is done.
      const timer = setInterval(() => {
        if ((opts.rounds !== null && roundsDone() >= opts.rounds) || io.signal?.aborted) {
          clearInterval(timer);
          done();
        }
      }, 100);
    });
    for (const v of validators) await v.stop();

    // Make the last results count: score, set weights, then let the runtime run its next epoch.
    for (const v of validators) await v.scoreAndSetWeights().catch(() => undefined);
    const block = await client.currentBlock();
    const toEpoch = blocksUntilNextEpoch(netuid, opts.tempo, block) || opts.tempo + 1;
    await waitBlocks(
      client,
      toEpoch + 1,
      { advanceBlocks, clock, blockWaitMs: Math.max(30_000, 3 * blockTimeMs) },
      `the epoch after the last weights (subnet ${netuid}, tempo ${opts.tempo})`,
    );
    await state.flushEpochs();

    const neurons = await state.neuronReports();
    const summary = stores[0]?.windowSummary(0);
    const mg = await client.metagraph(netuid);
    const firstValidator = keys.validators[0]?.hotkey.address;
    const validatorAlpha = firstValidator
      ? (mg.neurons.find((n) => n.hotkey === firstValidator)?.stake ?? 0)
      : 0;
    const differences = describeDifferences({
      blockTimeMs,
      simBlockTimeMs: opts.blockTimeMs,
      validatorStakeTao: Number(VALIDATOR_STAKE_TAO),
      validatorAlpha,
      devBlocks: advanceBlocks !== undefined,
      epochEmission: mg.neurons.reduce((s, n) => s + n.emission, 0),
    });
    const report: RealRunReport = {
      version: 2,
      seed: opts.seed,
      clock: "real",
      simulatedHours: 0,
      wallSeconds: (performance.now() - wallStart) / 1000,
      netuid,
      rounds: roundsDone(),
      roundsByKind: { reference: summary?.referenceRounds ?? 0, generator: summary?.generatorRounds ?? 0 },
      referenceFailures: summary?.referenceFailures ?? 0,
      epochs: state.epochs,
      neurons,
      anomalies: findAnomalies(neurons),
      chain: {
        network: opts.network === "subtensor" ? chain.client.network : (opts.network ?? chain.client.network),
        runtime: chain.client.runtime,
        specVersion: chain.specVersion,
        how: chain.how,
        blockTimeMs,
        devBlocks: advanceBlocks !== undefined,
        incentiveFromStorage: await chain.client.incentiveStorage(netuid),
        differences,
      },
    };
    if (!opts.quiet) io.out(`final ${renderEpochTable(await client.currentBlock(), neurons)}`);
    if (report.anomalies.length > 0) io.err(renderAnomalyWarning(report.anomalies));
    io.out(`chain: ${report.chain.runtime} — where it differs from SimChain:`);
    for (const d of differences) io.out(`  - ${d}`);
    if (opts.report) writeRealReport(opts.report, report);
    return report;
  } finally {
    for (const c of closers.reverse()) {
      try {
        await c();
      } catch (err) {
        io.err(`localnet: while closing: ${(err as Error).message}`);
      }
    }
    await chain.close();
  }
}
