// The miner's config and model-file shapes as TypeBox schemas, for docs, tooling and other workspaces. The running
// miner does not import this module (TypeBox costs ~20 MB resident): it checks the same shapes with shape.ts.
// The type assertions below fail to compile when a schema and its hand-written type drift apart; a test checks
// that the run-time checks accept and reject the same values as these schemas.
import { Type } from "typebox";
import type { MinerConfig } from "./config.js";
import type { LearnedModel } from "./strategies/learned.js";

const nonEmpty = () => Type.String({ minLength: 1 });

export const MinerConfigSchema = Type.Object({
  network: nonEmpty(),
  chainEndpoint: Type.Optional(nonEmpty()),
  netuid: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  coldkey: nonEmpty(),
  hotkey: nonEmpty(),
  hotkeyUri: Type.Optional(Type.String({ minLength: 2 })),
  serveAxon: Type.Boolean(),
  walletPath: Type.Optional(nonEmpty()),
  host: nonEmpty(),
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  externalIp: Type.Optional(nonEmpty()),
  axonPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  checkIpServices: Type.Array(nonEmpty()),
  checkIpTimeoutMs: Type.Integer({ minimum: 1 }),
  generator: nonEmpty(),
  discriminator: nonEmpty(),
  discriminatorModel: Type.Optional(nonEmpty()),
  llmBaseUrl: Type.Optional(nonEmpty()),
  llmModel: Type.Optional(nonEmpty()),
  llmApiKey: Type.Optional(Type.String()),
  llmStream: Type.Optional(Type.Boolean()),
  logTexts: Type.Optional(nonEmpty()),
  logTextsMaxMb: Type.Integer({ minimum: 1, maximum: 100_000 }),
  noChain: Type.Boolean(),
  trustedValidators: Type.Array(nonEmpty()),
  verify: Type.Boolean(),
  minValidatorStake: Type.Number({ minimum: 0 }),
  stakeMeasure: Type.Union([Type.Literal("alpha"), Type.Literal("total")]),
  budgetMs: Type.Integer({ minimum: 1, maximum: 60_000 }),
  rateLimitPerMinute: Type.Integer({ minimum: 0 }),
  rateLimitBurst: Type.Integer({ minimum: 1 }),
  ipRateLimitPerMinute: Type.Integer({ minimum: 0 }),
  seed: Type.Optional(Type.Integer()),
  logLevel: Type.Union([
    Type.Literal("fatal"),
    Type.Literal("error"),
    Type.Literal("warn"),
    Type.Literal("info"),
    Type.Literal("debug"),
    Type.Literal("trace"),
    Type.Literal("silent"),
  ]),
});

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
const configAgrees: Same<Type.Static<typeof MinerConfigSchema>, MinerConfig> = true;
const modelAgrees: Same<Type.Static<typeof LearnedModelSchema>, LearnedModel> = true;
void configAgrees;
void modelAgrees;
