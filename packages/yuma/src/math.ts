// Vector and matrix helpers with the semantics of subtensor's epoch/math.rs (dense forms), in f64.
// subtensor computes in I32F32 fixed point; results here agree with it to a tolerance, not bit for bit.

export type Matrix = number[][];

/** n zeros in a packed array (pushed, not `new Array(n)`): reads that check for a hole stay on V8's fast path. */
export function zeros(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(0);
  return out;
}

export function zerosMatrix(rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, () => zeros(cols));
}

export function sum(x: readonly number[]): number {
  let s = 0;
  for (const v of x) s += v;
  return s;
}

/** x / Σx; left unchanged when the sum is 0 (inplace_normalize). */
export function normalize(x: readonly number[]): number[] {
  const s = sum(x);
  return s === 0 ? [...x] : x.map((v) => v / s);
}

/** Each row divided by its sum; all-zero rows stay zero. */
export function rowNormalize(m: Matrix): Matrix {
  return m.map((row) => normalize(row));
}

/** Each column divided by its sum; all-zero columns stay zero. */
export function colNormalize(m: Matrix): Matrix {
  const cols = m[0]?.length ?? 0;
  const sums = zeros(cols);
  for (const row of m) for (let j = 0; j < cols; j++) sums[j] = (sums[j] ?? 0) + (row[j] ?? 0);
  return m.map((row) =>
    row.map((v, j) => {
      const s = sums[j] ?? 0;
      return s === 0 ? v : v / s;
    }),
  );
}

/** Each column divided by its maximum, so the largest entry becomes 1 (inplace_col_max_upscale). */
export function colMaxUpscale(m: Matrix): Matrix {
  const cols = m[0]?.length ?? 0;
  const maxes = zeros(cols);
  for (const row of m) for (let j = 0; j < cols; j++) maxes[j] = Math.max(maxes[j] ?? 0, row[j] ?? 0);
  return m.map((row) =>
    row.map((v, j) => {
      const max = maxes[j] ?? 0;
      return max === 0 ? v : v / max;
    }),
  );
}

export function rowSum(m: Matrix): number[] {
  return m.map((row) => sum(row));
}

/** r_j = Σ_i m_ij · v_i (subtensor's `matmul`: the vector multiplies the rows). */
export function matmul(m: Matrix, v: readonly number[]): number[] {
  const cols = m[0]?.length ?? 0;
  const out = zeros(cols);
  m.forEach((row, i) => {
    const vi = v[i] ?? 0;
    if (vi === 0) return;
    for (let j = 0; j < cols; j++) out[j] = (out[j] ?? 0) + (row[j] ?? 0) * vi;
  });
  return out;
}

/** d_i = Σ_j m_ij · v_j (subtensor's `matmul_transpose`). */
export function matmulTranspose(m: Matrix, v: readonly number[]): number[] {
  return m.map((row) => row.reduce((acc, x, j) => acc + x * (v[j] ?? 0), 0));
}

/** Row i scaled by v_i. */
export function rowHadamard(m: Matrix, v: readonly number[]): Matrix {
  return m.map((row, i) => row.map((x) => x * (v[i] ?? 0)));
}

export function maskRows(mask: readonly boolean[], m: Matrix): Matrix {
  return m.map((row, i) => (mask[i] ? row.map(() => 0) : [...row]));
}

export function maskCols(mask: readonly boolean[], m: Matrix): Matrix {
  return m.map((row) => row.map((v, j) => (mask[j] ? 0 : v)));
}

export function maskDiag(m: Matrix): Matrix {
  return m.map((row, i) => row.map((v, j) => (i === j ? 0 : v)));
}

export function maskVector(mask: readonly boolean[], v: readonly number[]): number[] {
  return v.map((x, i) => (mask[i] ? 0 : x));
}

/** value = min(value, threshold_j) per column. */
export function colClip(m: Matrix, thresholds: readonly number[]): Matrix {
  return m.map((row) => row.map((v, j) => Math.min(v, thresholds[j] ?? 0)));
}

/** mat1 + ratio · (mat2 − mat1). */
export function interpolate(a: Matrix, b: Matrix, ratio: number): Matrix {
  if (ratio === 0) return a.map((r) => [...r]);
  if (ratio === 1) return b.map((r) => [...r]);
  return a.map((row, i) => row.map((v, j) => v + ratio * ((b[i]?.[j] ?? 0) - v)));
}

/** alpha · new + (1 − alpha) · old, elementwise. */
export function matEma(next: Matrix, old: Matrix, alpha: number): Matrix {
  return next.map((row, i) => row.map((v, j) => alpha * v + (1 - alpha) * (old[i]?.[j] ?? 0)));
}

/** Per-entry EMA with its own alpha (mat_ema_alpha): alpha_ij · new + (1 − alpha_ij) · old, clamped to [0, 1]. */
export function matEmaAlpha(next: Matrix, old: Matrix, alpha: Matrix): Matrix {
  return next.map((row, i) =>
    row.map((v, j) => {
      const a = alpha[i]?.[j] ?? 0;
      return Math.min(1, Math.max(0, a * v + (1 - a) * (old[i]?.[j] ?? 0)));
    }),
  );
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * Liquid alpha of one validator–miner bond (run_epoch.rs `alpha_sigmoid`): the further a weight runs ahead of
 * consensus (buying) or a bond above the weight (selling), the faster the bond moves, from `low` to `high`
 * along a sigmoid of steepness `steepness / 100` centred at a difference of 0.5.
 */
export function alphaSigmoid(
  consensus: number,
  weight: number,
  bond: number,
  low: number,
  high: number,
  steepness: number,
): number {
  const diff = weight >= bond ? clamp(weight - consensus, 0, 1) : clamp(bond - weight, 0, 1);
  // exp_safe clamps its argument to ±20.
  const sigmoid = 1 / (1 + Math.exp(clamp((-steepness / 100) * (diff - 0.5), -20, 20)));
  return clamp(low + sigmoid * (high - low), low, high);
}

/**
 * Top-k by value among the non-zero entries (is_topk_nonzero): when n ≥ k, the n−k smallest are dropped,
 * lowest first with ties broken by index (a stable ascending sort).
 */
export function isTopkNonzero(v: readonly number[], k: number): boolean[] {
  const n = v.length;
  const result = v.map((x) => x !== 0);
  if (n < k) return result;
  const idx = [...v.keys()].sort((a, b) => (v[a] ?? 0) - (v[b] ?? 0) || a - b);
  for (const i of idx.slice(0, n - k)) result[i] = false;
  return result;
}

/**
 * Stake-weighted median by recursive pivot partitioning, as subtensor's `weighted_median`: the pivot is the middle
 * element of the current index list (input order), and the search descends into the lower or upper partition while
 * the minority stake (Σstake − kappa) falls inside it.
 */
export function weightedMedian(
  stake: readonly number[],
  score: readonly number[],
  minority: number,
  lo0: number,
  hi0: number,
): number {
  let partition = [...stake.keys()];
  let lo = lo0;
  let hi = hi0;
  const limit = partition.length;
  for (let iter = 0; iter <= limit; iter++) {
    const n = partition.length;
    if (n === 0) return 0;
    if (n === 1) return score[partition[0] ?? 0] ?? 0;
    const pivot = score[partition[Math.floor(n / 2)] ?? 0] ?? 0;
    let loStake = 0;
    let hiStake = 0;
    const lower: number[] = [];
    const upper: number[] = [];
    for (const i of partition) {
      const s = score[i] ?? 0;
      if (s === pivot) continue;
      if (s < pivot) {
        loStake += stake[i] ?? 0;
        lower.push(i);
      } else {
        hiStake += stake[i] ?? 0;
        upper.push(i);
      }
    }
    if (minority < lo + loStake && lower.length > 0) {
      partition = lower;
      hi = lo + loStake;
    } else if (hi - hiStake <= minority && upper.length > 0) {
      partition = upper;
      lo = hi - hiStake;
    } else {
      return pivot;
    }
  }
  return 0;
}

/** Per column: the stake-weighted median (kappa-majority) over rows with positive stake. */
export function weightedMedianCol(stake: readonly number[], score: Matrix, kappa: number): number[] {
  const cols = score[0]?.length ?? 0;
  const out = zeros(cols);
  for (let c = 0; c < cols; c++) {
    const useStake: number[] = [];
    const useScore: number[] = [];
    stake.forEach((s, r) => {
      if (s > 0) {
        useStake.push(s);
        useScore.push(score[r]?.[c] ?? 0);
      }
    });
    if (useStake.length === 0) continue;
    const normed = normalize(useStake);
    const total = sum(normed);
    out[c] = weightedMedian(normed, useScore, total - kappa, 0, total);
  }
  return out;
}

/** Round a [0,1] proportion to the chain's u16 storage and back (fixed_proportion_to_u16). */
export function toU16Proportion(x: number): number {
  return Math.min(65_535, Math.max(0, Math.round(x * 65_535)));
}
