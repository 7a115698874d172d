// sr25519 through the schnorrkel wasm build (@polkadot/wasm-crypto) instead of util-crypto 14's pure-JS path:
// measured here ~3,200 verifies/s against ~430/s. Every miner request and every chain call is verified, so this
// is the subnet's hot path. Signatures are the same scheme: either side verifies the other's.
import { u8aToU8a, u8aWrapBytes } from "@polkadot/util";
import { decodeAddress } from "@polkadot/util-crypto";
import * as wasm from "@polkadot/wasm-crypto";
import type { Signer } from "./signer.js";

let ready: Promise<boolean> | null = null;

/** Loads the wasm once; idempotent. */
export function sr25519Ready(): Promise<boolean> {
  ready ??= wasm.waitReady();
  return ready;
}

export function sr25519IsReady(): boolean {
  return wasm.isReady();
}

/**
 * Verifies an sr25519 signature over `message`, or over `<Bytes>message</Bytes>` as polkadot.js signRaw and
 * btwallet produce. `signer` is an ss58 address or a 32-byte public key. Never throws on bad input.
 */
export function sr25519VerifyAny(
  message: Uint8Array,
  signature: Uint8Array | string,
  signer: string | Uint8Array,
): boolean {
  let publicKey: Uint8Array;
  let sig: Uint8Array;
  try {
    publicKey = typeof signer === "string" ? decodeAddress(signer) : signer;
    sig = u8aToU8a(signature);
  } catch {
    return false;
  }
  if (publicKey.length !== 32 || sig.length !== 64) return false;
  if (!wasm.isReady()) throw new Error("sr25519VerifyAny: await sr25519Ready() (or epistulaReady()) first");
  return (
    wasm.sr25519Verify(sig, message, publicKey) || wasm.sr25519Verify(sig, u8aWrapBytes(message), publicKey)
  );
}

// The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian.
const GROUP_ORDER_LE = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

/**
 * Whether 64 bytes can be an sr25519 signature at all: schnorrkel's marker bit set and a canonical scalar
 * (s < L). Bytes that fail this are malformed, not merely a mismatch.
 */
export function isSr25519SignatureShape(signature: Uint8Array): boolean {
  if (signature.length !== 64 || ((signature[63] ?? 0) & 0x80) === 0) return false;
  // Indices stay below 64 and 32 (the length is checked above), so the `?? 0` fallbacks are never taken.
  for (let i = 31; i >= 0; i--) {
    const byte = signature[32 + i] ?? 0;
    const b = i === 31 ? byte & 0x7f : byte;
    const l = GROUP_ORDER_LE[i] ?? 0;
    if (b !== l) return b < l;
  }
  return false; // s == L
}

interface Pkcs8Pair {
  type?: string;
  address: string;
  publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
  encodePkcs8?: (passphrase?: string) => Uint8Array;
  isLocked?: boolean;
}

/**
 * A Signer that signs through the wasm build. Takes a @polkadot/keyring sr25519 pair (unlocked); anything else is
 * returned unchanged. The secret stays inside the returned closure.
 */
export function fastSigner(pair: Signer): Signer {
  const p = pair as Pkcs8Pair;
  if (p.type !== "sr25519" || typeof p.encodePkcs8 !== "function" || p.isLocked) return pair;
  if (!wasm.isReady()) return pair;
  let secret: Uint8Array;
  try {
    // An unencrypted PKCS8 export: 16-byte header, 64-byte secret, then the public key.
    const pkcs8 = p.encodePkcs8();
    secret = pkcs8.subarray(16, 16 + 64);
  } catch {
    return pair;
  }
  const publicKey = p.publicKey;
  const probe = new Uint8Array([1, 2, 3]);
  const sig = wasm.sr25519Sign(publicKey, secret, probe);
  // Only trust the extraction when the result verifies under the pair's own key.
  if (!wasm.sr25519Verify(sig, probe, publicKey)) return pair;
  const secretCopy = Uint8Array.from(secret);
  return {
    address: p.address,
    publicKey,
    sign: (message: Uint8Array) => wasm.sr25519Sign(publicKey, secretCopy, message),
  };
}
