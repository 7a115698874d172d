// `wallet create` / `wallet show` for people without btcli. The lead mounts it as `apex-localnet wallet …`.
import { WalletError } from "./errors.js";
import {
  createWallet,
  type Env,
  listHotkeys,
  listWallets,
  loadColdkeyPub,
  loadHotkeyAddress,
  resolveWalletRoot,
} from "./wallet.js";

export interface WalletCliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: Env;
  /** Hidden-input password prompt; absent when there is no TTY. */
  prompt?: (question: string) => Promise<string>;
}

export const WALLET_HELP = `Usage:
  wallet create --name N --hotkey H [--wallet-path P] [--no-password] [--overwrite] [--show-mnemonic] [--json]
  wallet show   --name N [--hotkey H] [--wallet-path P] [--json]

Wallets use btcli's layout and file format: <root>/<name>/coldkey, coldkeypub.txt, hotkeys/<H>, hotkeys/<H>pub.txt
(files 0600, folders 0700). The root is --wallet-path, else $BT_WALLET_PATH, else ~/.bittensor/wallets.

create   makes a new coldkey and hotkey from fresh 12-word mnemonics and prints their ss58 addresses.
         The coldkey is encrypted with a password you are asked for (btcli's $NACL format; deriving the key
         takes several seconds); --no-password leaves it unencrypted. The hotkey is never encrypted.
         Existing files are refused unless --overwrite. The mnemonics are stored in the keyfiles; they are
         printed only with --show-mnemonic (write them down, they are the only backup).
show     prints the coldkey address (from coldkeypub.txt) and the hotkey addresses (all hotkeys of the wallet
         unless --hotkey is given). Nothing is decrypted.
--json   prints one JSON object instead of text.
`;

interface Flags {
  name?: string;
  hotkey?: string;
  walletPath?: string;
  noPassword: boolean;
  overwrite: boolean;
  showMnemonic: boolean;
  json: boolean;
  help: boolean;
}

const VALUE_FLAGS: Record<string, "name" | "hotkey" | "walletPath"> = {
  "--name": "name",
  "--wallet-name": "name",
  "--hotkey": "hotkey",
  "--wallet-hotkey": "hotkey",
  "--wallet-path": "walletPath",
};

const BOOL_FLAGS: Record<string, "noPassword" | "overwrite" | "showMnemonic" | "json" | "help"> = {
  "--no-password": "noPassword",
  "--overwrite": "overwrite",
  "--show-mnemonic": "showMnemonic",
  "--json": "json",
  "--help": "help",
  "-h": "help",
};

class UsageError extends Error {}

function parseFlags(args: string[]): Flags {
  const f: Flags = { noPassword: false, overwrite: false, showMnemonic: false, json: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf("=");
    const key = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith("--") && eq > 0 ? arg.slice(eq + 1) : undefined;
    const vf = VALUE_FLAGS[key];
    if (vf) {
      const value = inline ?? args[++i];
      if (value === undefined || value === "" || (inline === undefined && value.startsWith("--"))) {
        throw new UsageError(`${key} needs a value`);
      }
      f[vf] = value;
      continue;
    }
    const bf = BOOL_FLAGS[key];
    if (bf && inline === undefined) {
      f[bf] = true;
      continue;
    }
    throw new UsageError(`unknown argument "${arg}"`);
  }
  return f;
}

/** Runs `wallet <create|show|help> …`; returns the process exit code (0 ok, 1 failure, 2 usage). */
export async function walletCommand(argv: string[], io: WalletCliIo): Promise<number> {
  const args = argv[0] === "wallet" ? argv.slice(1) : argv;
  const sub = args[0];
  if (sub === undefined || sub === "help" || sub === "--help" || sub === "-h") {
    (sub === undefined ? io.stderr : io.stdout).write(WALLET_HELP);
    return sub === undefined ? 2 : 0;
  }
  let flags: Flags;
  try {
    flags = parseFlags(args.slice(1));
  } catch (e) {
    io.stderr.write(`wallet ${sub}: ${(e as Error).message}\n\n${WALLET_HELP}`);
    return 2;
  }
  if (flags.help) {
    io.stdout.write(WALLET_HELP);
    return 0;
  }
  try {
    if (sub === "create") return await create(flags, io);
    if (sub === "show") return await show(flags, io);
  } catch (e) {
    if (e instanceof WalletError || e instanceof UsageError) {
      io.stderr.write(`wallet ${sub}: ${e.message}\n`);
      return e instanceof UsageError ? 2 : 1;
    }
    throw e;
  }
  io.stderr.write(`unknown wallet command "${sub}"\n\n${WALLET_HELP}`);
  return 2;
}

async function create(flags: Flags, io: WalletCliIo): Promise<number> {
  if (!flags.name || !flags.hotkey) throw new UsageError("create needs --name and --hotkey");
  const root = resolveWalletRoot(flags.walletPath, io.env);
  let password: string | undefined;
  if (!flags.noPassword) {
    if (!io.prompt) {
      throw new UsageError(
        "no terminal to ask for a coldkey password: run it on a terminal or pass --no-password",
      );
    }
    password = await io.prompt("Coldkey password: ");
    const again = await io.prompt("Repeat the password: ");
    if (password !== again) throw new UsageError("the two passwords differ; nothing was written");
    if (password === "") throw new UsageError("an empty password is not allowed; use --no-password instead");
  }
  const made = await createWallet({
    root,
    wallet: flags.name,
    hotkey: flags.hotkey,
    overwrite: flags.overwrite,
    ...(password !== undefined ? { coldkeyPassword: password } : {}),
  });
  if (flags.json) {
    io.stdout.write(
      `${JSON.stringify({
        wallet: flags.name,
        hotkey: flags.hotkey,
        path: made.paths.dir,
        coldkey: made.coldkeyAddress,
        hotkeyAddress: made.hotkeyAddress,
        encrypted: password !== undefined,
        ...(flags.showMnemonic
          ? { coldkeyMnemonic: made.coldkeyMnemonic, hotkeyMnemonic: made.hotkeyMnemonic }
          : {}),
      })}\n`,
    );
    return 0;
  }
  io.stdout.write(
    `Created wallet "${flags.name}" in ${made.paths.dir}\n` +
      `  coldkey            ${made.coldkeyAddress}${password !== undefined ? "  (encrypted)" : "  (NOT encrypted)"}\n` +
      `  hotkey ${flags.hotkey.padEnd(11)} ${made.hotkeyAddress}\n`,
  );
  if (flags.showMnemonic) {
    io.stdout.write(
      "\nWrite these down and keep them offline; anyone with them controls the keys:\n" +
        `  coldkey mnemonic: ${made.coldkeyMnemonic}\n  hotkey mnemonic:  ${made.hotkeyMnemonic}\n`,
    );
  } else {
    io.stdout.write(
      `The mnemonics are stored only inside the keyfiles (${made.paths.coldkey}, ${made.paths.hotkey}).\n`,
    );
  }
  return 0;
}

async function show(flags: Flags, io: WalletCliIo): Promise<number> {
  if (!flags.name)
    throw new UsageError(
      `show needs --name (wallets: ${(await listWallets(resolveWalletRoot(flags.walletPath, io.env))).join(", ") || "none"})`,
    );
  const root = resolveWalletRoot(flags.walletPath, io.env);
  const coldkey = await loadColdkeyPub({ root, wallet: flags.name });
  const names = flags.hotkey ? [flags.hotkey] : await listHotkeys(root, flags.name);
  const hotkeys: Record<string, string> = {};
  for (const h of names) hotkeys[h] = await loadHotkeyAddress({ root, wallet: flags.name, hotkey: h });
  if (flags.json) {
    io.stdout.write(
      `${JSON.stringify({ wallet: flags.name, path: `${root}/${flags.name}`, coldkey, hotkeys })}\n`,
    );
    return 0;
  }
  io.stdout.write(`Wallet "${flags.name}" (${root})\n  coldkey            ${coldkey}\n`);
  for (const [h, a] of Object.entries(hotkeys)) io.stdout.write(`  hotkey ${h.padEnd(11)} ${a}\n`);
  if (names.length === 0) io.stdout.write("  (no hotkeys)\n");
  return 0;
}
