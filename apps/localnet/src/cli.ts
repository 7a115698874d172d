#!/usr/bin/env node
// apex-localnet: one command runs a whole Apex subnet on one machine.
import { isMainModule, packageVersionNextTo, versionLine } from "@apex/protocol/cli-support";
import { type LocalnetCommand, type ParsedLocalnetArgs, parseLocalnetArgs, UsageError } from "./args.js";
import type { CliIo } from "./io.js";

export const HELP: Record<LocalnetCommand, string> = {
  help: `apex-localnet: run a whole Apex (Bittensor SN1) subnet on one machine, no Docker.

Usage:
  apex-localnet run [options]          simulated chain + miners + validator(s) + dashboard (npm start runs this)
  apex-localnet chain [--port 9955]    serve a SimChain for separate apex-miner / apex-validator processes
  apex-localnet bootstrap --network N  prepare a fresh dev chain: subnet, rate limits, wallets registered, stake
  apex-localnet scenario NAME          run a chain scenario (incentive, errors, commit-reveal, yuma-split)
  apex-localnet subtensor --spec FILE  run a real subtensor runtime locally from a chain spec you supply
  apex-localnet wallet create|show     make or show bittensor wallets (btcli layout) without btcli
  apex-localnet dashboard --validator-status URL   the dashboard for a validator's /api/status alone

apex-localnet COMMAND --help shows each command's options; apex-localnet --version its version.`,
  run: `apex-localnet run [options]

Starts a SimChain (served to other processes), registers a subnet, starts miners as real HTTP servers on
127.0.0.2 and validators that play the Apex game against them; prints each round and a table at each epoch.
Runs until Ctrl-C, --rounds N, or (with --virtual) --hours H of subnet time.

  --miners N               miners to start (default 8, a mix of strategies)
  --validators V           validators (default 1)
  --rounds N               stop after N rounds (all validators together) and exit 0
  --virtual                subnet time on a virtual clock, as fast as the machine allows (12 s blocks, tempo 360)
  --hours H                with --virtual: how many subnet hours to play (default 1)
  --seed S                 seed of the run (default 1); a virtual run with the same seed gives the same report
  --report FILE            write a JSON report to FILE and a Markdown summary next to it
  --plot DIR               write incentive.svg and reward.svg charts to DIR
  --dashboard-port P       dashboard port (default 8787; 0 picks a free one); --no-dashboard turns it off
  --chain-port P           port of the served SimChain (default 9955; 0 picks one); --no-serve-chain turns it off
  --external-miner URL     a miner someone else runs (any language): registered with a fresh hotkey and its axon
                           served; URL=WALLET:HOTKEY uses that wallet's hotkey instead (--wallet-path to find it)
  --miner-cmd "CMD"        start your miner process; it gets APEX_MINER_PORT (listen there), APEX_MINER_HOTKEY_URI
                           and APEX_MINER_HOTKEY_SS58 (its dev hotkey), BT_SUBTENSOR_NETWORK=sim,
                           BT_SUBTENSOR_CHAIN_ENDPOINT (the served SimChain) and APEX_MINER_NETUID
  --strategies LIST        miner strategies as GEN/DISC pairs, cycled (e.g. offline/learned,dummy/random)
  --llm-base-url URL       validators use this OpenAI-compatible endpoint instead of the offline backend
  --llm-model NAME         its model (API key from APEX_LLM_API_KEY)
  --record-references FILE with --llm-base-url: append every reference the validators write to FILE (JSONL)
  --reference-corpus FILE  replay recorded references (JSONL {query, generation, label: 0}) instead of writing
                           them; without it and without --llm-base-url, references come from the localnet's own
                           offline writer (not the texts the built-in learned miner was trained on)
  --tempo T, --block-time MS, --commit-reveal   chain settings (defaults: tempo 10, 250 ms; virtual: 360, 12000)
  --data-dir DIR           where the validators' results DBs go (default: a temp folder, removed at the end)
  --keep                   keep that temp folder after the run and print where it is
  --strict                 exit 3 when the run found anomalies (a built-in miner missed answers: timeouts,
                           HTTP 429/401/413…, transport errors, invalid answers); a warning is printed anyway
  --quiet                  no per-round lines or epoch tables (progress and summary only)
  --network ws://URL       run on a subtensor node instead of SimChain (//Alice must be sudo; dev_newBlock is used
                           when served); the report names the runtime and how it differs from SimChain
  --network subtensor --spec FILE   start the runtime of a chain spec you supply in chopsticks (node >= 22) and
                           run on it; blocks every Aura slot of the runtime (docs/real-chains.md)`,
  chain: `apex-localnet chain [--port 9955] [--host 127.0.0.1] [--block-time 250] [--tempo 10]

Serves a SimChain over HTTP (see docs/chain.md). Join it with apex-miner / apex-validator --network sim
(--chain-endpoint URL when not on the default port). Sudo is //Alice.`,
  bootstrap: `apex-localnet bootstrap --network sim|local|ws://HOST:PORT [options]

Prepares a fresh dev chain with sudo (//Alice): a subnet with commit-reveal off, rate limits 0 and tempo 10,
start_call, the given wallets registered and the validators staked.

  --validator WALLET:HOTKEY   (repeatable) register and stake
  --miner WALLET:HOTKEY       (repeatable) register
  --wallet-path P             wallet root (default $BT_WALLET_PATH or ~/.bittensor/wallets)
  --stake-tao N               stake per validator (default 100000)
  --fund-tao N                sent from sudo to each wallet's coldkey first, plus the validators' stake, on chains
                              with balances (default 1000; 0 to skip)
  --tempo T                   (default 10)
  --commit-reveal             leave commit-reveal on
  --sudo-uri URI              sudo key (default //Alice)
  --json                      print the result as JSON`,
  scenario: `apex-localnet scenario incentive|errors|commit-reveal|yuma-split [--network sim|URL] [--json]

Runs a named chain scenario and prints {scenario, network, runtime, steps:[{name, ok, error}], result}.
--network sim (default) runs an in-process SimChain; http://… a served SimChain; local, ws://… or wss://… a
subtensor node (blocks are built with dev_newBlock when the node offers it, as chopsticks does).
Exit code 0 when every step ended as the scenario expects.`,
  subtensor: `apex-localnet subtensor (--spec FILE | --fork ENDPOINT [--block N]) [options]

Runs a real subtensor runtime locally through chopsticks (node >= 22, optional install; see docs/real-chains.md)
and prints its ws URL, runtime name and spec version. Ctrl-C stops it.

  --spec FILE           a subtensor chain spec you supply (plain or raw)
  --fork ENDPOINT       fork a live chain (wss://…) instead, state fetched lazily; --block N pins the block
  --block-time MS       build a block every MS (default: the runtime's Aura slot, as a node of it would)
  --instant             build a block for each extrinsic, more on dev_newBlock (what bootstrap/scenario/run use
                        to go fast)
  --port P              (default 9944)`,
  wallet: "apex-localnet wallet --help",
  dashboard: "apex-localnet dashboard --help",
};

export type { CliIo };

/** `run --strict` exits with this when the run found anomalies (distinct from 1, an error, and 2, usage). */
export const STRICT_ANOMALY_EXIT = 3;

/** A finished run exits 0, or STRICT_ANOMALY_EXIT under --strict when it found anomalies. */
export function runExitCode(report: { anomalies: readonly unknown[] }, strict: boolean): number {
  return strict && report.anomalies.length > 0 ? STRICT_ANOMALY_EXIT : 0;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] === "--version" || argv[0] === "-V") {
    io.stdout(`${versionLine("apex-localnet", packageVersionNextTo(import.meta.url), process.version)}\n`);
    return 0;
  }
  let parsed: ParsedLocalnetArgs;
  try {
    parsed = parseLocalnetArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`apex-localnet: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  switch (parsed.command) {
    case "help":
      io.stdout(`${HELP[(parsed.topic as LocalnetCommand) ?? "help"] ?? HELP.help}\n`);
      return 0;
    case "run": {
      // A real runtime (--network ws://… or subtensor --spec) has its own module; SimChain runs in run.ts.
      const { runLocalnet } = parsed.options.network
        ? { runLocalnet: (await import("./real-run.js")).runOnRealChain }
        : await import("./run.js");
      const { resolveWalletRoot } = await import("@apex/wallet");
      const o = {
        ...parsed.options,
        walletPath: resolveWalletRoot(parsed.options.walletPath ?? undefined, io.env),
      };
      const out = o.json ? io.stderr : io.stdout;
      const report = await runLocalnet(o, {
        out: (l) => out(`${l}\n`),
        err: (l) => io.stderr(`${l}\n`),
        progress: io.isTTY && !o.json ? (l) => io.stderr(`\r${l}`) : undefined,
        signal: io.signal,
      });
      if (o.json) io.stdout(`${JSON.stringify(report)}\n`);
      else if (o.report) io.stdout(`report written to ${o.report}\n`);
      return runExitCode(report, o.strict);
    }
    case "chain": {
      const { runChainCommand } = await import("./commands.js");
      return runChainCommand(parsed.options, io);
    }
    case "bootstrap": {
      const { runBootstrapCommand } = await import("./commands.js");
      return runBootstrapCommand(parsed.options, io);
    }
    case "scenario": {
      const { runScenarioCommand } = await import("./commands.js");
      return runScenarioCommand(parsed.options, io);
    }
    case "subtensor": {
      const { runSubtensorCommand } = await import("./commands.js");
      return runSubtensorCommand(parsed.options, io);
    }
    case "wallet": {
      const { walletCommand } = await import("@apex/wallet");
      return walletCommand(parsed.argv, {
        stdout: { write: (s: string) => io.stdout(s) },
        stderr: { write: (s: string) => io.stderr(s) },
        env: io.env,
        prompt: io.isTTY ? hiddenPrompt : undefined,
      });
    }
    case "dashboard": {
      const { dashboardCommand } = await import("./dashboard/index.js");
      return dashboardCommand(parsed.argv, {
        out: (l: string) => io.stdout(`${l}\n`),
        err: (l: string) => io.stderr(`${l}\n`),
        signal: io.signal,
      });
    }
  }
}

/** Reads a password from the terminal without echoing it. */
async function hiddenPrompt(question: string): Promise<string> {
  const { createInterface } = await import("node:readline");
  return new Promise((resolvePassword) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const output = rl as unknown as { _writeToOutput?: (s: string) => void };
    process.stderr.write(question);
    output._writeToOutput = () => undefined;
    rl.question("", (answer) => {
      rl.close();
      process.stderr.write("\n");
      resolvePassword(answer);
    });
  });
}

if (isMainModule(import.meta.url)) {
  const ctrl = new AbortController();
  let interrupts = 0;
  process.on("SIGINT", () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write("\nstopping (Ctrl-C again to quit at once)…\n");
    ctrl.abort(new Error("interrupted"));
  });
  process.on("SIGTERM", () => ctrl.abort(new Error("terminated")));
  main(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    env: process.env, // house-rule: env — the process edge: main() and args.ts read it only as io.env
    signal: ctrl.signal,
    isTTY: Boolean(process.stderr.isTTY),
  }).then(
    (code) => {
      process.exitCode = code;
      // Sockets of miners' keep-alive agents may linger; the work is done.
      setTimeout(() => process.exit(code), 200).unref();
    },
    (err: Error) => {
      process.stderr.write(`apex-localnet: ${err.message}\n`);
      process.exit(1);
    },
  );
}
