// The hash-based (v2) commit-reveal hash, exactly as subtensor's `get_commit_hash`:
// blake2_256(SCALE((AccountId32, u16 netuid, Vec<u16> uids, Vec<u16> values, Vec<u16> salt, u64 version_key))).
import { compactToU8a, u8aConcat, u8aToHex } from "@polkadot/util";
import { blake2AsU8a, decodeAddress } from "@polkadot/util-crypto";

function u16le(x: number): Uint8Array {
  if (!Number.isInteger(x) || x < 0 || x > 0xffff) throw new Error(`commitHash: ${x} is not a u16`);
  return new Uint8Array([x & 0xff, x >> 8]);
}

function vecU16(xs: readonly number[]): Uint8Array {
  return u8aConcat(compactToU8a(xs.length), ...xs.map(u16le));
}

function u64le(x: number | bigint): Uint8Array {
  const v = BigInt(x);
  if (v < 0n || v > 0xffff_ffff_ffff_ffffn) throw new Error(`commitHash: ${x} is not a u64`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, v, true);
  return out;
}

/** The SCALE bytes that are hashed (exposed for tests and debugging). */
export function commitPayload(
  hotkey: Uint8Array | string,
  netuid: number,
  uids: readonly number[],
  values: readonly number[],
  salt: readonly number[],
  versionKey: number | bigint,
): Uint8Array {
  const account = typeof hotkey === "string" ? decodeAddress(hotkey) : hotkey;
  if (account.length !== 32) throw new Error(`commitHash: hotkey must be 32 bytes, got ${account.length}`);
  return u8aConcat(account, u16le(netuid), vecU16(uids), vecU16(values), vecU16(salt), u64le(versionKey));
}

/** 0x-hex H256 commit hash; `hotkey` is the 32-byte public key or its SS58 address. */
export function commitHash(
  hotkey: Uint8Array | string,
  netuid: number,
  uids: readonly number[],
  values: readonly number[],
  salt: readonly number[],
  versionKey: number | bigint,
): string {
  return u8aToHex(blake2AsU8a(commitPayload(hotkey, netuid, uids, values, salt, versionKey), 256));
}
