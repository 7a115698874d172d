// The Yuma consensus epoch as a pure function: subtensor's `epoch_dense_mechanism`
// (pallets/subtensor/src/epoch/run_epoch.rs @ 14bc6f9f, original Yuma path; Yuma3 is behind `yuma3`).
import {
  alphaSigmoid,
  colClip,
  colMaxUpscale,
  colNormalize,
  interpolate,
  isTopkNonzero,
  type Matrix,
  maskCols,
  maskDiag,
  maskRows,
  maskVector,
  matEma,
  matEmaAlpha,
  matmul,
  matmulTranspose,
  normalize,
  rowHadamard,
  rowNormalize,
  rowSum,
  sum,
  weightedMedianCol,
  zeros,
  zerosMatrix,
} from "./math.js";

export interface EpochInput {
  /** Block at which the epoch runs. */
  currentBlock: number;
  tempo: number;
  /** A neuron is inactive when lastUpdate + activityCutoff < currentBlock. */
  activityCutoff: number;
  /** Per uid: block of its last weights (0 = never). */
  lastUpdate: readonly number[];
  /** Per uid: block at which the current hotkey registered. */
  blockAtRegistration: readonly number[];
  /** Block of the previous epoch for this subnet (LastMechansimStepBlock); 0 or absent = currentBlock − tempo. */
  lastEpochBlock?: number;
  /** Per uid: stake weight (alpha, any unit). */
  stake: readonly number[];
  /** Stakes below this (same unit as `stake`) count as 0. Default 0. */
  stakeThreshold?: number;
  /** Per uid: validator permits from the previous epoch (they decide whose weights count now). */
  validatorPermits: readonly boolean[];
  maxAllowedValidators: number;
  /** Weights matrix n×n, raw u16 values (rows are normalised inside). */
  weights: Matrix;
  /** Stored bonds n×n from the previous epoch as the chain keeps them: u16 values 0..65535. */
  bonds: Matrix;
  /** Consensus majority, default 0.5 (subtensor stores kappa as u16: 32767/65535). */
  kappa?: number;
  /** BondsMovingAverage as stored (parts per million), default 900_000 → EMA alpha 0.1. */
  bondsMovingAverage?: number;
  /** In [0,1]; 1 = bonds built from clipped weights (default 1 as subtensor's DefaultBondsPenalty u16::MAX). */
  bondsPenalty?: number;
  /** Alpha to distribute at this epoch (the server + validator part); default 0. */
  emission?: number;
  /** Use the Yuma3 bond path (Yuma3On). Default false. */
  yuma3?: boolean;
  /**
   * Liquid alpha (LiquidAlphaOn, Yuma3 path only): per-bond EMA alphas between AlphaValues low and high (as
   * proportions, u16/65535) on a sigmoid of AlphaSigmoidSteepness (the stored i16). Absent = off.
   */
  liquidAlpha?: { low: number; high: number; steepness: number };
}

export interface EpochOutput {
  active: boolean[];
  /** Normalised stake after the threshold filter. */
  stake: number[];
  activeStake: number[];
  validatorPermits: boolean[];
  consensus: number[];
  validatorTrust: number[];
  /** Normalised ranks; subtensor stores incentive = ranks. */
  incentive: number[];
  dividends: number[];
  /**
   * Bonds to store for the next epoch as u16 values (truncated like fixed_proportion_to_u16): original Yuma stores
   * them column max-upscaled; Yuma3 as proportions. Rows of validators that lost their permit are cleared, rows of
   * neurons that never had one are passed through.
   */
  bonds: Matrix;
  /** Per uid: alpha for servers (incentive share) and validators (dividend share) out of `emission`. */
  serverEmission: number[];
  validatorEmission: number[];
  /** Normalised incentive + dividends (what subtensor stores as Emission, scaled by `emission`). */
  combinedEmission: number[];
}

function checkInput(input: EpochInput): number {
  const n = input.stake.length;
  const vectors: Array<[string, readonly unknown[]]> = [
    ["lastUpdate", input.lastUpdate],
    ["blockAtRegistration", input.blockAtRegistration],
    ["validatorPermits", input.validatorPermits],
    ["weights", input.weights],
    ["bonds", input.bonds],
  ];
  for (const [name, v] of vectors) {
    if (v.length !== n) throw new Error(`yuma epoch: ${name} has ${v.length} entries but stake has ${n}`);
  }
  for (const [name, m] of [
    ["weights", input.weights],
    ["bonds", input.bonds],
  ] as const) {
    m.forEach((row, i) => {
      if (row.length !== n)
        throw new Error(`yuma epoch: ${name}[${i}] has ${row.length} columns, expected ${n}`);
      for (const x of row)
        if (!Number.isFinite(x) || x < 0)
          throw new Error(`yuma epoch: ${name}[${i}] holds ${x}; must be ≥ 0`);
    });
  }
  for (const s of input.stake)
    if (!Number.isFinite(s) || s < 0) throw new Error(`yuma epoch: stake holds ${s}; must be finite and ≥ 0`);
  return n;
}

/** Row i of a matrix whose shape checkInput has validated; throws rather than read past the end. */
function rowAt(m: Matrix, i: number): number[] {
  const row = m[i];
  if (!row) throw new Error(`yuma epoch: matrix has no row ${i} (${m.length} rows)`);
  return row;
}

export function runEpoch(input: EpochInput): EpochOutput {
  const n = checkInput(input);
  const kappa = input.kappa ?? 32_767 / 65_535;
  const bondsPenalty = input.bondsPenalty ?? 1;
  const bma = input.bondsMovingAverage ?? 900_000;
  const block = input.currentBlock;

  // Active & updated.
  const inactive = input.lastUpdate.map((u) => u + input.activityCutoff < block);
  const active = inactive.map((b) => !b);
  const outdated = input.lastUpdate.map((u) => input.blockAtRegistration.map((r) => u <= r));
  const lastTempo = !input.lastEpochBlock ? Math.max(0, block - input.tempo) : input.lastEpochBlock + 1;
  const recentlyRegistered = input.blockAtRegistration.map((r) => lastTempo <= r);

  // Stake.
  const threshold = input.stakeThreshold ?? 0;
  const stake = normalize(input.stake.map((s) => (s < threshold ? 0 : s)));

  // Validator permits: the previous ones decide whose weights count; the new ones are stored.
  const forbids = input.validatorPermits.map((p) => !p);
  const newPermits = isTopkNonzero(stake, input.maxAllowedValidators);

  const activeStake = normalize(maskVector(forbids, maskVector(inactive, stake)));

  // Weights: permitted rows only, no self-weights, none to neurons registered after the row's last update.
  let weights = maskRows(forbids, input.weights);
  weights = maskDiag(weights);
  weights = weights.map((row, i) => row.map((w, j) => (outdated[i]?.[j] ? 0 : w)));
  weights = rowNormalize(weights);

  // Consensus, validator trust.
  const consensus = weightedMedianCol(activeStake, weights, kappa);
  const clipped = colClip(weights, consensus);
  const validatorTrust = rowSum(clipped);

  // Ranks = incentive.
  const incentive = normalize(matmul(clipped, activeStake));

  // Bonds and dividends.
  const weightsForBonds = interpolate(weights, clipped, bondsPenalty);
  let dividends: number[];
  let emaBonds: Matrix;
  const alpha = 1 - bma / 1_000_000;
  if (input.yuma3) {
    // Yuma3: bonds kept as proportions, EMA toward the (penalised) weights; dividends by stake-weighted bond value.
    const bonds = maskCols(recentlyRegistered, input.bonds).map((row) => row.map((x) => x / 65_535));
    const la = input.liquidAlpha;
    if (la && consensus.some((c) => c !== 0)) {
      const alphas = weightsForBonds.map((row, i) =>
        row.map((w, j) =>
          alphaSigmoid(consensus[j] ?? 0, w, bonds[i]?.[j] ?? 0, la.low, la.high, la.steepness),
        ),
      );
      emaBonds = matEmaAlpha(weightsForBonds, bonds, alphas);
    } else {
      emaBonds = matEma(weightsForBonds, bonds, alpha).map((row) =>
        row.map((x) => Math.min(1, Math.max(0, x))),
      );
    }
    const normed = colNormalize(emaBonds);
    const perValidator = normed.map((row) => row.reduce((acc, b, j) => acc + b * (incentive[j] ?? 0), 0));
    dividends = normalize(perValidator.map((v, i) => v * (activeStake[i] ?? 0)));
  } else {
    const bonds = colNormalize(maskCols(recentlyRegistered, input.bonds));
    const delta = colNormalize(rowHadamard(weightsForBonds, activeStake));
    emaBonds = colNormalize(matEma(delta, bonds, alpha));
    dividends = normalize(matmulTranspose(emaBonds, incentive));
    emaBonds = colMaxUpscale(emaBonds);
  }

  // Emission split, normalised on Σ(incentive + dividends).
  const combined = incentive.map((x, i) => x + (dividends[i] ?? 0));
  const emissionSum = sum(combined);
  let serverNorm = emissionSum === 0 ? [...incentive] : incentive.map((x) => x / emissionSum);
  let validatorNorm = emissionSum === 0 ? [...dividends] : dividends.map((x) => x / emissionSum);
  let combinedNorm = normalize(combined);
  if (emissionSum === 0) {
    // Nobody earned anything (no weights, outdated or only self weights): pay validators by stake.
    const fallback = activeStake.every((x) => x === 0) ? stake : activeStake;
    serverNorm = zeros(n).map((_, i) => serverNorm[i] ?? 0);
    validatorNorm = [...fallback];
    combinedNorm = [...fallback];
  }
  const e = input.emission ?? 0;

  // Stored bonds: kept for rows that keep a permit, cleared for rows that lose one.
  const storedBonds = zerosMatrix(n, n).map((row, i) =>
    newPermits[i]
      ? rowAt(emaBonds, i).map((x) => Math.min(65_535, Math.floor(x * 65_535)))
      : input.validatorPermits[i]
        ? row
        : [...rowAt(input.bonds, i)],
  );

  return {
    active,
    stake,
    activeStake,
    validatorPermits: newPermits,
    consensus,
    validatorTrust,
    incentive,
    dividends,
    bonds: storedBonds,
    serverEmission: serverNorm.map((x) => x * e),
    validatorEmission: validatorNorm.map((x) => x * e),
    combinedEmission: combinedNorm.map((x) => x * e),
  };
}
