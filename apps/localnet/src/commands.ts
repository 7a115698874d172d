// The chain-facing commands of apex-localnet: chain, bootstrap, scenario, subtensor.
import {
  bootstrapSubnet,
  type ChainClient,
  connectChain,
  runScenario,
  runSubtensorLocal,
  SCENARIOS,
  SimChain,
  SubtensorClient,
  serveSimChain,
} from "@apex/chain";
import { UsageError } from "@apex/protocol/options";
import { devKeypair, loadColdkey, loadHotkeyAddress, resolveWalletRoot } from "@apex/wallet";
import type { BootstrapOptions, ChainOptions, ScenarioOptions, SubtensorOptions } from "./args.js";
import type { CliIo } from "./io.js";

const RAO_PER_TAO = 1_000_000_000n;

function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((done) => {
    if (!signal) return; // runs until the process is killed
    if (signal.aborted) return done();
    signal.addEventListener("abort", () => done(), { once: true });
  });
}

export async function runChainCommand(o: ChainOptions, io: CliIo): Promise<number> {
  const sim = new SimChain({ blockTimeMs: o.blockTimeMs, tempo: o.tempo, autoBlocks: true });
  const served = await serveSimChain(sim, { port: o.port, host: o.host });
  io.stdout(
    `SimChain served at ${served.url} (blocks every ${o.blockTimeMs} ms, tempo ${o.tempo}; sudo //Alice)\n`,
  );
  await untilAborted(io.signal);
  await served.close();
  await sim.close();
  return 0;
}

export async function runBootstrapCommand(o: BootstrapOptions, io: CliIo): Promise<number> {
  const chain = await connectChain({ network: o.network });
  try {
    const root = resolveWalletRoot(o.walletPath ?? undefined, io.env);
    const unlock = { env: io.env };
    const load = async (w: { wallet: string; hotkey: string }) => ({
      coldkey: await loadColdkey({ root, wallet: w.wallet, ...unlock }),
      hotkey: { address: await loadHotkeyAddress({ root, wallet: w.wallet, hotkey: w.hotkey }) },
    });
    const sudo = await devKeypair(o.sudoUri);
    const validators = await Promise.all(
      o.validators.map(async (w) => ({
        ...(await load(w)),
        stakeRao: BigInt(Math.round(o.stakeTao)) * RAO_PER_TAO,
      })),
    );
    const miners = await Promise.all(o.miners.map(load));
    const owner = { coldkey: sudo, hotkey: await devKeypair(`${o.sudoUri}//apex-owner`) };
    const result = await bootstrapSubnet(chain, {
      sudo,
      owner,
      validators,
      miners,
      tempo: o.tempo,
      commitReveal: o.commitReveal,
      weightsRateLimit: 0,
      // Fresh wallets hold nothing on a dev chain: pay their registration burns and stake from sudo.
      fundRao: BigInt(Math.round(o.fundTao)) * RAO_PER_TAO,
    });
    // The chain assigns the next free netuid; services configured for another one would query an empty subnet.
    if (o.netuid !== null && result.netuid !== o.netuid)
      throw new Error(
        `the chain registered subnet ${result.netuid}, but --netuid ${o.netuid} was expected (the other services ` +
          `are configured for it): start from a fresh chain, or configure them for netuid ${result.netuid}`,
      );
    if (o.json) io.stdout(`${JSON.stringify(result)}\n`);
    else {
      io.stdout(`subnet ${result.netuid} ready on ${chain.network}\n`);
      for (const [hotkey, uid] of Object.entries(result.uids.byHotkey))
        io.stdout(`  uid ${uid}: ${hotkey}\n`);
    }
    return 0;
  } finally {
    await chain.close();
  }
}

export async function runScenarioCommand(o: ScenarioOptions, io: CliIo): Promise<number> {
  // A name that is no scenario is the command line's fault (exit 2), found before any chain is reached.
  if (!SCENARIOS.some((name) => name === o.name))
    throw new UsageError(`unknown scenario "${o.name}"; choose one of ${SCENARIOS.join(", ")}`);
  // "sim" runs an in-process SimChain stepped block by block; anything else is a chain to connect to.
  // A chopsticks-run runtime (`apex-localnet subtensor`) serves dev_newBlock, which runScenario finds and uses;
  // on any other node the scenario waits for real blocks.
  let chain: ChainClient;
  let advanceBlocks: ((n: number) => Promise<void> | void) | undefined;
  let runtime: string | undefined;
  if (o.network === "sim") {
    const sim = new SimChain({});
    chain = sim;
    advanceBlocks = (n) => {
      sim.produceBlocks(n);
    };
  } else {
    chain = await connectChain({ network: o.network });
    if (chain instanceof SubtensorClient) runtime = chain.runtime;
  }
  try {
    const report = await runScenario(o.name, chain, { advanceBlocks, runtime });
    const { passed: _passed, ...rest } = report;
    const printable = { ...rest, steps: report.steps.map(({ name, ok, error }) => ({ name, ok, error })) };
    if (o.json) io.stdout(`${JSON.stringify(printable)}\n`);
    else {
      io.stdout(`scenario ${report.scenario} on ${report.network} (${report.runtime})\n`);
      for (const s of report.steps) {
        io.stdout(`  ${s.ok ? "ok  " : "fail"} ${s.name}${s.error ? `: ${s.error}` : ""}\n`);
      }
      io.stdout(`${JSON.stringify(report.result, null, 2)}\n`);
    }
    return report.passed ? 0 : 1;
  } finally {
    await chain.close();
  }
}

export async function runSubtensorCommand(o: SubtensorOptions, io: CliIo): Promise<number> {
  let source: { specPath: string } | { fork: NonNullable<SubtensorOptions["fork"]> };
  if (o.spec) source = { specPath: o.spec };
  else if (o.fork) source = { fork: o.fork };
  else throw new UsageError("subtensor needs --spec FILE or --fork ENDPOINT");
  const node = await runSubtensorLocal({ ...source, port: o.port, blocks: o.blocks });
  const cadence =
    node.blocks === "instant"
      ? "a block per extrinsic, more with dev_newBlock"
      : `a block every ${node.blocks.blockTimeMs} ms`;
  io.stdout(
    `subtensor runtime ${node.specName}, spec version ${node.specVersion}, at ${node.url} ` +
      `(${"fork" in source ? `forked from ${source.fork.endpoint}` : "from a chain spec"}; ${cadence}; sudo //Alice on dev specs)\n`,
  );
  io.stdout("Ctrl-C to stop\n");
  await untilAborted(io.signal);
  await node.close();
  io.stdout("subtensor runtime stopped\n");
  return 0;
}
