// Block production: per-block registration counters, emission into started subnets, and the epoch on subtensor's
// schedule, where the Yuma epoch (@apex/yuma) turns weights and stake into incentive, dividends and new stake.
import { runEpoch } from "@apex/yuma";
import { isEpochBlock } from "../epoch.js";
import { addStakeRaw, type SimState, type Subnet, U16_MAX, weightedStakeRao } from "./state.js";

/** Advance the state by one block (counters, emission, any epoch due) and return the new block number. */
export function produceBlock(state: SimState): number {
  state.block += 1;
  const b = state.block;
  for (const sn of state.subnets.values()) {
    sn.registrationsThisBlock = 0;
    if (b - sn.lastAdjustmentBlock >= sn.params.adjustmentInterval) {
      sn.registrationsThisInterval = 0;
      sn.lastAdjustmentBlock = b;
    }
    if (sn.firstEmissionBlock === null || b < sn.firstEmissionBlock) continue;
    sn.pendingEmission += state.defaults.emissionPerBlockRao;
    if (isEpochBlock(sn.netuid, sn.params.tempo, b)) runSubnetEpoch(state, sn);
  }
  return b;
}

/** The epoch of one subnet: 18% of the pending emission to the owner, the rest through Yuma into stake. */
function runSubnetEpoch(state: SimState, sn: Subnet): void {
  const p = sn.params;
  const n = sn.neurons.length;
  const emission = sn.pendingEmission;
  sn.pendingEmission = 0n;
  const ownerCut = (emission * 11_796n) / 65_535n;
  const rest = emission - ownerCut;
  if (n === 0) return;
  const weights = sn.neurons.map((nr) => {
    const row = new Array<number>(n).fill(0);
    for (const [j, w] of sn.weights.get(nr.uid) ?? []) if (j < n) row[j] = w;
    return row;
  });
  const bonds = sn.neurons.map((nr) => {
    const stored = sn.bonds.get(nr.uid) ?? [];
    return Array.from({ length: n }, (_, j) => stored[j] ?? 0);
  });
  const out = runEpoch({
    currentBlock: state.block,
    tempo: p.tempo,
    activityCutoff: p.activityCutoff,
    lastUpdate: sn.neurons.map((nr) => nr.lastUpdate),
    blockAtRegistration: sn.neurons.map((nr) => nr.registeredAt),
    lastEpochBlock: sn.lastEpochBlock,
    stake: sn.neurons.map((nr) => weightedStakeRao(state, nr.hotkey, sn.netuid)),
    stakeThreshold: Number(state.stakeThreshold),
    validatorPermits: sn.neurons.map((nr) => nr.validatorPermit),
    maxAllowedValidators: p.maxAllowedValidators,
    weights,
    bonds,
    kappa: p.kappa / U16_MAX,
    bondsMovingAverage: p.bondsMovingAverage,
    bondsPenalty: p.bondsPenalty / U16_MAX,
    emission: Number(rest),
    yuma3: p.yuma3,
  });
  sn.lastEpochBlock = state.block;
  const toU16 = (x: number) => Math.min(U16_MAX, Math.max(0, Math.floor(x * U16_MAX))) / U16_MAX;
  const maxCombined = Math.max(0, ...out.combinedEmission);
  sn.neurons.forEach((nr, i) => {
    // Yuma returns one entry per neuron, in uid order: every index below is in range.
    nr.active = out.active[i] ?? false;
    nr.validatorPermit = out.validatorPermits[i] ?? false;
    nr.consensus = toU16(out.consensus[i] ?? 0);
    nr.incentive = toU16(out.incentive[i] ?? 0);
    nr.rank = nr.incentive;
    nr.trust = 0;
    nr.dividends = toU16(out.dividends[i] ?? 0);
    nr.validatorTrust = toU16(out.validatorTrust[i] ?? 0);
    const combined = out.combinedEmission[i] ?? 0;
    nr.emission = BigInt(Math.floor(combined));
    nr.pruningScore = maxCombined > 0 ? Math.floor((combined / maxCombined) * U16_MAX) : 0;
    const bondRow = out.bonds[i] ?? [];
    if (bondRow.some((x) => x > 0)) sn.bonds.set(nr.uid, [...bondRow]);
    else sn.bonds.delete(nr.uid);
    const earned =
      BigInt(Math.floor(out.serverEmission[i] ?? 0)) + BigInt(Math.floor(out.validatorEmission[i] ?? 0));
    if (earned > 0n) addStakeRaw(state, nr.hotkey, sn.netuid, earned);
  });
  if (ownerCut > 0n) addStakeRaw(state, sn.ownerHotkey, sn.netuid, ownerCut);
}

/** How many blocks are due on the clock: block k is due at genesis + k·blockTime. */
export function blocksDueAt(nowMs: number, genesisMs: number, blockTimeMs: number): number {
  return Math.floor((nowMs - genesisMs) / blockTimeMs);
}
