// A pino-compatible subset: JSON lines to a stream (stderr by default), so stdout stays clean for --json.
export interface Logger {
  trace(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child?(bindings: object): Logger;
}

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

export function createLogger(
  level: LogLevel = "info",
  write: (line: string) => void = (l) => process.stderr.write(l),
  bindings: object = {},
  // Wall time on purpose: a log line says when it was written, whatever clock the subnet runs on.
  now: () => number = Date.now,
): Logger {
  const min = LEVELS[level];
  const emit = (lvl: Exclude<LogLevel, "silent">) => (obj: object | string, msg?: string) => {
    if (LEVELS[lvl] < min) return;
    const fields = typeof obj === "string" ? { msg: obj } : { ...obj, ...(msg !== undefined ? { msg } : {}) };
    const err = (fields as { err?: unknown }).err;
    if (err instanceof Error) (fields as { err?: unknown }).err = { message: err.message, name: err.name };
    write(`${JSON.stringify({ level: LEVELS[lvl], time: now(), ...bindings, ...fields })}\n`);
  };
  return {
    trace: emit("trace"),
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    child: (more) => createLogger(level, write, { ...bindings, ...more }, now),
  };
}

export const silentLogger: Logger = createLogger("silent", () => {});
