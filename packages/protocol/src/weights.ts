// Turning rewards into the u16 vectors the chain takes, as the Python SDK does (weight_utils.py).

export const U16_MAX = 65_535;

export interface U16Weights {
  uids: number[];
  weights: number[];
}

/**
 * Max-upscaling: w / max(w) · 65535, rounded, zeros dropped. Negative or non-finite values are refused;
 * an all-zero vector gives empty vectors (nothing to set).
 */
export function toU16Weights(uids: readonly number[], values: readonly number[]): U16Weights {
  if (uids.length !== values.length) {
    throw new Error(`toU16Weights: ${uids.length} uids but ${values.length} values`);
  }
  for (const v of values) {
    if (!Number.isFinite(v) || v < 0)
      throw new Error(`toU16Weights: weights must be finite and ≥ 0, got ${v}`);
  }
  const max = values.reduce((m, v) => Math.max(m, v), 0);
  const out: U16Weights = { uids: [], weights: [] };
  if (max === 0) return out;
  values.forEach((v, i) => {
    const w = Math.round((v / max) * U16_MAX);
    if (w > 0) {
      out.uids.push(uids[i]!);
      out.weights.push(w);
    }
  });
  return out;
}
