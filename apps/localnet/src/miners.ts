// The localnet's built-in miners: real HTTP servers announced at 127.0.0.2 (a chain refuses exactly 127.0.0.1),
// one strategy each from the mix. The same start-up on SimChain (run.ts) and on a real runtime (real-run.ts).
import type { ChainClient } from "@apex/chain";
import { loadMinerConfig, type RunningMiner, startMiner } from "@apex/miner";
import type { Clock } from "@apex/protocol";
import type { Closers, NeuronMeta } from "./handle.js";
import type { NeuronKeys } from "./keys.js";
import { strategyFor, strategyLabel } from "./strategies.js";

/** Where the localnet announces loopback miners: 127.0.0.2, since a chain refuses exactly 127.0.0.1. */
export const LOOPBACK_ANNOUNCE = "127.0.0.2";

export interface BuiltInMinersSetup {
  chain: ChainClient;
  /** The network name the miners' configuration carries ("sim", or the runtime's network). */
  network: string;
  netuid: number;
  keys: readonly NeuronKeys[];
  /** --strategies, or null for the default mix. */
  strategies: string[] | null;
  /** The clock of the subnet the miners are in: freshness, replay cache, rate limiter and strategy budgets. */
  clock: Clock;
  /** Server socket timeouts (ms); the miner's defaults when absent. */
  timeouts?: { keepAlive: number; connection: number };
  meta: Map<string, NeuronMeta>;
  closers: Closers;
}

/** Starts one built-in miner per key, in key order, each with the strategy its index picks. */
export async function startBuiltInMiners(setup: BuiltInMinersSetup): Promise<RunningMiner[]> {
  const miners: RunningMiner[] = [];
  for (const [i, m] of setup.keys.entries()) {
    const strategy = strategyFor(i, setup.strategies);
    setup.meta.set(m.hotkey.address, { role: "miner", strategy: strategyLabel(strategy) });
    const config = loadMinerConfig(
      [
        ...["--network", setup.network, "--netuid", String(setup.netuid)],
        ...["--host", LOOPBACK_ANNOUNCE, "--port", "0", "--external-ip", LOOPBACK_ANNOUNCE],
        ...["--generator", strategy.generator, "--discriminator", strategy.discriminator],
        ...["--coldkey", "localnet", "--hotkey", `miner${i}`, "--log-level", "silent"],
      ],
      {},
      () => {
        throw new Error("no config file in a localnet");
      },
    );
    const running = await startMiner(config, {
      chain: setup.chain,
      hotkey: m.hotkey,
      coldkeyAddress: m.coldkey.address,
      clock: setup.clock,
      ...(setup.timeouts ? { timeouts: setup.timeouts } : {}),
      externalIp: LOOPBACK_ANNOUNCE,
    });
    miners.push(running);
    setup.closers.push(() => running.close());
  }
  return miners;
}
