// Reads: the metagraph and hyperparameters as the ChainClient interface returns them, and the raw views tests and
// scenarios inspect (stored weights, pending commits). Reads never change the state.
import { totalStake } from "../stake.js";
import type { Hyperparameters, Metagraph, NeuronInfo } from "../types.js";
import { ROOT_NETUID, type SimState, stakeOf, subnetOrThrow } from "./state.js";

export { stakeOf } from "./state.js";

export function metagraph(state: SimState, netuid: number): Metagraph {
  const sn = subnetOrThrow(state, netuid, "rpc");
  return {
    netuid,
    block: state.block,
    taoWeight: state.taoWeight,
    neurons: sn.neurons.map(
      (nr): NeuronInfo => ({
        uid: nr.uid,
        hotkey: nr.hotkey,
        coldkey: nr.coldkey,
        stake: Number(stakeOf(state, nr.hotkey, netuid)) / 1e9,
        taoStake: Number(stakeOf(state, nr.hotkey, ROOT_NETUID)) / 1e9,
        totalStake: totalStake(
          Number(stakeOf(state, nr.hotkey, netuid)) / 1e9,
          Number(stakeOf(state, nr.hotkey, ROOT_NETUID)) / 1e9,
          state.taoWeight,
        ),
        validatorPermit: nr.validatorPermit,
        incentive: nr.incentive,
        consensus: nr.consensus,
        dividends: nr.dividends,
        trust: nr.trust,
        validatorTrust: nr.validatorTrust,
        rank: nr.rank,
        emission: Number(nr.emission) / 1e9,
        lastUpdate: nr.lastUpdate,
        active: nr.active,
        registeredAt: nr.registeredAt,
        axon: { ...nr.axon },
      }),
    ),
  };
}

export function hyperparameters(state: SimState, netuid: number, blockTimeMs: number): Hyperparameters {
  const p = subnetOrThrow(state, netuid, "rpc").params;
  return {
    tempo: p.tempo,
    weightsRateLimit: p.weightsRateLimit,
    weightsVersion: p.weightsVersion,
    minAllowedWeights: p.minAllowedWeights,
    maxWeightLimit: p.maxWeightLimit,
    commitRevealEnabled: p.commitRevealEnabled,
    commitRevealPeriod: p.commitRevealPeriod,
    activityCutoff: p.activityCutoff,
    immunityPeriod: p.immunityPeriod,
    maxAllowedUids: p.maxAllowedUids,
    maxAllowedValidators: p.maxAllowedValidators,
    servingRateLimit: p.servingRateLimit,
    burn: p.burn,
    kappa: p.kappa,
    bondsMovingAverage: p.bondsMovingAverage,
    registrationAllowed: p.registrationAllowed,
    blockTimeMs,
  };
}

/** Stored weights of a uid as (uid, u16) pairs (empty when none), copied. */
export function weightsOf(state: SimState, netuid: number, uid: number): Array<[number, number]> {
  return [...(subnetOrThrow(state, netuid, "rpc").weights.get(uid) ?? [])].map(([a, b]) => [a, b]);
}

/** Pending hash commits of a hotkey. */
export function commitsOf(
  state: SimState,
  netuid: number,
  hotkey: string,
): Array<{ hash: string; commitBlock: number }> {
  return (subnetOrThrow(state, netuid, "rpc").commits.get(hotkey) ?? []).map((c) => ({
    hash: c.hash,
    commitBlock: c.commitBlock,
  }));
}
