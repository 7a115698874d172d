// Signed calls for SimChain: the caller signs canonical bytes (call name + args + a per-signer nonce) and the chain
// verifies the sr25519 signature against the account the call requires. The served client sends exactly this object,
// so secret keys never leave the process that owns them.
import { type Signer, sr25519Ready, sr25519VerifyAny } from "@apex/protocol";
import { stringToU8a, u8aToHex } from "@polkadot/util";
import { cryptoWaitReady } from "@polkadot/util-crypto";

/** JSON-safe call arguments: bigints are carried as decimal strings. */
export type CallArgs = Record<string, unknown>;

export interface SignedCall {
  /** Chain call name, snake_case as in subtensor ("set_weights", "serve_axon", "sudo", …). */
  method: string;
  args: CallArgs;
  /** SS58 address of the signing account. */
  signer: string;
  /** The signer's account nonce; must equal the chain's next nonce for that account. */
  nonce: number;
  /** 0x-hex sr25519 signature over `callPayload(method, args, signer, nonce)`. */
  signature: string;
}

const DOMAIN = "apex-simchain/v1";

/** Canonical JSON: object keys sorted, bigints as decimal strings, so both ends build identical bytes. */
export function canonicalJson(value: unknown): string {
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  if (typeof value === "number" && !Number.isFinite(value))
    throw new Error(`canonicalJson: ${value} is not finite`);
  return JSON.stringify(value);
}

/**
 * The exact bytes a signer signs for one call. The chain's genesis hash is part of them (as in a substrate
 * extrinsic), so a call signed for one SimChain is refused by any other, even with the same accounts and nonces.
 */
export function callPayload(
  method: string,
  args: CallArgs,
  signer: string,
  nonce: number,
  genesisHash: string,
): Uint8Array {
  return stringToU8a(`${DOMAIN}|${genesisHash}|${signer}|${nonce}|${method}|${canonicalJson(args)}`);
}

/** Make a signed call with a local key for the chain with `genesisHash` (in-process and by the served client). */
export function signCall(
  key: Signer,
  method: string,
  args: CallArgs,
  nonce: number,
  genesisHash: string,
): SignedCall {
  const jsonArgs = JSON.parse(canonicalJson(args)) as CallArgs;
  const signature = u8aToHex(key.sign(callPayload(method, jsonArgs, key.address, nonce, genesisHash)));
  return { method, args: jsonArgs, signer: key.address, nonce, signature };
}

let ready: Promise<boolean> | undefined;

/** True when `call.signature` is a valid sr25519 signature by `call.signer` over the call bytes for this chain. */
export async function verifySignedCall(call: SignedCall, genesisHash: string): Promise<boolean> {
  ready ??= Promise.all([cryptoWaitReady(), sr25519Ready()]).then(() => true);
  await ready;
  try {
    const payload = callPayload(call.method, call.args, call.signer, call.nonce, genesisHash);
    return sr25519VerifyAny(payload, call.signature, call.signer);
  } catch {
    return false;
  }
}
