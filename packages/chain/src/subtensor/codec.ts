// Pure conversions between subtensor's on-chain shapes and our ChainClient types. No I/O here.
import { ipFromU128 } from "../ip.js";
import { ChainError, type Hyperparameters, type NeuronInfo, type SudoCall } from "../types.js";

export const U16_MAX = 65535;
export const RAO_PER_UNIT = 1_000_000_000;

/** Network names the python SDK knows (bittensor/core/settings.py), plus "local". */
export const NETWORK_ENDPOINTS: Readonly<Record<string, readonly string[]>> = {
  finney: ["wss://entrypoint-finney.opentensor.ai:443"],
  test: ["wss://test.finney.opentensor.ai:443"],
  archive: ["wss://archive.chain.opentensor.ai:443"],
  local: ["ws://127.0.0.1:9944"],
};

/** Turns a network name, a ws/wss URL or a list of URLs into the endpoint list tried in order. */
export function resolveEndpoints(endpoints: string | readonly string[]): string[] {
  const list = typeof endpoints === "string" ? [endpoints] : [...endpoints];
  if (list.length === 0)
    throw new Error("SubtensorClient: no endpoint given; pass a network name or ws URLs");
  const out: string[] = [];
  for (const item of list) {
    const named = NETWORK_ENDPOINTS[item];
    if (named) {
      out.push(...named);
      continue;
    }
    if (!/^wss?:\/\/[^\s]+$/.test(item)) {
      throw new Error(
        `SubtensorClient: endpoint "${item}" is neither a network name (${Object.keys(NETWORK_ENDPOINTS).join(", ")}) nor a ws:// or wss:// URL`,
      );
    }
    out.push(item);
  }
  return out;
}

/** A u16 ratio as the chain stores it (65535 = 1) → [0, 1]. */
export function u16Ratio(value: number | bigint | string): number {
  return Number(value) / U16_MAX;
}

/** Rao (1e-9) → whole units, without losing precision for amounts above 2^53 rao. */
export function raoToUnits(rao: bigint | number | string): number {
  const big = BigInt(rao);
  const whole = big / BigInt(RAO_PER_UNIT);
  const frac = big % BigInt(RAO_PER_UNIT);
  return Number(whole) + Number(frac) / RAO_PER_UNIT;
}

/**
 * `InvalidTransaction::Custom(n)` codes of subtensor's transaction extension
 * (opentensor/subtensor:common/src/transaction_error.rs, `CustomTransactionError`).
 */
export const CUSTOM_TX_ERRORS: Readonly<Record<number, string>> = {
  0: "ColdkeyInSwapSchedule",
  1: "StakeAmountTooLow",
  2: "BalanceTooLow",
  3: "SubnetNotExists",
  4: "HotkeyAccountDoesntExist",
  5: "NotEnoughStakeToWithdraw",
  6: "RateLimitExceeded",
  7: "InsufficientLiquidity",
  8: "SlippageTooHigh",
  9: "TransferDisallowed",
  10: "HotKeyNotRegisteredInNetwork",
  11: "InvalidIpAddress",
  12: "ServingRateLimitExceeded",
  13: "InvalidPort",
  14: "ZeroMaxAmount",
  15: "InvalidRevealRound",
  16: "CommitNotFound",
  17: "CommitBlockNotInRevealRange",
  18: "InputLengthsUnequal",
  19: "UidNotFound",
  20: "EvmKeyAssociateRateLimitExceeded",
  21: "ColdkeySwapDisputed",
  22: "InvalidRealAccount",
  23: "FailedShieldedTxParsing",
  24: "InvalidShieldedTxPubKeyHash",
  25: "NonAssociatedColdKey",
  26: "DelegateTakeTooLow",
  27: "DelegateTakeTooHigh",
  255: "BadRequest",
};

// Text a substrate node puts in RPC error 1010 for the standard InvalidTransaction variants.
const INVALID_TX_TEXT: ReadonlyArray<[RegExp, string]> = [
  [/outdated|stale/i, "Stale"],
  [/future/i, "Future"],
  [/pay|payment/i, "Payment"],
  [/bad signature|badproof|bad_proof/i, "BadProof"],
  [/ancient/i, "AncientBirthBlock"],
  [/exhaust/i, "ExhaustsResources"],
  [/mandatory/i, "BadMandatory"],
  [/bad signer|badsigner/i, "BadSigner"],
];

/**
 * Maps a transaction-pool rejection (JSON-RPC 1010/1011/1012/1014) to a ChainError with subtensor's error name.
 * Nodes word it "1010: Invalid Transaction: Custom error: 11"; chopsticks as `1010: {"invalid":{"custom":11}}`.
 * Returns null when the error is not a pool rejection.
 */
export function poolRejection(error: unknown): ChainError | null {
  const message = error instanceof Error ? error.message : String(error);
  const code = /^\s*(10(?:1[0-4]))\b/.exec(message)?.[1];
  if (!code) return null;
  const custom = /custom(?: error)?"?\s*[:(]\s*(\d+)/i.exec(message)?.[1];
  if (custom !== undefined) {
    const n = Number(custom);
    return new ChainError(
      CUSTOM_TX_ERRORS[n] ?? `Custom(${n})`,
      `rejected by the transaction pool (${message})`,
      "pool",
    );
  }
  if (code === "1014")
    return new ChainError("Priority", `rejected by the transaction pool (${message})`, "pool");
  if (code === "1012")
    return new ChainError("TemporarilyBanned", `rejected by the pool (${message})`, "pool");
  const jsonKey = /"invalid"\s*:\s*\{\s*"(\w+)"/.exec(message)?.[1];
  if (jsonKey) {
    const name = jsonKey.charAt(0).toUpperCase() + jsonKey.slice(1);
    return new ChainError(name, `rejected by the transaction pool (${message})`, "pool");
  }
  for (const [pattern, name] of INVALID_TX_TEXT) {
    if (pattern.test(message))
      return new ChainError(name, `rejected by the transaction pool (${message})`, "pool");
  }
  return new ChainError("InvalidTransaction", `rejected by the transaction pool (${message})`, "pool");
}

/** Reads a field from a decoded struct whichever way it was keyed (snake_case from metadata or camelCase). */
function field(obj: Record<string, unknown>, snake: string): unknown {
  if (snake in obj) return obj[snake];
  const camel = snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return obj[camel];
}

function num(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string") return value.startsWith("0x") ? Number(BigInt(value)) : Number(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return 0;
}

function big(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return BigInt(Math.trunc(value));
  if (typeof value === "string" && value !== "") return BigInt(value);
  return 0n;
}

/**
 * One `NeuronInfoLite` (as `toJSON()` gives it) → our NeuronInfo. `registeredAt` is not part of NeuronInfoLite;
 * the caller passes it from the metagraph runtime API or storage.
 */
export function neuronFromLite(raw: Record<string, unknown>, registeredAt = 0): NeuronInfo {
  const axonRaw = (field(raw, "axon_info") ?? {}) as Record<string, unknown>;
  const ipType = num(field(axonRaw, "ip_type")) === 6 ? 6 : 4;
  const stakeEntries = (field(raw, "stake") ?? []) as unknown[];
  let stakeRao = 0n;
  for (const entry of stakeEntries) {
    // (AccountId, Compact<AlphaCurrency>) decodes to a 2-tuple
    if (Array.isArray(entry)) stakeRao += big(entry[1]);
  }
  return {
    uid: num(field(raw, "uid")),
    hotkey: String(field(raw, "hotkey") ?? ""),
    coldkey: String(field(raw, "coldkey") ?? ""),
    stake: raoToUnits(stakeRao),
    // NeuronInfoLite carries no root stake; the client fills these from the subnet state (applySubnetState).
    taoStake: 0,
    totalStake: raoToUnits(stakeRao),
    validatorPermit: Boolean(field(raw, "validator_permit")),
    incentive: u16Ratio(num(field(raw, "incentive"))),
    consensus: u16Ratio(num(field(raw, "consensus"))),
    dividends: u16Ratio(num(field(raw, "dividends"))),
    trust: u16Ratio(num(field(raw, "trust"))),
    validatorTrust: u16Ratio(num(field(raw, "validator_trust"))),
    rank: u16Ratio(num(field(raw, "rank"))),
    emission: raoToUnits(big(field(raw, "emission"))),
    lastUpdate: num(field(raw, "last_update")),
    active: Boolean(field(raw, "active")),
    registeredAt,
    axon: {
      ip: ipFromU128(big(field(axonRaw, "ip")), ipType),
      port: num(field(axonRaw, "port")),
      ipType,
      protocol: num(field(axonRaw, "protocol")),
      version: num(field(axonRaw, "version")),
      placeholder1: num(field(axonRaw, "placeholder1")),
      placeholder2: num(field(axonRaw, "placeholder2")),
      block: num(field(axonRaw, "block")),
    },
  };
}

/** Values the hyperparameters runtime API does not carry, read from storage by the client. */
export interface HyperparameterExtras {
  maxAllowedUids: number;
  burn: bigint;
  blockTimeMs: number;
}

/**
 * `SubnetHyperparams` (any of the v1/v2/v3 runtime-API shapes, as `toJSON()` gives it) → our Hyperparameters.
 * kappa (u16) and bonds_moving_avg (u64, 1e6 = 1) are kept in the chain's own units.
 */
export function hyperparametersFrom(
  raw: Record<string, unknown>,
  extras: HyperparameterExtras,
): Hyperparameters {
  return {
    tempo: num(field(raw, "tempo")),
    weightsRateLimit: num(field(raw, "weights_rate_limit")),
    weightsVersion: num(field(raw, "weights_version")),
    minAllowedWeights: num(field(raw, "min_allowed_weights")),
    maxWeightLimit: num(field(raw, "max_weights_limit")),
    commitRevealEnabled: Boolean(field(raw, "commit_reveal_weights_enabled")),
    commitRevealPeriod: num(field(raw, "commit_reveal_period")),
    activityCutoff: num(field(raw, "activity_cutoff")),
    immunityPeriod: num(field(raw, "immunity_period")),
    maxAllowedUids: extras.maxAllowedUids,
    maxAllowedValidators: num(field(raw, "max_validators")),
    servingRateLimit: num(field(raw, "serving_rate_limit")),
    burn: extras.burn,
    kappa: num(field(raw, "kappa")),
    bondsMovingAverage: num(field(raw, "bonds_moving_avg")),
    registrationAllowed: Boolean(field(raw, "registration_allowed")),
    blockTimeMs: extras.blockTimeMs,
  };
}

/** Our SudoCall → the AdminUtils call name (camelCase, as @polkadot/api decorates it) and its arguments. */
export function adminCallFor(call: SudoCall): { method: string; args: Array<number | boolean> } {
  const method = `sudoSet${call.call
    .split("_")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("")}`;
  const args: Array<number | boolean> = "netuid" in call ? [call.netuid, call.value] : [call.value];
  return { method, args };
}

/** The shape of `api.tx` that feature detection needs: sections of callable, metadata-described calls. */
export type TxSections = Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;

export type WeightsCallChoice = { method: "setMechanismWeights"; mecid: 0 } | { method: "setWeights" };
export type TimelockCallChoice =
  | { method: "commitTimelockedWeights"; withVersion: boolean }
  | { method: "commitCrv3Weights"; withVersion: false };

function argCount(fn: unknown): number | null {
  const meta = (fn as { meta?: { args?: { length: number } } } | undefined)?.meta;
  return meta?.args ? meta.args.length : null;
}

/** `set_mechanism_weights(netuid, mecid 0, …)` where the runtime has it (as the python SDK does), else `set_weights`. */
export function chooseWeightsCall(tx: TxSections): WeightsCallChoice {
  const section = tx["subtensorModule"];
  if (section?.["setMechanismWeights"]) return { method: "setMechanismWeights", mecid: 0 };
  if (section?.["setWeights"]) return { method: "setWeights" };
  throw new ChainError(
    "CallNotFound",
    "this runtime has neither set_mechanism_weights nor set_weights",
    "rpc",
  );
}

/** `commit_timelocked_weights` (HEAD, with commit_reveal_version when it takes 4 args) or `commit_crv3_weights`. */
export function chooseTimelockCall(tx: TxSections): TimelockCallChoice {
  const section = tx["subtensorModule"];
  const timelocked = section?.["commitTimelockedWeights"];
  if (timelocked) return { method: "commitTimelockedWeights", withVersion: (argCount(timelocked) ?? 4) >= 4 };
  if (section?.["commitCrv3Weights"]) return { method: "commitCrv3Weights", withVersion: false };
  throw new ChainError(
    "CallNotFound",
    "this runtime has neither commit_timelocked_weights nor commit_crv3_weights",
    "rpc",
  );
}

/** Event names ("WeightsSet", "AxonServed", …) of a decoded event list, for TxResult.events. */
export function eventNames(events: ReadonlyArray<{ section: string; method: string }>): string[] {
  return events.map((e) => e.method);
}

/**
 * SubnetInfoRuntimeApi.get_subnet_state (as `toJSON()` gives it): per-uid alpha and TAO stake, both inherited
 * (child/parent hotkeys applied) as the chain weighs them. Returns null when the answer has no such vectors.
 */
export function stakesFromSubnetState(raw: unknown): { alpha: number[]; tao: number[] } | null {
  if (!raw || typeof raw !== "object") return null;
  const obj = raw as Record<string, unknown>;
  const alpha = field(obj, "alpha_stake");
  const tao = field(obj, "tao_stake");
  if (!Array.isArray(alpha) || !Array.isArray(tao)) return null;
  return { alpha: alpha.map((v) => raoToUnits(big(v))), tao: tao.map((v) => raoToUnits(big(v))) };
}
