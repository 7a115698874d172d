// Turning rewards into the u16 vectors the chain takes, as the Python SDK does (weight_utils.py).

export const U16_MAX = 65_535;

export interface U16Weights {
  uids: number[];
  weights: number[];
}

/** Python's round(): halves go to the even neighbour (round(0.5) = 0, round(2.5) = 2). */
export function pyRound(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * `float64`: the values as given. `float32`: each value first rounded to float32, as the bittensor SDK (9.x)
 * does when `set_weights` gets a Python list (`convert_uids_and_weights` builds an np.float32 array); the
 * division and scaling then run in float64 as in `convert_weights_and_uids_for_emit`. Upstream Apex passes
 * lists, so `float32` is what upstream sets.
 */
export type WeightPrecision = "float64" | "float32";

/**
 * Max-upscaling as the SDK's convert_weights_and_uids_for_emit: w / max(w) · 65535, rounded the Python way,
 * zeros dropped. Negative or non-finite values and uids outside u16 are refused; an all-zero vector gives
 * empty vectors (nothing to set).
 */
export function toU16Weights(
  uids: readonly number[],
  rawValues: readonly number[],
  precision: WeightPrecision = "float64",
): U16Weights {
  if (uids.length !== rawValues.length) {
    throw new Error(`toU16Weights: ${uids.length} uids but ${rawValues.length} values`);
  }
  for (const u of uids) {
    if (!Number.isInteger(u) || u < 0 || u > U16_MAX) {
      throw new Error(`toU16Weights: uids must be integers in 0..${U16_MAX}, got ${u}`);
    }
  }
  for (const v of rawValues) {
    if (!Number.isFinite(v) || v < 0)
      throw new Error(`toU16Weights: weights must be finite and ≥ 0, got ${v}`);
  }
  const values = precision === "float32" ? rawValues.map(Math.fround) : rawValues;
  const max = values.reduce((m, v) => Math.max(m, v), 0);
  const out: U16Weights = { uids: [], weights: [] };
  if (max === 0) return out;
  uids.forEach((uid, i) => {
    const w = pyRound(((values[i] ?? 0) / max) * U16_MAX); // as many values as uids (checked above)
    if (w > 0) {
      out.uids.push(uid);
      out.weights.push(w);
    }
  });
  return out;
}
