// The "learned" discriminator: logistic regression over the text features of features.ts, trained by
// full-batch gradient descent. Hand-rolled and deterministic: the same examples give the same model.
import { type Shape, shapeErrors } from "../shape.js";
import { hashedFeatures } from "./features.js";
import { FEATURE_NAMES, featureVector } from "./signals.js";
import { mulberry32 } from "./types.js";

export interface Example {
  query: string;
  generation: string;
  /** 0: the validator's reference; 1: a miner's text. */
  label: 0 | 1;
}

/** A model file's content (schemas.ts has the same shape as a TypeBox schema, LearnedModelSchema). */
export interface LearnedModel {
  kind: "apex-miner/logistic-regression";
  version: 1;
  features: string[];
  hashDims: number;
  /** Per dense feature, for standardisation. */
  mean: number[];
  std: number[];
  /** Dense weights followed by hashed weights. */
  weights: number[];
  threshold: number;
  trainedOn: { examples: number; seed: number; epochs: number };
}

const numbers = { kind: "array", items: { kind: "number" } } as const;

/** The run-time check of a model file (same types and ranges as LearnedModelSchema in schemas.ts). */
export const LEARNED_MODEL_SHAPE = {
  kind: "object",
  props: {
    kind: { kind: "oneOf", values: ["apex-miner/logistic-regression"] },
    version: { kind: "oneOf", values: [1] },
    features: { kind: "array", items: { kind: "string" } },
    hashDims: { kind: "int", minimum: 0, maximum: 1 << 16 },
    mean: numbers,
    std: numbers,
    weights: numbers,
    threshold: { kind: "number", minimum: 0, maximum: 1 },
    trainedOn: {
      kind: "object",
      props: { examples: { kind: "int" }, seed: { kind: "int" }, epochs: { kind: "int" } },
    },
  },
} as const satisfies Shape & { props: Record<keyof LearnedModel, Shape> };

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  hashDims?: number;
  seed?: number;
}

interface Encoded {
  dense: number[];
  hashed: Map<number, number>;
}

function encode(query: string, text: string, hashDims: number): Encoded {
  return { dense: featureVector(query, text), hashed: hashedFeatures(text, hashDims) };
}

/** n copies of value in a packed array (pushed, not `new Array(n)`), so reads that check for a hole stay fast. */
function filled(n: number, value: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(value);
  return out;
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

// mean, std and weights cover every dense feature and hashed slot (parseModel and trainLogistic make them so), so
// the `?? 0` / `?? 1` fallbacks on those reads below are never taken.
function score(model: Pick<LearnedModel, "mean" | "std" | "weights">, x: Encoded): number {
  const d = x.dense.length;
  let z = 0;
  for (let j = 0; j < d; j++) {
    // The bias column (index 0) is not standardised.
    const v = j === 0 ? 1 : ((x.dense[j] ?? 0) - (model.mean[j] ?? 0)) / (model.std[j] ?? 1);
    z += (model.weights[j] ?? 0) * v;
  }
  for (const [k, v] of x.hashed) z += (model.weights[d + k] ?? 0) * v;
  return z;
}

/** Probability that the text came from a miner (label 1). */
export function predictProbability(model: LearnedModel, query: string, text: string): number {
  return sigmoid(score(model, encode(query, text, model.hashDims)));
}

export function trainLogistic(examples: Example[], opts: TrainOptions = {}): LearnedModel {
  if (examples.length === 0) throw new Error("trainLogistic: no examples");
  const epochs = opts.epochs ?? 300;
  const lr = opts.learningRate ?? 0.5;
  const l2 = opts.l2 ?? 1e-3;
  // Dense features only by default: hashed bigrams memorise template phrasing and over-fit to our own texts.
  const hashDims = opts.hashDims ?? 0;
  const encoded = examples.map((e) => ({ x: encode(e.query, e.generation, hashDims), label: e.label }));
  const d = FEATURE_NAMES.length;
  const n = encoded.length;
  // Every index below is < d (the length of each dense vector) or < d + hashDims, so no `??` fallback is taken.
  const mean = filled(d, 0);
  const std = filled(d, 1);
  for (let j = 1; j < d; j++) {
    let m = 0;
    for (const { x } of encoded) m += x.dense[j] ?? 0;
    m /= n;
    let v = 0;
    for (const { x } of encoded) v += ((x.dense[j] ?? 0) - m) ** 2;
    mean[j] = m;
    std[j] = Math.sqrt(v / n) || 1;
  }
  const weights = filled(d + hashDims, 0);
  const model = { mean, std, weights };
  const grad = filled(d + hashDims, 0);
  for (let epoch = 0; epoch < epochs; epoch++) {
    grad.fill(0);
    for (const { x, label } of encoded) {
      const err = sigmoid(score(model, x)) - label;
      for (let j = 0; j < d; j++) {
        const g = err * (j === 0 ? 1 : ((x.dense[j] ?? 0) - (mean[j] ?? 0)) / (std[j] ?? 1));
        grad[j] = (grad[j] ?? 0) + g;
      }
      for (const [k, v] of x.hashed) grad[d + k] = (grad[d + k] ?? 0) + err * v;
    }
    for (let j = 0; j < weights.length; j++) {
      const w = weights[j] ?? 0;
      const reg = j === 0 ? 0 : l2 * w;
      weights[j] = w - lr * ((grad[j] ?? 0) / n + reg);
    }
  }
  return {
    kind: "apex-miner/logistic-regression",
    version: 1,
    features: [...FEATURE_NAMES],
    hashDims,
    mean,
    std,
    weights,
    threshold: 0.5,
    trainedOn: { examples: n, seed: opts.seed ?? 0, epochs },
  };
}

/**
 * Platt scaling folded into the weights: fits p = sigmoid(a·z + b) on examples the model was not trained on, then
 * scales the weights by a and adds b to the bias, so the model's probabilities match observed frequencies and the
 * file format stays the same.
 */
export function calibrate(model: LearnedModel, examples: Example[], iterations = 400): LearnedModel {
  if (examples.length === 0) return model;
  const scored = examples.map((e) => ({
    z: score(model, encode(e.query, e.generation, model.hashDims)),
    label: e.label,
  }));
  let a = 1;
  let b = 0;
  for (let it = 0; it < iterations; it++) {
    let ga = 0;
    let gb = 0;
    for (const { z, label } of scored) {
      const err = sigmoid(a * z + b) - label;
      ga += err * z;
      gb += err;
    }
    a -= (0.5 * ga) / scored.length;
    b -= (0.5 * gb) / scored.length;
  }
  const weights = model.weights.map((w, j) => (j === 0 ? a * w + b : a * w));
  return { ...model, weights };
}

export function serializeModel(model: LearnedModel): string {
  return `${JSON.stringify(model)}\n`;
}

/** Parses and checks a model file; the error says what is wrong and how to make a good one. */
export function parseModel(text: string, source = "model file"): LearnedModel {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not JSON; create one with: apex-miner train-discriminator --out FILE`);
  }
  const first = shapeErrors(LEARNED_MODEL_SHAPE, raw)[0];
  if (first !== undefined) {
    throw new Error(
      `${source} is not an apex-miner model (${first}); create one with: apex-miner train-discriminator --out FILE`,
    );
  }
  const m = raw as LearnedModel;
  if (m.features.join(",") !== FEATURE_NAMES.join(",")) {
    throw new Error(
      `${source} was trained with other features; retrain it with: apex-miner train-discriminator`,
    );
  }
  if (m.mean.length !== FEATURE_NAMES.length || m.std.length !== FEATURE_NAMES.length) {
    throw new Error(`${source}: mean/std must have ${FEATURE_NAMES.length} entries`);
  }
  if (m.weights.length !== FEATURE_NAMES.length + m.hashDims) {
    throw new Error(`${source}: weights must have ${FEATURE_NAMES.length + m.hashDims} entries`);
  }
  return m;
}

export interface Metrics {
  examples: number;
  accuracy: number;
  /** Of texts called "1", the share that came from a miner. */
  precision: number;
  /** Of miner texts (label 1), the share called "1". */
  recall: number;
  /** Of validator references (label 0), the share called "0". */
  referenceRecall: number;
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
}

/** Accuracy, and precision/recall of the "1" (miner) class. */
export function evaluate(predict: (e: Example) => 0 | 1, examples: Example[]): Metrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const e of examples) {
    const p = predict(e);
    if (p === 1 && e.label === 1) tp++;
    else if (p === 1) fp++;
    else if (e.label === 0) tn++;
    else fn++;
  }
  const n = examples.length;
  return {
    examples: n,
    accuracy: n === 0 ? 0 : (tp + tn) / n,
    precision: tp + fp === 0 ? 0 : tp / (tp + fp),
    recall: tp + fn === 0 ? 0 : tp / (tp + fn),
    referenceRecall: tn + fp === 0 ? 0 : tn / (tn + fp),
    truePositives: tp,
    falsePositives: fp,
    trueNegatives: tn,
    falseNegatives: fn,
  };
}

export interface Calibration {
  /** Mean squared error of the probability of "1" (0 is perfect, 0.25 is a coin). */
  brier: number;
  /** Expected calibration error over ten equal-width probability bins. */
  ece: number;
}

/** How well probabilities of "1" match what happened. */
export function calibrationOf(probabilities: number[], labels: (0 | 1)[]): Calibration {
  const n = probabilities.length;
  if (labels.length !== n) throw new Error(`calibrationOf: ${n} probabilities but ${labels.length} labels`);
  if (n === 0) return { brier: 0, ece: 0 };
  let brier = 0;
  const bins = Array.from({ length: 10 }, () => ({ n: 0, p: 0, y: 0 }));
  for (const [i, p] of probabilities.entries()) {
    const y = labels[i] ?? 0; // the lengths match (checked above)
    brier += (p - y) ** 2;
    const bin = bins[Math.min(9, Math.floor(p * 10))];
    if (!bin) throw new Error(`calibrationOf: probability ${p} is outside [0, 1]`);
    bin.n++;
    bin.p += p;
    bin.y += y;
  }
  let ece = 0;
  for (const bin of bins) if (bin.n > 0) ece += (bin.n / n) * Math.abs(bin.p / bin.n - bin.y / bin.n);
  return { brier: brier / n, ece };
}

/** A seeded, stratified split: `share` of each class goes to the held-out part. */
export function splitExamples(
  examples: Example[],
  share: number,
  seed: number,
): { train: Example[]; heldOut: Example[] } {
  const rnd = mulberry32(seed);
  const train: Example[] = [];
  const heldOut: Example[] = [];
  for (const label of [0, 1] as const) {
    const xs = examples
      .filter((e) => e.label === label)
      .map((e) => [rnd(), e] as const)
      .sort((p, q) => p[0] - q[0])
      .map(([, e]) => e);
    const k = Math.round(xs.length * share);
    heldOut.push(...xs.slice(0, k));
    train.push(...xs.slice(k));
  }
  return { train, heldOut };
}
