import {
  defineOptions,
  helpLines,
  layer,
  type OptionValues,
  parseFlags,
  UsageError,
} from "@apex/protocol/options";
import { serveDashboard } from "./server.js";
import { type FetchLike, validatorStatusSource } from "./validator-source.js";

/** Either line writers (`out`/`err`, one line per call) or stream writers (`stdout`/`stderr`, text as is). */
export interface DashboardCommandIo {
  out?(line: string): void;
  err?(line: string): void;
  stdout?(text: string): void;
  stderr?(text: string): void;
  /** Aborting it stops the server (the CLI wires SIGINT/SIGTERM to it). Without one it runs until killed. */
  signal?: AbortSignal;
  fetch?: FetchLike;
}

/** `apex-localnet dashboard`: its flags, once; DashboardArgs, validation, defaults and --help derive from it. */
export const DASHBOARD_OPTIONS = defineOptions({
  validatorStatus: {
    kind: "string",
    arg: "URL",
    help: "the validator's status endpoint, e.g. http://127.0.0.1:8000/api/status (required)",
  },
  port: { kind: "int", min: 0, max: 65535, default: 8787, help: "dashboard port (0 picks a free one)" },
  host: { kind: "string", default: "127.0.0.1", arg: "ADDRESS", help: "address to listen on" },
  pollMs: {
    kind: "int",
    min: 100,
    max: 3_600_000,
    arg: "MS",
    default: 2000,
    help: "how often to poll the status",
  },
});

export type DashboardArgs = OptionValues<typeof DASHBOARD_OPTIONS> & { validatorStatus: string };

export const DASHBOARD_USAGE = `Usage: apex-localnet dashboard --validator-status URL [options]

Serves the dashboard for one running apex-validator, read from its status server.
${helpLines(DASHBOARD_OPTIONS).join("\n")}`;

/** Parses the arguments after `dashboard`. Throws a UsageError whose message says what to fix. */
export function parseDashboardArgs(argv: readonly string[]): DashboardArgs {
  const args = argv[0] === "dashboard" ? argv.slice(1) : argv;
  const flags = parseFlags(DASHBOARD_OPTIONS, args, { hint: "apex-localnet dashboard --help" });
  const { values } = layer(DASHBOARD_OPTIONS, [["flag", flags.values]]);
  const { validatorStatus } = values;
  if (validatorStatus === undefined) throw new UsageError("--validator-status URL is required");
  return { ...values, validatorStatus };
}

/**
 * `apex-localnet dashboard …`: returns the process exit code (0 after a clean stop, 2 for bad arguments,
 * 1 when the server cannot start).
 */
export async function dashboardCommand(
  argv: readonly string[],
  streams: DashboardCommandIo,
): Promise<number> {
  const io = {
    ...streams,
    out: (line: string) => (streams.out ? streams.out(line) : streams.stdout?.(`${line}\n`)),
    err: (line: string) => (streams.err ? streams.err(line) : streams.stderr?.(`${line}\n`)),
  };
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(DASHBOARD_USAGE);
    return 0;
  }
  let args: DashboardArgs;
  let source: ReturnType<typeof validatorStatusSource>;
  try {
    args = parseDashboardArgs(argv);
    // A --validator-status that is no http(s) URL is refused here: a usage error like a bad flag.
    source = validatorStatusSource(args.validatorStatus, io.fetch, { pollMs: args.pollMs });
  } catch (err) {
    io.err(`apex-localnet dashboard: ${err instanceof Error ? err.message : String(err)}`);
    io.err(DASHBOARD_USAGE);
    return 2;
  }
  let server: Awaited<ReturnType<typeof serveDashboard>>;
  try {
    server = await serveDashboard({ source, port: args.port, host: args.host });
  } catch (err) {
    io.err(
      `apex-localnet dashboard: cannot listen on ${args.host}:${args.port}: ${err instanceof Error ? err.message : String(err)}`,
    );
    return 1;
  }
  io.out(`dashboard: ${server.url} (watching ${args.validatorStatus})`);
  // A first read tells the user right away if the URL is wrong; the server keeps retrying either way.
  source
    .snapshot()
    .catch((err: unknown) => io.err(`warning: ${err instanceof Error ? err.message : String(err)}`));
  const signal = io.signal;
  await new Promise<void>((resolve) => {
    if (!signal) return; // runs until the process is killed
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await server.close();
  return 0;
}
