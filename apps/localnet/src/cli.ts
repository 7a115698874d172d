#!/usr/bin/env node
// apex-localnet: one command runs a whole Apex subnet on one machine.
import { isMainModule, packageVersionNextTo, versionLine } from "@apex/protocol/cli-support";
import { envOnlyLines, exitCodeOf, helpLines, type OptionTable } from "@apex/protocol/options";
import {
  BOOTSTRAP_OPTIONS,
  CHAIN_OPTIONS,
  type LocalnetCommand,
  parseLocalnetArgs,
  RUN_OPTIONS,
  SCENARIO_OPTIONS,
  SUBTENSOR_OPTIONS,
} from "./args.js";
import type { CliIo } from "./io.js";

const flags = (table: OptionTable) => helpLines(table).join("\n");

/** --help of each command: the usage and description are written here, the flag lines come from its table. */
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

apex-localnet COMMAND --help shows each command's options; apex-localnet --version its version.
Exit codes: 0 done, 1 run-time failure, 2 usage error (bad command, flag or value); run --strict: 3 on anomalies.`,
  run: `apex-localnet run [options]

Starts a SimChain (served to other processes), registers a subnet, starts miners as real HTTP servers on
127.0.0.2 and validators that play the Apex game against them; prints each round and a table at each epoch.
Runs until Ctrl-C, --rounds N, or (with --virtual) --hours H of subnet time.

${flags(RUN_OPTIONS)}

Environment only (secrets are never flags):
${envOnlyLines(RUN_OPTIONS).join("\n")}`,
  chain: `apex-localnet chain [options]

Serves a SimChain over HTTP (see docs/chain.md). Join it with apex-miner / apex-validator --network sim
(--chain-endpoint URL when not on the default port). Sudo is //Alice.

${flags(CHAIN_OPTIONS)}`,
  bootstrap: `apex-localnet bootstrap --network sim|local|ws://HOST:PORT [options]

Prepares a fresh dev chain with sudo (--sudo-uri): a subnet with commit-reveal off, rate limits 0 and --tempo,
start_call, the given wallets registered and the validators staked.

${flags(BOOTSTRAP_OPTIONS)}`,
  scenario: `apex-localnet scenario incentive|errors|commit-reveal|yuma-split [options]

Runs a named chain scenario and prints {scenario, network, runtime, steps:[{name, ok, error}], result}.
Exit code 0 when every step ended as the scenario expects, 1 when one did not.

${flags(SCENARIO_OPTIONS)}`,
  subtensor: `apex-localnet subtensor (--spec FILE | --fork ENDPOINT [--block N]) [options]

Runs a real subtensor runtime locally through chopsticks (node >= 22, optional install; see docs/real-chains.md)
and prints its ws URL, runtime name and spec version. Ctrl-C stops it.

${flags(SUBTENSOR_OPTIONS)}`,
  // Printed by the commands themselves (runCommand hands `help wallet` / `help dashboard` to them).
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
  try {
    return await runCommand(argv, io);
  } catch (err) {
    // One rule for every command: 2 for a usage error (bad command, flag or value), 1 for a run-time failure.
    io.stderr(`apex-localnet: ${err instanceof Error ? err.message : String(err)}\n`);
    return exitCodeOf(err);
  }
}

const isHelpTopic = (topic: string | null): topic is LocalnetCommand =>
  topic !== null && Object.hasOwn(HELP, topic);

async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseLocalnetArgs(argv, io.env);
  switch (parsed.command) {
    case "help": {
      // The wallet and dashboard commands print their own --help.
      if (parsed.topic === "wallet" || parsed.topic === "dashboard")
        return runCommand([parsed.topic, "--help"], io);
      io.stdout(`${HELP[isHelpTopic(parsed.topic) ? parsed.topic : "help"]}\n`);
      return 0;
    }
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
