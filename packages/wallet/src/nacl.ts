// btwallet's "$NACL" keyfile encryption (docs/upstream.md § Wallet files): "$NACL" ‖ nonce(24) ‖
// secretbox(json), XSalsa20-Poly1305 with a key from Argon2i v1.3 over the password, a fixed salt, ops 8 and
// 512 MiB.
import sodium from "libsodium-wrappers-sumo";
import { WalletError } from "./errors.js";

export const NACL_PREFIX = "$NACL";
/** btwallet's fixed 16-byte salt (src/keyfile.rs NACL_SALT). */
export const NACL_SALT = Uint8Array.from([
  0x13, 0x71, 0x83, 0xdf, 0xf1, 0x5a, 0x09, 0xbc, 0x9c, 0x90, 0xb5, 0x51, 0x87, 0x39, 0xe9, 0xb1,
]);
/** argon2i13 OPSLIMIT_SENSITIVE / MEMLIMIT_SENSITIVE. Not libsodium's generic (argon2id) 4 / 1 GiB. */
export const NACL_OPSLIMIT = 8;
export const NACL_MEMLIMIT = 512 * 1024 * 1024;

export type KeyfileEncryption = "nacl" | "ansible" | "legacy";

const enc = new TextEncoder();

function startsWith(data: Uint8Array, prefix: string): boolean {
  const p = enc.encode(prefix);
  if (data.length < p.length) return false;
  for (let i = 0; i < p.length; i++) if (data[i] !== p[i]) return false;
  return true;
}

/** How a keyfile is encrypted, by its prefix as btwallet detects it; null when it is plain. */
export function keyfileEncryption(data: Uint8Array): KeyfileEncryption | null {
  if (startsWith(data, NACL_PREFIX)) return "nacl";
  if (startsWith(data, "$ANSIBLE_VAULT")) return "ansible";
  if (startsWith(data, "gAAAAA")) return "legacy";
  return null;
}

export async function sodiumReady(): Promise<typeof sodium> {
  await sodium.ready;
  return sodium;
}

/** The 32-byte secretbox key for `password`. Takes seconds and 512 MiB: call once per file. */
export async function deriveNaclKey(password: string): Promise<Uint8Array> {
  const s = await sodiumReady();
  return s.crypto_pwhash(
    s.crypto_secretbox_KEYBYTES,
    enc.encode(password),
    NACL_SALT,
    NACL_OPSLIMIT,
    NACL_MEMLIMIT,
    s.crypto_pwhash_ALG_ARGON2I13,
  );
}

/** Encrypts keyfile bytes as btwallet does. `nonce` is for tests only; by default it is random. */
export async function encryptNacl(
  plain: Uint8Array,
  password: string,
  nonce?: Uint8Array,
): Promise<Uint8Array> {
  const s = await sodiumReady();
  const key = await deriveNaclKey(password);
  const n = nonce ?? s.randombytes_buf(s.crypto_secretbox_NONCEBYTES);
  if (n.length !== s.crypto_secretbox_NONCEBYTES) throw new Error("encryptNacl: the nonce must be 24 bytes");
  const boxed = s.crypto_secretbox_easy(plain, n, key);
  const prefix = enc.encode(NACL_PREFIX);
  const out = new Uint8Array(prefix.length + n.length + boxed.length);
  out.set(prefix, 0);
  out.set(n, prefix.length);
  out.set(boxed, prefix.length + n.length);
  return out;
}

/** Decrypts a "$NACL" keyfile; a wrong password (or a damaged file) is a WalletError "wrong_password". */
export async function decryptNacl(data: Uint8Array, password: string, path = "keyfile"): Promise<Uint8Array> {
  const s = await sodiumReady();
  const head = enc.encode(NACL_PREFIX).length;
  const minLen = head + s.crypto_secretbox_NONCEBYTES + s.crypto_secretbox_MACBYTES;
  if (!startsWith(data, NACL_PREFIX) || data.length < minLen) {
    throw new WalletError("unsupported_encryption", `${path}: not a complete $NACL keyfile`, path);
  }
  const nonce = data.subarray(head, head + s.crypto_secretbox_NONCEBYTES);
  const boxed = data.subarray(head + s.crypto_secretbox_NONCEBYTES);
  const key = await deriveNaclKey(password);
  try {
    return s.crypto_secretbox_open_easy(boxed, nonce, key);
  } catch {
    throw new WalletError(
      "wrong_password",
      `${path}: wrong password (the $NACL keyfile did not decrypt; it may also be damaged)`,
      path,
    );
  }
}

/**
 * btwallet's password environment variable for a keyfile: BT_PW_ + the keyfile path with "/" and "." turned
 * into "_", upper-cased (e.g. /root/.bittensor/wallets/w/coldkey → BT_PW__ROOT__BITTENSOR_WALLETS_W_COLDKEY).
 */
export function passwordEnvVar(keyfilePath: string): string {
  return `BT_PW_${keyfilePath.replaceAll("/", "_").replaceAll(".", "_").toUpperCase()}`;
}

function xorWithName(data: Uint8Array, varName: string): Uint8Array {
  const k = enc.encode(varName);
  return data.map((b, i) => b ^ (k[i % k.length] ?? 0)); // k[…] is undefined only for an empty name: b ^ 0
}

/** The value btwallet's save_password_to_env stores: base64(password XOR variable name). */
export function encodeEnvPassword(password: string, varName: string): string {
  return Buffer.from(xorWithName(enc.encode(password), varName)).toString("base64");
}

export function decodeEnvPassword(value: string, varName: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value.trim())) {
    throw new WalletError(
      "password_required",
      `${varName} is not base64 (btwallet's encoded password format)`,
    );
  }
  const bytes = xorWithName(new Uint8Array(Buffer.from(value.trim(), "base64")), varName);
  return new TextDecoder().decode(bytes);
}
