// Subtensor's epoch schedule (the modulo scheduler of runtime spec ~293–300): the one home of the formula for the
// sim, the localnet, the dashboards, the validator's commit-reveal timing and the timelock reveal round.
// Facts and their upstream files: docs/upstream.md § "Epoch schedule". Argument order is subtensor's
// (netuid, tempo, block).

/**
 * Blocks until the subnet's next epoch block, 0 when `block` is one (subtensor `blocks_until_next_epoch`).
 * A subnet with tempo 0 never runs an epoch: `Number.MAX_SAFE_INTEGER` stands in for subtensor's u64::MAX.
 */
export function blocksUntilNextEpoch(netuid: number, tempo: number, block: number): number {
  if (tempo === 0) return Number.MAX_SAFE_INTEGER;
  return tempo - ((block + netuid + 1) % (tempo + 1));
}

/** True when the epoch runs at `block`: (block + netuid + 1) % (tempo + 1) == tempo; never when tempo is 0. */
export function isEpochBlock(netuid: number, tempo: number, block: number): boolean {
  return tempo !== 0 && blocksUntilNextEpoch(netuid, tempo, block) === 0;
}

/** The epoch index a block falls in (subtensor `get_epoch_index`, used by hash commit-reveal). */
export function epochIndex(netuid: number, tempo: number, block: number): number {
  return Math.floor((block + netuid + 1) / (tempo + 1));
}

/** The first block whose epoch index is `epoch` (the block after that epoch's predecessor ran); may be < 0. */
export function firstBlockOfEpoch(netuid: number, tempo: number, epoch: number): number {
  return epoch * (tempo + 1) - netuid - 1;
}
