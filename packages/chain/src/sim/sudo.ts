// Sudo: the chain-wide settings (network rate limit, stake threshold) and the per-subnet hyperparameters the sudo
// key may set, each with its range; errors are of kind "sudo", as a failed sudo call reports them.
import { ChainError } from "../types.js";
import { num, str } from "./call-args.js";
import type { CallArgs } from "./signing.js";
import { type CallResult, type SimState, tx, U16_MAX } from "./state.js";

export function sudo(state: SimState, who: string, args: CallArgs): CallResult {
  if (who !== state.sudoAddress)
    throw new ChainError("RequireSudo", "only the sudo key may call sudo", "sudo");
  const call = str(args, "call");
  if (call === "network_rate_limit") {
    state.networkRateLimit = num(args, "value");
    return tx(state, "Sudid", "NetworkRateLimitSet");
  }
  if (call === "stake_threshold") {
    state.stakeThreshold = BigInt(Math.floor(num(args, "value")));
    return tx(state, "Sudid", "StakeThresholdSet");
  }
  const netuid = num(args, "netuid");
  const sn = state.subnets.get(netuid);
  if (!sn) throw new ChainError("SubnetDoesNotExist", `netuid ${netuid} does not exist`, "sudo");
  const p = sn.params;
  const value = args.value;
  const int = (min = 0, max = Number.MAX_SAFE_INTEGER) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
      throw new ChainError(
        "InvalidCallArguments",
        `${call} takes a whole number in [${min}, ${max}]`,
        "sudo",
      );
    return value;
  };
  switch (call) {
    case "tempo":
      p.tempo = int(1, U16_MAX);
      break;
    case "weights_set_rate_limit":
      p.weightsRateLimit = int();
      break;
    case "commit_reveal_weights_enabled":
      if (typeof value !== "boolean")
        throw new ChainError("InvalidCallArguments", `${call} takes a boolean`, "sudo");
      p.commitRevealEnabled = value;
      break;
    case "commit_reveal_weights_interval":
      p.commitRevealPeriod = int(1, 100);
      break;
    case "min_allowed_weights":
      p.minAllowedWeights = int(0, U16_MAX);
      break;
    case "max_weight_limit":
      p.maxWeightLimit = int(0, U16_MAX);
      break;
    case "weights_version_key":
      p.weightsVersion = int();
      break;
    case "activity_cutoff":
      p.activityCutoff = int(0, U16_MAX);
      break;
    case "max_allowed_validators":
      if (int(0, U16_MAX) > p.maxAllowedUids)
        throw new ChainError(
          "MaxValidatorsLargerThanMaxUIds",
          "max_allowed_validators > max_allowed_uids",
          "sudo",
        );
      p.maxAllowedValidators = value as number;
      break;
    case "max_allowed_uids":
      if (int(1, U16_MAX) < sn.neurons.length)
        throw new ChainError(
          "MaxAllowedUIdsNotAllowed",
          "cannot go below the current number of uids",
          "sudo",
        );
      p.maxAllowedUids = value as number;
      break;
    case "immunity_period":
      p.immunityPeriod = int(0, U16_MAX);
      break;
    case "serving_rate_limit":
      p.servingRateLimit = int();
      break;
    case "target_registrations_per_interval":
      p.targetRegistrationsPerInterval = int(0, U16_MAX);
      break;
    case "max_registrations_per_block":
      p.maxRegistrationsPerBlock = int(0, U16_MAX);
      break;
    default:
      throw new ChainError("CallNotFound", `unknown sudo call "${call}"`, "sudo");
  }
  return tx(state, "Sudid");
}
