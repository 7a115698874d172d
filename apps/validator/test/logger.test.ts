import { describe, expect, it } from "vitest";
import { createLogger, silentLogger } from "../src/index.js";

function capture(level: Parameters<typeof createLogger>[0]) {
  const lines: string[] = [];
  const logger = createLogger(level, (line) => lines.push(line));
  return { logger, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("validator logger", () => {
  it("an error logged as err keeps its stack and its cause", () => {
    const { logger, records } = capture("info");
    const cause = new Error("connection refused by the chain endpoint");
    const err = new Error("weight setting failed", { cause });
    logger.error({ err }, "weight setting failed");

    const [line] = records();
    const logged = line?.err as { type: string; message: string; stack: string };
    expect(line?.msg).toBe("weight setting failed");
    expect(logged.type).toBe("Error");
    // The stack is the thrower's, frames included, followed by the cause's own stack.
    expect(logged.stack).toContain(err.stack);
    expect(logged.stack).toContain(`caused by: ${cause.stack}`);
    expect(logged.message).toContain("connection refused by the chain endpoint");
  });

  it("writes one JSON line per call at or above its level, with pino's level numbers", () => {
    const { logger, records } = capture("warn");
    logger.info({ round: 1 }, "round stored");
    logger.warn({ size: 3 }, "task queue full; dropping a task");
    logger.error("scorer cycle failed");
    expect(records().map((r) => [r.level, r.msg])).toEqual([
      [40, "task queue full; dropping a task"],
      [50, "scorer cycle failed"],
    ]);
    expect(records()[0]).toMatchObject({ size: 3 });
    expect(typeof records()[0]?.time).toBe("number");
  });

  it("child loggers carry their bindings; the silent level writes nothing", () => {
    const { logger, records } = capture("info");
    logger.child?.({ validator: 2 }).info("validator started");
    expect(records()[0]).toMatchObject({ validator: 2, msg: "validator started" });

    const quiet = capture("silent");
    quiet.logger.error({ err: new Error("x") }, "never shown");
    expect(quiet.records()).toEqual([]);
    expect(() => silentLogger.error("nothing")).not.toThrow();
  });
});
