// Reading a signed call's arguments: a malformed argument is refused before dispatch (kind "rpc"), as the node's
// decoder would refuse it, so no pallet check ever sees a wrong type.
import { decodeAddress, encodeAddress } from "@polkadot/util-crypto";
import { ChainError } from "../types.js";
import type { CallArgs } from "./signing.js";
import { U16_MAX } from "./state.js";

export function num(args: CallArgs, key: string): number {
  const v = args[key];
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new ChainError("InvalidCallArguments", `${key} must be a number`, "rpc");
  return v;
}

export function nums(args: CallArgs, key: string): number[] {
  const v = args[key];
  if (
    !Array.isArray(v) ||
    v.some((x) => typeof x !== "number" || !Number.isInteger(x) || x < 0 || x > U16_MAX)
  )
    throw new ChainError("InvalidCallArguments", `${key} must be an array of u16`, "rpc");
  return v as number[];
}

export function str(args: CallArgs, key: string): string {
  const v = args[key];
  if (typeof v !== "string") throw new ChainError("InvalidCallArguments", `${key} must be a string`, "rpc");
  return v;
}

export function big(args: CallArgs, key: string): bigint {
  const v = args[key];
  if (typeof v !== "string" || !/^\d+$/.test(v))
    throw new ChainError("InvalidCallArguments", `${key} must be a decimal string`, "rpc");
  return BigInt(v);
}

/** Any SS58 spelling of an account → its generic (prefix 42) address, the form the state is keyed by. */
export function normalizeAddress(address: string): string {
  try {
    return encodeAddress(decodeAddress(address), 42);
  } catch {
    throw new ChainError("InvalidCallArguments", `"${address}" is not a valid SS58 address`, "rpc");
  }
}
