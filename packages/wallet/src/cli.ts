// `wallet create` / `wallet show` for people without btcli. The lead mounts it as `apex-localnet wallet …`.
import {
  defineOptions,
  exitCodeOf,
  helpLines,
  layer,
  type OptionValues,
  parseFlags,
  readEnv,
  UsageError,
} from "@apex/protocol/options";
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

const walletPath = {
  kind: "string",
  env: "BT_WALLET_PATH",
  arg: "DIR",
  help: "wallets root (else ~/.bittensor/wallets)",
} as const;
const json = { kind: "bool", help: "print one JSON object instead of text" } as const;

/** `wallet create`: its flags, once; parsing, validation and the flag lines of --help derive from it. */
export const WALLET_CREATE_OPTIONS = defineOptions({
  name: { kind: "string", arg: "NAME", help: "the new wallet's (coldkey's) name (required)" },
  hotkey: { kind: "string", arg: "NAME", help: "the new hotkey's name (required)" },
  walletPath,
  noPassword: { kind: "bool", help: "leave the coldkey unencrypted (no password asked)" },
  overwrite: { kind: "bool", help: "replace existing key files" },
  showMnemonic: { kind: "bool", help: "print the two mnemonics (write them down: they are the only backup)" },
  json,
});

/** `wallet show`. */
export const WALLET_SHOW_OPTIONS = defineOptions({
  name: { kind: "string", arg: "NAME", help: "the wallet (coldkey) name (required)" },
  hotkey: { kind: "string", arg: "NAME", help: "one hotkey (else every hotkey of the wallet)" },
  walletPath,
  json,
});

const TABLES = { create: WALLET_CREATE_OPTIONS, show: WALLET_SHOW_OPTIONS } as const;
type WalletSubcommand = keyof typeof TABLES;
const isSubcommand = (word: string): word is WalletSubcommand => word === "create" || word === "show";

export const WALLET_HELP = `Usage:
  wallet create --name N --hotkey H [options]
  wallet show   --name N [--hotkey H] [options]

Wallets use btcli's layout and file format: <root>/<name>/coldkey, coldkeypub.txt, hotkeys/<H>, hotkeys/<H>pub.txt
(files 0600, folders 0700). The root is --wallet-path, else $BT_WALLET_PATH, else ~/.bittensor/wallets.

create   makes a new coldkey and hotkey from fresh 12-word mnemonics and prints their ss58 addresses.
         The coldkey is encrypted with a password you are asked for (btcli's $NACL format; deriving the key
         takes several seconds); --no-password leaves it unencrypted. The hotkey is never encrypted.
         Existing files are refused unless --overwrite. The mnemonics are stored in the keyfiles; they are
         printed only with --show-mnemonic (write them down, they are the only backup).
show     prints the coldkey address (from coldkeypub.txt) and the hotkey addresses (all hotkeys of the wallet
         unless --hotkey is given). Nothing is decrypted.

create flags:
${helpLines(WALLET_CREATE_OPTIONS).join("\n")}
show flags:
${helpLines(WALLET_SHOW_OPTIONS).join("\n")}
--wallet-name and --wallet-hotkey (btcli's spellings) work as --name and --hotkey.
Exit codes: 0 done, 1 failure (e.g. no such wallet, files in the way), 2 usage error (bad flag or value).
`;

/** btcli's spellings, taken as they are: --wallet-name is --name, --wallet-hotkey is --hotkey. */
const BTCLI_SPELLINGS: ReadonlyArray<readonly [string, string]> = [
  ["--wallet-name", "--name"],
  ["--wallet-hotkey", "--hotkey"],
];

function ourSpelling(arg: string): string {
  for (const [theirs, ours] of BTCLI_SPELLINGS)
    if (arg === theirs || arg.startsWith(`${theirs}=`)) return ours + arg.slice(theirs.length);
  return arg;
}

type Values<S extends WalletSubcommand> = OptionValues<(typeof TABLES)[S]>;

/** A subcommand's values: flags over BT_WALLET_PATH; `help` when --help or -h is among them. */
function readFlags<S extends WalletSubcommand>(
  sub: S,
  args: readonly string[],
  env: Env,
): { values: Values<S>; help: boolean } {
  const table: (typeof TABLES)[S] = TABLES[sub];
  const flags = parseFlags(table, args.map(ourSpelling), {
    hint: "apex-localnet wallet --help",
    extra: { help: { type: "boolean", short: "h" } },
  });
  const { values } = layer(table, [
    ["env", readEnv(table, env, undefined)],
    ["flag", flags.values],
  ]);
  return { values, help: flags.extra.help === true };
}

/** Runs `wallet <create|show|help> …`; returns the process exit code (0 ok, 1 failure, 2 usage). */
export async function walletCommand(argv: string[], io: WalletCliIo): Promise<number> {
  const args = argv[0] === "wallet" ? argv.slice(1) : argv;
  const sub = args[0];
  if (sub === undefined || sub === "help" || sub === "--help" || sub === "-h") {
    (sub === undefined ? io.stderr : io.stdout).write(WALLET_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (!isSubcommand(sub)) {
    io.stderr.write(`unknown wallet command "${sub}"\n\n${WALLET_HELP}`);
    return 2;
  }
  // A bad command line is answered with the usage too; a refusal or failure after it with its message only.
  let readingFlags = true;
  try {
    if (sub === "create") {
      const { values, help } = readFlags("create", args.slice(1), io.env);
      readingFlags = false;
      return help ? printHelp(io) : await create(values, io);
    }
    const { values, help } = readFlags("show", args.slice(1), io.env);
    readingFlags = false;
    return help ? printHelp(io) : await show(values, io);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(`wallet ${sub}: ${message}\n${readingFlags ? `\n${WALLET_HELP}` : ""}`);
    return exitCodeOf(e);
  }
}

function printHelp(io: WalletCliIo): number {
  io.stdout.write(WALLET_HELP);
  return 0;
}

async function create(flags: Values<"create">, io: WalletCliIo): Promise<number> {
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

async function show(flags: Values<"show">, io: WalletCliIo): Promise<number> {
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
