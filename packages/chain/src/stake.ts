// What "stake" means. Subtensor weighs a hotkey's stake on a subnet as alpha + TAO × TaoWeight
// (get_stake_weights_for_network in pallets/subtensor/src/staking/stake_utils.rs), where TaoWeight is a u64
// storage value read as a ratio of u64::MAX (get_tao_weight). The bittensor SDK's metagraph (9.x,
// bittensor/core/metagraph.py) exposes that total as `stake`; Apex v3.0.6 reads `metagraph.stake`.

export const U64_MAX = (1n << 64n) - 1n;

/** SubtensorInitialTaoWeight (runtime/src/lib.rs): a fresh chain's TaoWeight until root changes it. */
export const INITIAL_TAO_WEIGHT_RAW = 971_718_665_099_567_868n;

/** `alpha`: the subnet's alpha only. `total`: alpha + TAO × the chain's TAO weight (upstream's `stake`). */
export type StakeMeasure = "alpha" | "total";

/** TaoWeight storage (u64) as the ratio the chain multiplies by. */
export function taoWeightRatio(raw: bigint): number {
  if (raw < 0n || raw > U64_MAX) throw new Error(`TaoWeight must be a u64, got ${raw}`);
  return Number(raw) / Number(U64_MAX);
}

/** alpha + tao × taoWeight, all in whole units. */
export function totalStake(alpha: number, tao: number, taoWeight: number): number {
  return alpha + tao * taoWeight;
}

/** A neuron's stake under the chosen measure. */
export function stakeOf(n: { stake: number; totalStake: number }, measure: StakeMeasure): number {
  return measure === "total" ? n.totalStake : n.stake;
}
