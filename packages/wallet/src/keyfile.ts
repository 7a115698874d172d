// Keyfile plaintext as btwallet reads and writes it (docs/upstream.md § Wallet files): a JSON object with
// optional accountId, publicKey, privateKey, secretPhrase, secretSeed, ss58Address. sr25519 only, ss58 format
// 42.
import { Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import { hexToU8a, isHex, stringToU8a, u8aToHex } from "@polkadot/util";
import {
  cryptoWaitReady,
  decodeAddress,
  encodeAddress,
  mnemonicToMiniSecret,
  mnemonicValidate,
  sr25519PairFromSeed,
  sr25519Sign,
  sr25519Verify,
} from "@polkadot/util-crypto";
import { WalletError } from "./errors.js";

export const SS58_FORMAT = 42;

export interface KeyfileJson {
  accountId?: string;
  publicKey?: string;
  privateKey?: string;
  secretPhrase?: string;
  secretSeed?: string;
  ss58Address?: string;
}

/** The public fields, all present: what publicKeyfile writes and every keyfile made here starts with. */
export type PublicKeyfileJson = Required<Pick<KeyfileJson, "accountId" | "publicKey" | "ss58Address">>;

const FIELDS = ["accountId", "publicKey", "privateKey", "secretPhrase", "secretSeed", "ss58Address"] as const;

/** Parses decrypted keyfile bytes. Errors name the file and never quote its content. */
export function parseKeyfileJson(data: Uint8Array, path: string): KeyfileJson {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    throw new WalletError("bad_json", `${path}: not UTF-8 text, so not a keyfile`, path);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WalletError("bad_json", `${path}: not valid JSON (a btcli keyfile is a JSON object)`, path);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new WalletError("bad_json", `${path}: the JSON is not an object with key fields`, path);
  }
  const obj = parsed as Record<string, unknown>;
  // polkadot{.js} exports ({encoded, encoding}) are a different format, possibly another key type.
  if ("encoded" in obj && "encoding" in obj) {
    const content = (obj.encoding as { content?: unknown } | null)?.content;
    const type = Array.isArray(content) ? String(content[1]) : "unknown";
    throw new WalletError(
      "unsupported_key",
      `${path}: a polkadot{.js} JSON export (key type ${type}), not a btcli keyfile; import its mnemonic with ` +
        "`btcli wallet regen-hotkey` / `regen-coldkey` instead",
      path,
    );
  }
  const out: KeyfileJson = {};
  for (const f of FIELDS) {
    const v = obj[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string")
      throw new WalletError("bad_json", `${path}: field ${f} must be a string`, path);
    out[f] = v;
  }
  for (const t of ["crypto_type", "cryptoType", "keyType"]) {
    const v = obj[t];
    if (v !== undefined && v !== 1 && v !== "1" && v !== "sr25519") {
      throw new WalletError("unsupported_key", `${path}: key type ${String(v)} is not sr25519`, path);
    }
  }
  return out;
}

function hexBytes(value: string, field: string, path: string, lengths: number[]): Uint8Array {
  const v = value.startsWith("0x") ? value : `0x${value}`;
  if (!isHex(v)) throw new WalletError("bad_json", `${path}: ${field} is not hex`, path);
  const bytes = hexToU8a(v);
  if (!lengths.includes(bytes.length)) {
    throw new WalletError(
      "unsupported_key",
      `${path}: ${field} has ${bytes.length} bytes, expected ${lengths.join(" or ")} (sr25519)`,
      path,
    );
  }
  return bytes;
}

/** The public key the file claims (publicKey, accountId or ss58Address), if any. */
export function claimedPublicKey(kf: KeyfileJson, path: string): Uint8Array | undefined {
  const hex = kf.publicKey ?? kf.accountId;
  if (hex) return hexBytes(hex, kf.publicKey ? "publicKey" : "accountId", path, [32]);
  if (kf.ss58Address) {
    try {
      return decodeAddress(kf.ss58Address);
    } catch {
      throw new WalletError("bad_json", `${path}: ss58Address is not a valid ss58 address`, path);
    }
  }
  return undefined;
}

// sr25519 secrets come in two encodings of the same scalar: schnorrkel's canonical bytes (what btwallet
// stores as privateKey, via sp_core to_raw_vec) and the "ed25519" form, the scalar times the cofactor 8
// (what @polkadot/wasm-crypto takes). Both are little-endian; the second 32 bytes (the nonce) are shared.
export function canonicalToPolkadotSecret(secret: Uint8Array): Uint8Array {
  const out = Uint8Array.from(secret);
  let carry = 0;
  // Secrets are 64 bytes; out of range, `?? 0` gives what the shifts made of undefined before (0).
  for (let i = 0; i < 32; i++) {
    const b = secret[i] ?? 0;
    out[i] = ((b << 3) | carry) & 0xff;
    carry = b >> 5;
  }
  return out;
}

export function polkadotToCanonicalSecret(secret: Uint8Array): Uint8Array {
  const out = Uint8Array.from(secret);
  for (let i = 0; i < 32; i++) {
    const next = i < 31 ? (secret[i + 1] ?? 0) : 0;
    out[i] = (((secret[i] ?? 0) >> 3) | (next << 5)) & 0xff;
  }
  return out;
}

function secretMatches(publicKey: Uint8Array, secretKey: Uint8Array): boolean {
  const probe = stringToU8a("apex-wallet key check");
  try {
    return sr25519Verify(probe, sr25519Sign(probe, { publicKey, secretKey }), publicKey);
  } catch {
    return false;
  }
}

function keyring(): Keyring {
  return new Keyring({ type: "sr25519", ss58Format: SS58_FORMAT });
}

/**
 * Builds the sr25519 pair with btwallet's precedence: secretPhrase → secretSeed → privateKey. Stricter than
 * btwallet: when the file also states a public key, the secret must produce it.
 */
export async function pairFromKeyfile(kf: KeyfileJson, path: string): Promise<KeyringPair> {
  await cryptoWaitReady();
  const claimed = claimedPublicKey(kf, path);
  let pair: KeyringPair;
  if (kf.secretPhrase !== undefined) {
    if (!mnemonicValidate(kf.secretPhrase)) {
      throw new WalletError(
        "bad_mnemonic",
        `${path}: secretPhrase is not a valid BIP-39 English mnemonic`,
        path,
      );
    }
    pair = keyring().addFromSeed(mnemonicToMiniSecret(kf.secretPhrase));
  } else if (kf.secretSeed !== undefined) {
    const seed = hexBytes(kf.secretSeed, "secretSeed", path, [32, 64]);
    pair = seed.length === 32 ? keyring().addFromSeed(seed) : fromSecret(seed, claimed, path);
  } else if (kf.privateKey !== undefined) {
    const secret = hexBytes(kf.privateKey, "privateKey", path, [32, 64]);
    pair = secret.length === 32 ? keyring().addFromSeed(secret) : fromSecret(secret, claimed, path);
  } else if (claimed) {
    throw new WalletError(
      "unsupported_key",
      `${path}: holds only a public key (${encodeAddress(claimed, SS58_FORMAT)}), no secret to sign with`,
      path,
    );
  } else {
    throw new WalletError(
      "bad_json",
      `${path}: no secretPhrase, secretSeed, privateKey or address in it`,
      path,
    );
  }
  if (claimed && u8aToHex(claimed) !== u8aToHex(pair.publicKey)) {
    throw new WalletError(
      "inconsistent_keyfile",
      `${path}: its secret gives ${pair.address} but the file states ${encodeAddress(claimed, SS58_FORMAT)}`,
      path,
    );
  }
  return pair;
}

function fromSecret(secret: Uint8Array, publicKey: Uint8Array | undefined, path: string): KeyringPair {
  if (!publicKey) {
    throw new WalletError(
      "unsupported_key",
      `${path}: a 64-byte privateKey without publicKey/ss58Address cannot be loaded here`,
      path,
    );
  }
  for (const candidate of [canonicalToPolkadotSecret(secret), secret]) {
    if (secretMatches(publicKey, candidate)) {
      return keyring().addFromPair({ publicKey, secretKey: candidate });
    }
  }
  throw new WalletError(
    "inconsistent_keyfile",
    `${path}: privateKey does not belong to the public key stated in the file`,
    path,
  );
}

/** Full keyfile JSON for a key made from a 32-byte mini-secret (and its mnemonic, if known). */
export function keyfileFromSeed(seed: Uint8Array, mnemonic?: string): KeyfileJson & PublicKeyfileJson {
  const { publicKey, secretKey } = sr25519PairFromSeed(seed);
  return {
    ...publicKeyfile(publicKey),
    privateKey: u8aToHex(polkadotToCanonicalSecret(secretKey)),
    ...(mnemonic !== undefined ? { secretPhrase: mnemonic } : {}),
    secretSeed: u8aToHex(seed),
  };
}

/** Keyfile JSON for a key known only as a (derived) secret, e.g. //Alice. */
export function keyfileFromSecret(
  publicKey: Uint8Array,
  polkadotSecret: Uint8Array,
): KeyfileJson & PublicKeyfileJson {
  return { ...publicKeyfile(publicKey), privateKey: u8aToHex(polkadotToCanonicalSecret(polkadotSecret)) };
}

/** coldkeypub.txt / <hotkey>pub.txt content. */
export function publicKeyfile(publicKey: Uint8Array): PublicKeyfileJson {
  const hex = u8aToHex(publicKey);
  return { accountId: hex, publicKey: hex, ss58Address: encodeAddress(publicKey, SS58_FORMAT) };
}
