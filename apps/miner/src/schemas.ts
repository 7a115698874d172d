// The miner's config and model-file shapes as TypeBox schemas, for docs, tooling and other workspaces. The running
// miner does not import this module (TypeBox costs ~20 MB resident): it checks the same shapes with shape.ts.
// The type assertions below fail to compile when a schema and its hand-written type drift apart; a test checks
// that the run-time checks accept and reject the same values as these schemas.
import { Type } from "typebox";
import type { LearnedModel } from "./strategies/learned.js";

export const LearnedModelSchema = Type.Object({
  kind: Type.Literal("apex-miner/logistic-regression"),
  version: Type.Literal(1),
  features: Type.Array(Type.String()),
  hashDims: Type.Integer({ minimum: 0, maximum: 1 << 16 }),
  mean: Type.Array(Type.Number()),
  std: Type.Array(Type.Number()),
  weights: Type.Array(Type.Number()),
  threshold: Type.Number({ minimum: 0, maximum: 1 }),
  trainedOn: Type.Object({ examples: Type.Integer(), seed: Type.Integer(), epochs: Type.Integer() }),
});

// Compile-time agreement between each schema and its hand-written type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const modelAgrees: Same<Type.Static<typeof LearnedModelSchema>, LearnedModel> = true;
void modelAgrees;
