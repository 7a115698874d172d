// The btcli wallet layout on disk: <root>/<wallet>/{coldkey, coldkeypub.txt, hotkeys/<name>, hotkeys/<name>pub.txt}.

import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, chmod, mkdir, open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname } from "node:path";
import { DEV_PHRASE, Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import { hexToU8a, isHex } from "@polkadot/util";
import {
  cryptoWaitReady,
  encodeAddress,
  keyExtractSuri,
  keyFromPath,
  mnemonicGenerate,
  mnemonicToMiniSecret,
  mnemonicValidate,
  sr25519PairFromSeed,
} from "@polkadot/util-crypto";
import { WalletError } from "./errors.js";
import {
  claimedPublicKey,
  type KeyfileJson,
  keyfileFromSecret,
  keyfileFromSeed,
  type PublicKeyfileJson,
  pairFromKeyfile,
  parseKeyfileJson,
  publicKeyfile,
  SS58_FORMAT,
} from "./keyfile.js";
import { decodeEnvPassword, decryptNacl, encryptNacl, keyfileEncryption, passwordEnvVar } from "./nacl.js";

export type Env = Record<string, string | undefined>;

/** Asks the user for a password (hidden input on a TTY). */
export type PasswordPrompt = (question: string) => Promise<string>;

function expandTilde(p: string, env: Env): string {
  if (p === "~" || p.startsWith("~/")) return (env.HOME ?? homedir()) + p.slice(1);
  return p;
}

/** Wallet root: the flag, else BT_WALLET_PATH, else ~/.bittensor/wallets ("~" expanded, as btwallet does). */
export function resolveWalletRoot(flagPath?: string, env: Env = {}): string {
  const chosen = flagPath || env.BT_WALLET_PATH || "~/.bittensor/wallets";
  return expandTilde(chosen, env);
}

/** Joins like Rust's PathBuf::join, keeping the root string as given, so BT_PW_ names match btwallet's. */
function btJoin(root: string, ...parts: string[]): string {
  return [root.endsWith("/") ? root.slice(0, -1) : root, ...parts].join("/");
}

export interface WalletPaths {
  dir: string;
  coldkey: string;
  coldkeypub: string;
  hotkeysDir: string;
  hotkey?: string;
  hotkeypub?: string;
}

/** The paths of a wallet with one hotkey named: hotkey and hotkeypub are always there. */
export interface HotkeyPaths extends WalletPaths {
  hotkey: string;
  hotkeypub: string;
}

export function walletPaths(root: string, wallet: string): WalletPaths;
export function walletPaths(root: string, wallet: string, hotkey: string): HotkeyPaths;
export function walletPaths(root: string, wallet: string, hotkey?: string): WalletPaths;
export function walletPaths(root: string, wallet: string, hotkey?: string): WalletPaths {
  checkName(wallet, "wallet");
  if (hotkey !== undefined) checkName(hotkey, "hotkey");
  const dir = btJoin(root, wallet);
  const paths: WalletPaths = {
    dir,
    coldkey: btJoin(dir, "coldkey"),
    coldkeypub: btJoin(dir, "coldkeypub.txt"),
    hotkeysDir: btJoin(dir, "hotkeys"),
  };
  if (hotkey === undefined) return paths;
  return {
    ...paths,
    hotkey: btJoin(dir, "hotkeys", hotkey),
    hotkeypub: btJoin(dir, "hotkeys", `${hotkey}pub.txt`),
  };
}

function checkName(name: string, what: string): void {
  if (!name || name.includes("/") || name === "." || name === ".." || name.includes("\0")) {
    throw new WalletError(
      "wallet_not_found",
      `"${name}" is not a valid ${what} name (a plain folder/file name)`,
    );
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/** Wallet names under a root (folders). Empty when the root does not exist. */
export async function listWallets(root: string): Promise<string[]> {
  try {
    const entries = await readdir(root, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** Hotkey names of a wallet (files under hotkeys/ that are not *pub.txt). */
export async function listHotkeys(root: string, wallet: string): Promise<string[]> {
  try {
    const entries = await readdir(walletPaths(root, wallet).hotkeysDir, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile() && !e.name.endsWith("pub.txt"))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

function listing(names: string[]): string {
  return names.length === 0 ? "none" : names.join(", ");
}

async function missingError(
  root: string,
  wallet: string,
  file: string,
  hotkey?: string,
): Promise<WalletError> {
  const { dir } = walletPaths(root, wallet);
  if (!(await exists(dir))) {
    return new WalletError(
      "wallet_not_found",
      `wallet "${wallet}" not found: ${dir} does not exist. Wallets under ${root}: ${listing(await listWallets(root))}. ` +
        "Create one with `wallet create --name <name> --hotkey <hotkey>` (or btcli), or pass --wallet-path.",
      dir,
    );
  }
  if (hotkey !== undefined && file.startsWith(walletPaths(root, wallet).hotkeysDir)) {
    return new WalletError(
      "keyfile_not_found",
      `hotkey "${hotkey}" not found in wallet "${wallet}": ${file} does not exist. ` +
        `Hotkeys in this wallet: ${listing(await listHotkeys(root, wallet))}.`,
      file,
    );
  }
  return new WalletError("keyfile_not_found", `${file} does not exist in wallet "${wallet}"`, file);
}

async function readKeyfileBytes(
  file: string,
  root: string,
  wallet: string,
  hotkey?: string,
): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw await missingError(root, wallet, file, hotkey);
    if (code === "EACCES")
      throw new WalletError("unreadable", `${file}: permission denied (check its owner/mode)`, file);
    if (code === "EISDIR") throw new WalletError("unreadable", `${file} is a folder, not a keyfile`, file);
    throw new WalletError("unreadable", `${file}: cannot be read (${code ?? "unknown error"})`, file);
  }
}

export interface UnlockOptions {
  /** The password itself (takes precedence). */
  password?: string;
  /** Environment map for btwallet's BT_PW_<path> variable. */
  env?: Env;
  /** Asked when neither a password nor the variable is there. */
  passwordPrompt?: PasswordPrompt;
}

/** Reads a keyfile, decrypting "$NACL" files; legacy formats get an error that says how to convert them. */
export async function readKeyfile(
  file: string,
  ctx: { root: string; wallet: string; hotkey?: string },
  unlock: UnlockOptions = {},
): Promise<KeyfileJson> {
  const data = await readKeyfileBytes(file, ctx.root, ctx.wallet, ctx.hotkey);
  const encryption = keyfileEncryption(data);
  if (encryption === "ansible" || encryption === "legacy") {
    const kind = encryption === "ansible" ? "Ansible-vault" : "legacy Fernet";
    const regen = file.includes("/hotkeys/") ? "regen-hotkey" : "regen-coldkey";
    throw new WalletError(
      "unsupported_encryption",
      `${file}: ${kind} encryption is not supported here. Convert it to NaCl with a current btcli, e.g. ` +
        `\`btcli wallet ${regen} --wallet-name ${ctx.wallet}${ctx.hotkey ? ` --hotkey ${ctx.hotkey}` : ""}\` ` +
        "from its mnemonic (current btcli writes $NACL), then retry.",
      file,
    );
  }
  if (encryption === "nacl") {
    const password = await resolvePassword(file, unlock);
    return parseKeyfileJson(await decryptNacl(data, password, file), file);
  }
  return parseKeyfileJson(data, file);
}

async function resolvePassword(file: string, unlock: UnlockOptions): Promise<string> {
  if (unlock.password !== undefined) return unlock.password;
  const varName = passwordEnvVar(file);
  const fromEnv = unlock.env?.[varName];
  if (fromEnv) return decodeEnvPassword(fromEnv, varName);
  if (unlock.passwordPrompt) return unlock.passwordPrompt(`Password for ${file}: `);
  throw new WalletError(
    "password_required",
    `${file} is encrypted ($NACL) and no password was given: run on a terminal to be asked, or set ${varName} ` +
      "(btwallet's format: base64 of the password XOR-ed with the variable name)",
    file,
  );
}

export interface HotkeyRef extends UnlockOptions {
  root: string;
  wallet: string;
  hotkey: string;
}

/** The hotkey's sr25519 pair (ss58 42), as bittensor loads it. */
export async function loadHotkey(ref: HotkeyRef): Promise<KeyringPair> {
  const p = walletPaths(ref.root, ref.wallet, ref.hotkey);
  const kf = await readKeyfile(p.hotkey, ref, ref);
  return pairFromKeyfile(kf, p.hotkey);
}

/** The coldkey's ss58 address from coldkeypub.txt (no password needed). */
export async function loadColdkeyPub(ref: { root: string; wallet: string }): Promise<string> {
  const p = walletPaths(ref.root, ref.wallet);
  const kf = await readKeyfile(p.coldkeypub, ref);
  const pk = claimedPublicKey(kf, p.coldkeypub);
  if (!pk)
    throw new WalletError(
      "bad_json",
      `${p.coldkeypub}: no publicKey, accountId or ss58Address`,
      p.coldkeypub,
    );
  return encodeAddress(pk, SS58_FORMAT);
}

/** The coldkey's sr25519 pair; asks for / reads the password when the file is encrypted. */
export async function loadColdkey(
  ref: { root: string; wallet: string } & UnlockOptions,
): Promise<KeyringPair> {
  const p = walletPaths(ref.root, ref.wallet);
  const kf = await readKeyfile(p.coldkey, ref, ref);
  return pairFromKeyfile(kf, p.coldkey);
}

/** The hotkey's ss58 address without decrypting anything: <name>pub.txt, else the keyfile's public fields. */
export async function loadHotkeyAddress(ref: {
  root: string;
  wallet: string;
  hotkey: string;
}): Promise<string> {
  const p = walletPaths(ref.root, ref.wallet, ref.hotkey);
  for (const file of [p.hotkeypub, p.hotkey]) {
    if (!(await exists(file))) continue;
    const data = await readKeyfileBytes(file, ref.root, ref.wallet, ref.hotkey);
    if (keyfileEncryption(data)) continue;
    const pk = claimedPublicKey(parseKeyfileJson(data, file), file);
    if (pk) return encodeAddress(pk, SS58_FORMAT);
    if (file === p.hotkey) return (await pairFromKeyfile(parseKeyfileJson(data, file), file)).address;
  }
  if (!(await exists(p.hotkey))) throw await missingError(ref.root, ref.wallet, p.hotkey, ref.hotkey);
  throw new WalletError(
    "password_required",
    `${p.hotkey} is encrypted and has no ${ref.hotkey}pub.txt next to it; load it with its password`,
    p.hotkey,
  );
}

const enc = new TextEncoder();

/** Creates missing folders with mode 0700; existing folders keep the mode their owner gave them. */
/**
 * A folder that holds keys: created 0700, and an existing one set to 0700 as well (an older 0755 folder would let
 * other users list the hotkeys). `shared` folders (the wallets root) are only set when created here.
 */
async function ensureDir(dir: string, shared = false): Promise<void> {
  if (await exists(dir)) {
    if (!shared) await chmod(dir, 0o700);
    return;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/**
 * Writes a keyfile atomically: a fresh random temporary name created exclusively (O_EXCL) and never through a
 * symlink (O_NOFOLLOW), mode 0600 whatever the umask, fsynced, renamed over the target, and the folder fsynced,
 * so neither a crash nor a planted link leaves half a keyfile or writes a secret somewhere else.
 */
async function writeSecretFile(file: string, data: Uint8Array, overwrite: boolean): Promise<void> {
  if (!overwrite && (await exists(file))) {
    throw new WalletError("exists", `${file} already exists; pass overwrite to replace it`, file);
  }
  await ensureDir(dirname(file));
  const tmp = `${file}.tmp-${randomBytes(12).toString("hex")}`;
  const flags = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0);
  try {
    const handle = await open(tmp, flags, 0o600);
    try {
      await handle.chmod(0o600);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  const folder = await open(dirname(file), constants.O_RDONLY).catch(() => null);
  await folder
    ?.sync()
    .catch(() => undefined)
    .finally(() => folder.close());
}

function jsonBytes(kf: KeyfileJson): Uint8Array {
  return enc.encode(JSON.stringify(kf));
}

export interface CreateWalletOptions {
  root: string;
  wallet: string;
  hotkey: string;
  /** The coldkey's mnemonic (regenerate); a new 12-word one when absent. */
  mnemonic?: string;
  /** The hotkey's mnemonic; a new 12-word one when absent. */
  hotkeyMnemonic?: string;
  /** Encrypts the coldkey with $NACL when given (takes seconds). Hotkeys stay plain, as btcli's default. */
  coldkeyPassword?: string;
  overwrite?: boolean;
}

export interface CreatedWallet {
  coldkeyAddress: string;
  hotkeyAddress: string;
  /** Secrets for the caller to show once; never log them. */
  coldkeyMnemonic: string;
  hotkeyMnemonic: string;
  paths: WalletPaths;
}

function checkMnemonic(m: string, which: string): void {
  if (!mnemonicValidate(m))
    throw new WalletError("bad_mnemonic", `the ${which} mnemonic is not a valid BIP-39 English mnemonic`);
}

/** Writes coldkey, coldkeypub.txt, hotkeys/<name> and hotkeys/<name>pub.txt the way btcli does. */
export async function createWallet(opts: CreateWalletOptions): Promise<CreatedWallet> {
  await cryptoWaitReady();
  const paths = walletPaths(opts.root, opts.wallet, opts.hotkey);
  const overwrite = opts.overwrite ?? false;
  if (!overwrite) {
    for (const f of [paths.coldkey, paths.coldkeypub, paths.hotkey, paths.hotkeypub]) {
      if (await exists(f))
        throw new WalletError("exists", `${f} already exists; pass overwrite to replace it`, f);
    }
  }
  const coldkeyMnemonic = opts.mnemonic ?? mnemonicGenerate(12);
  const hotkeyMnemonic = opts.hotkeyMnemonic ?? mnemonicGenerate(12);
  checkMnemonic(coldkeyMnemonic, "coldkey");
  checkMnemonic(hotkeyMnemonic, "hotkey");
  const cold = keyfileFromSeed(mnemonicToMiniSecret(coldkeyMnemonic), coldkeyMnemonic);
  const hot = keyfileFromSeed(mnemonicToMiniSecret(hotkeyMnemonic), hotkeyMnemonic);
  await ensureDir(opts.root, true);
  await ensureDir(paths.dir);
  await ensureDir(paths.hotkeysDir);
  const coldBytes =
    opts.coldkeyPassword !== undefined
      ? await encryptNacl(jsonBytes(cold), opts.coldkeyPassword)
      : jsonBytes(cold);
  await writeSecretFile(paths.coldkey, coldBytes, overwrite);
  await writeSecretFile(paths.coldkeypub, jsonBytes(publicOnly(cold)), overwrite);
  await writeSecretFile(paths.hotkey, jsonBytes(hot), overwrite);
  await writeSecretFile(paths.hotkeypub, jsonBytes(publicOnly(hot)), overwrite);
  return {
    coldkeyAddress: cold.ss58Address,
    hotkeyAddress: hot.ss58Address,
    coldkeyMnemonic,
    hotkeyMnemonic,
    paths,
  };
}

function publicOnly(kf: PublicKeyfileJson): PublicKeyfileJson {
  return { accountId: kf.accountId, publicKey: kf.publicKey, ss58Address: kf.ss58Address };
}

/** {publicKey, secretKey} for a substrate URI: "//Alice", "<mnemonic>//path", "0x<seed>//path". */
async function pairFromUri(uri: string): Promise<{ publicKey: Uint8Array; secretKey: Uint8Array }> {
  await cryptoWaitReady();
  const { phrase, path, password } = keyExtractSuri(uri.startsWith("/") ? `${DEV_PHRASE}${uri}` : uri);
  let seed: Uint8Array;
  if (isHex(phrase, 256)) seed = hexToU8a(phrase);
  else if (mnemonicValidate(phrase)) seed = mnemonicToMiniSecret(phrase, password);
  else
    throw new WalletError(
      "bad_mnemonic",
      "the key URI is neither //<name>, a mnemonic nor a 32-byte hex seed",
    );
  return keyFromPath(sr25519PairFromSeed(seed), path, "sr25519");
}

/** A development key such as //Alice (sr25519, ss58 42), for local chains only. */
export async function devKeypair(uri: string): Promise<KeyringPair> {
  const kp = await pairFromUri(uri);
  return new Keyring({ type: "sr25519", ss58Format: SS58_FORMAT }).addFromPair(kp);
}

export interface DevWalletOptions {
  root: string;
  wallet: string;
  hotkey: string;
  /** The hotkey's URI, e.g. "//Alice". */
  uri: string;
  /** The coldkey's URI; the hotkey's by default (as bittensor's e2e wallets do). */
  coldkeyUri?: string;
}

/**
 * Throwaway, unencrypted wallet from dev URIs for the localnet: fast (no KDF), btcli-compatible files.
 * Overwrites what is there. Never use for real funds.
 */
export async function writeDevWallet(
  opts: DevWalletOptions,
): Promise<{ coldkeyAddress: string; hotkeyAddress: string; paths: WalletPaths }> {
  const paths = walletPaths(opts.root, opts.wallet, opts.hotkey);
  const hot = await pairFromUri(opts.uri);
  const cold = opts.coldkeyUri === undefined ? hot : await pairFromUri(opts.coldkeyUri);
  await ensureDir(opts.root, true);
  await ensureDir(paths.dir);
  await ensureDir(paths.hotkeysDir);
  await writeSecretFile(paths.coldkey, jsonBytes(keyfileFromSecret(cold.publicKey, cold.secretKey)), true);
  await writeSecretFile(paths.coldkeypub, jsonBytes(publicKeyfile(cold.publicKey)), true);
  await writeSecretFile(paths.hotkey, jsonBytes(keyfileFromSecret(hot.publicKey, hot.secretKey)), true);
  await writeSecretFile(paths.hotkeypub, jsonBytes(publicKeyfile(hot.publicKey)), true);
  return {
    coldkeyAddress: encodeAddress(cold.publicKey, SS58_FORMAT),
    hotkeyAddress: encodeAddress(hot.publicKey, SS58_FORMAT),
    paths,
  };
}

/** File mode bits (for checks and tests). */
export async function fileMode(p: string): Promise<number> {
  return (await stat(p)).mode & 0o777;
}
