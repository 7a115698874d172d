// The validator logs through pino: JSON lines to stderr by default, so stdout stays clean for --json. An error
// logged as `err` keeps its type, stack and causes (pino's standard error serializer). A line's `time` is wall
// time on purpose: it says when the line was written, whatever clock the subnet runs on.
import { pino } from "pino";

/** What the validator's code needs from a logger; a pino logger is one, and a host may inject any other. */
export interface Logger {
  trace(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child?(bindings: object): Logger;
}

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "silent";

/** A pino logger at `level` writing each JSON line through `write` (default: stderr). */
export function createLogger(
  level: LogLevel = "info",
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  return pino({ level }, { write });
}

export const silentLogger: Logger = createLogger("silent", () => {});
