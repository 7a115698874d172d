// How a localnet run plays out in time: real time (the validators run their own loops on the system clock) or
// virtual play (this file steps the virtual clock from one validator action to the next), then the settle that
// makes the last results count.
import { isEpochBlock } from "@apex/chain";
import type { RunOptions } from "./args.js";
import type { LocalnetHandle, LocalnetIo } from "./handle.js";

export async function playRealTime(
  net: LocalnetHandle,
  opts: RunOptions,
  io: LocalnetIo,
  rounds: () => number,
) {
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
export async function playVirtual(
  net: LocalnetHandle,
  opts: RunOptions,
  io: LocalnetIo,
  rounds: () => number,
  progress: () => void,
) {
  const clock = net.context.virtualClock;
  const start = clock.now();
  const end = opts.hours !== null ? start + opts.hours * 3_600_000 : Number.POSITIVE_INFINITY;
  // One lane per validator: its cadences and when it next plays a round and sets weights.
  const lanes = net.validators.map((v, i) => {
    const roundEvery = v.config.pipeline.timeout_producer * 1000;
    const scoreEvery = v.config.miner_scorer.interval * 1000;
    // Stagger validators so they do not all act at the same instant.
    const nextRound = start + ((i + 1) * roundEvery) / (net.validators.length + 1);
    return { v, roundEvery, scoreEvery, nextRound, nextScore: start + scoreEvery };
  });
  let lastProgress = 0;
  while (!io.signal?.aborted) {
    if (opts.rounds !== null && rounds() >= opts.rounds) break;
    let t = Number.POSITIVE_INFINITY;
    let action: (() => Promise<unknown>) | null = null;
    for (const lane of lanes) {
      if (lane.nextScore <= t) {
        t = lane.nextScore;
        action = async () => {
          await lane.v.scoreAndSetWeights();
          lane.nextScore = t + lane.scoreEvery;
        };
      }
      if (lane.nextRound < t) {
        t = lane.nextRound;
        action = async () => {
          await lane.v.runRound().catch((err: Error) => io.err(`round failed: ${err.message}`));
          lane.nextRound = t + lane.roundEvery;
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

/** Makes the last results count: score, set weights, and run the chain to the next epoch (and its reveal). */
export async function settle(net: LocalnetHandle, opts: RunOptions) {
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
