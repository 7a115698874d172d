// Weights: set_weights (internal_set_weights' checks in subtensor's order), hash commit-reveal (commit_weights,
// reveal_weights, expiry), the weights rate limit and the version key.
import { commitHash } from "../commit.js";
import { epochIndex } from "../epoch.js";
import { ChainError } from "../types.js";
import { num, nums, str } from "./call-args.js";
import type { CallArgs } from "./signing.js";
import {
  type CallResult,
  fail,
  neuronAt,
  type SimState,
  type Subnet,
  subnetOrThrow,
  tx,
  U16_MAX,
  uidOf,
  type WeightCommit,
  weightedStakeRao,
} from "./state.js";

/** A single weight on oneself: allowed without a permit, the minimum count or the weight limit. */
function isSelfWeight(uid: number, uids: number[], values: number[]): boolean {
  return values.length === 1 && uids[0] === uid;
}

/**
 * internal_set_weights: the checks in subtensor's order and with its error names. `viaSetWeights` is false for a
 * reveal, which skips only the commit-reveal guard.
 */
export function setWeights(
  state: SimState,
  hotkey: string,
  args: CallArgs,
  viaSetWeights: boolean,
): CallResult {
  const netuid = num(args, "netuid");
  const uids = nums(args, "uids");
  const values = nums(args, "weights");
  const versionKey = num(args, "versionKey");
  const sn = subnetOrThrow(state, netuid);
  const p = sn.params;
  if (viaSetWeights && p.commitRevealEnabled)
    fail("CommitRevealEnabled", "this subnet uses commit-reveal: commit_weights, then reveal_weights");
  if (netuid === 0) fail("CanNotSetRootNetworkWeights");
  if (uids.length !== values.length) fail("WeightVecNotEqualSize");
  if (uids.length > sn.neurons.length) fail("UidsLengthExceedUidsInSubNet");
  const uid = uidOf(sn, hotkey);
  if (uid === undefined) fail("HotKeyNotRegisteredInSubNet");
  if (weightedStakeRao(state, hotkey, netuid) < Number(state.stakeThreshold))
    fail("NotEnoughStakeToSetWeights");
  if (!(p.weightsVersion === 0 || versionKey >= p.weightsVersion))
    fail("IncorrectWeightVersionKey", `version key ${versionKey} < required ${p.weightsVersion}`);
  const nr = neuronAt(sn, uid);
  if (!p.commitRevealEnabled) {
    const ok = nr.lastUpdate === 0 || state.block - nr.lastUpdate >= p.weightsRateLimit;
    if (!ok)
      fail("SettingWeightsTooFast", `last set at block ${nr.lastUpdate}; limit ${p.weightsRateLimit} blocks`);
  }
  const isOwner = hotkey === sn.ownerHotkey;
  if (!(isSelfWeight(uid, uids, values) || isOwner || nr.validatorPermit)) fail("NeuronNoValidatorPermit");
  if (new Set(uids).size !== uids.length) fail("DuplicateUids");
  if (uids.some((u) => u >= sn.neurons.length)) fail("UidVecContainInvalidOne");
  const minAllowed = Math.min(p.minAllowedWeights, sn.neurons.length);
  if (!(isSelfWeight(uid, uids, values) || values.length >= minAllowed))
    fail("WeightVecLengthIsLow", `need at least ${minAllowed} weights`);
  const max = Math.max(0, ...values);
  const upscaled = values.map((v) => (max === 0 ? 0 : Math.floor((v * U16_MAX) / max)));
  if (
    !(
      isSelfWeight(uid, uids, values) ||
      p.maxWeightLimit === U16_MAX ||
      upscaled.every((v) => v <= p.maxWeightLimit)
    )
  )
    fail("MaxWeightExceeded", `the largest weight exceeds the limit ${p.maxWeightLimit}`);
  sn.weights.set(
    uid,
    uids.map((u, i) => [u, upscaled[i] ?? 0]),
  );
  // Spec 293 records activity on every successful set (and reveal).
  nr.lastUpdate = state.block;
  return tx(state, "WeightsSet");
}

/** A commit is expired once the epoch it had to be revealed in has passed. */
function isExpired(state: SimState, sn: Subnet, c: WeightCommit): boolean {
  return epochIndex(sn.netuid, sn.params.tempo, state.block) > c.commitEpoch + sn.params.commitRevealPeriod;
}

export function commitWeights(state: SimState, hotkey: string, args: CallArgs): CallResult {
  const netuid = num(args, "netuid");
  const hash = str(args, "commitHash").toLowerCase();
  if (!/^0x[0-9a-f]{64}$/.test(hash))
    throw new ChainError("InvalidCallArguments", "commitHash must be 0x + 64 hex", "rpc");
  const sn = subnetOrThrow(state, netuid);
  const p = sn.params;
  if (!p.commitRevealEnabled) fail("CommitRevealDisabled");
  const uid = uidOf(sn, hotkey);
  if (uid === undefined) fail("HotKeyNotRegisteredInSubNet");
  const nr = neuronAt(sn, uid);
  if (!(nr.lastUpdate === 0 || state.block - nr.lastUpdate >= p.weightsRateLimit))
    fail("CommittingWeightsTooFast", `limit ${p.weightsRateLimit} blocks`);
  const epoch = epochIndex(netuid, p.tempo, state.block);
  const commits = (sn.commits.get(hotkey) ?? []).filter((c) => !isExpired(state, sn, c));
  if (commits.length >= 10) fail("TooManyUnrevealedCommits");
  commits.push({ hash, commitBlock: state.block, commitEpoch: epoch });
  sn.commits.set(hotkey, commits);
  // The commit counts as activity for the rate limit (spec 293 sets last_update on commit).
  nr.lastUpdate = state.block;
  return tx(state, "WeightsCommitted");
}

export function revealWeights(state: SimState, hotkey: string, args: CallArgs): CallResult {
  const netuid = num(args, "netuid");
  const uids = nums(args, "uids");
  const values = nums(args, "values");
  const salt = nums(args, "salt");
  const versionKey = num(args, "versionKey");
  const sn = subnetOrThrow(state, netuid);
  if (!sn.params.commitRevealEnabled) fail("CommitRevealDisabled");
  const all = sn.commits.get(hotkey);
  if (!all || all.length === 0) fail("NoWeightsCommitFound");
  const expired = all.filter((c) => isExpired(state, sn, c));
  const live = all.filter((c) => !isExpired(state, sn, c));
  const provided = commitHash(hotkey, netuid, uids, values, salt, versionKey);
  if (live.length === 0) {
    sn.commits.delete(hotkey);
    fail(expired.some((c) => c.hash === provided) ? "ExpiredWeightCommit" : "NoWeightsCommitFound");
  }
  const pos = live.findIndex((c) => c.hash === provided);
  if (pos < 0) {
    sn.commits.set(hotkey, live);
    fail(
      expired.some((c) => c.hash === provided) ? "ExpiredWeightCommit" : "InvalidRevealCommitHashNotMatch",
    );
  }
  const current = epochIndex(netuid, sn.params.tempo, state.block);
  const revealEpoch = (live[pos]?.commitEpoch ?? 0) + sn.params.commitRevealPeriod;
  if (current !== revealEpoch) {
    sn.commits.set(hotkey, live);
    fail("RevealTooEarly", `reveal in epoch ${revealEpoch}; now ${current}`);
  }
  // Revealed weights go through the same checks as set_weights (but not the commit-reveal guard).
  const result = setWeights(state, hotkey, { netuid, uids, weights: values, versionKey }, false);
  const rest = live.slice(pos + 1);
  if (rest.length) sn.commits.set(hotkey, rest);
  else sn.commits.delete(hotkey);
  return { ...result, events: [...result.events, "WeightsRevealed"] };
}
