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

export interface DashboardArgs {
  validatorStatus: string;
  port: number;
  host: string;
  pollMs: number;
}

export const DASHBOARD_USAGE = `Usage: apex-localnet dashboard --validator-status URL [--port P] [--host H] [--poll-ms MS]

Serves the dashboard for one running apex-validator, read from its status server.
  --validator-status URL  the validator's status endpoint, e.g. http://127.0.0.1:8000/api/status
  --port P                dashboard port (default 8787; 0 picks a free one)
  --host H                address to listen on (default 127.0.0.1)
  --poll-ms MS            how often to poll the status (default 2000)`;

/** Parses the arguments after `dashboard`. Throws an Error whose message says what to fix. */
export function parseDashboardArgs(argv: readonly string[]): DashboardArgs {
  const args = argv[0] === "dashboard" ? argv.slice(1) : [...argv];
  const out: DashboardArgs = { validatorStatus: "", port: 8787, host: "127.0.0.1", pollMs: 2000 };
  for (let i = 0; i < args.length; i++) {
    const raw = args[i]!;
    const eq = raw.indexOf("=");
    const flag = raw.startsWith("--") && eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string => {
      const v = raw.startsWith("--") && eq > 0 ? raw.slice(eq + 1) : args[++i];
      if (v === undefined || v === "") throw new Error(`${flag} needs a value`);
      return v;
    };
    const int = (min: number, max: number): number => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max)
        throw new Error(`${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
      return n;
    };
    switch (flag) {
      case "--validator-status":
        out.validatorStatus = value();
        break;
      case "--port":
        out.port = int(0, 65535);
        break;
      case "--host":
        out.host = value();
        break;
      case "--poll-ms":
        out.pollMs = int(100, 3_600_000);
        break;
      default:
        throw new Error(`unknown option ${JSON.stringify(raw)}`);
    }
  }
  if (!out.validatorStatus) throw new Error("--validator-status URL is required");
  return out;
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
