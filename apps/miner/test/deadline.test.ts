// runStrategy / runWithBudget: synchronous strategies answer without a timer or an AbortController; asynchronous
// ones race one clock timer and see their signal aborted when the budget runs out.
import { VirtualClock } from "@apex/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { runStrategy, runWithBudget } from "../src/deadline.js";
import type { StrategyContext } from "../src/strategies/types.js";

const RealAbortController = globalThis.AbortController;
let made = 0;
class CountingAbortController extends RealAbortController {
  constructor() {
    super();
    made++;
  }
}

function countControllers(): void {
  made = 0;
  globalThis.AbortController = CountingAbortController;
}

afterEach(() => {
  globalThis.AbortController = RealAbortController;
});

const opts = (clock: VirtualClock) => ({
  budgetMs: 1000,
  clock,
  fallback: () => "fb",
  isValid: (v: string) => v !== "bad",
});

describe("runStrategy", () => {
  it("a synchronous answer needs no timer and no AbortController", async () => {
    const clock = new VirtualClock();
    countControllers();
    expect(await runStrategy(() => "ok", opts(clock))).toEqual({ value: "ok", fallback: false });
    expect(await runStrategy(() => "bad", opts(clock))).toEqual({
      value: "fb",
      fallback: true,
      cause: "invalid",
    });
    const thrown = await runStrategy(() => {
      throw new Error("boom");
    }, opts(clock));
    expect(thrown).toEqual({ value: "fb", fallback: true, cause: "error", error: "boom" });
    expect(made).toBe(0);
    expect(clock.nextWake()).toBeUndefined();
  });

  it("an asynchronous answer races one timer, which is cancelled when the answer comes", async () => {
    const clock = new VirtualClock();
    expect(await runStrategy(async () => "ok", opts(clock))).toEqual({ value: "ok", fallback: false });
    expect(clock.nextWake()).toBeUndefined();
    const rejected = await runStrategy(() => Promise.reject(new Error("late failure")), opts(clock));
    expect(rejected).toMatchObject({ fallback: true, cause: "error", error: "late failure" });
  });

  it("on timeout the fallback answers and the strategy's signal (made when read, also when copied) aborts", async () => {
    const clock = new VirtualClock();
    let seen: StrategyContext | undefined;
    const pending = runStrategy((ctx) => {
      seen = { ...ctx };
      return new Promise<string>(() => {});
    }, opts(clock));
    await Promise.resolve();
    expect(seen!.budgetMs).toBe(1000);
    expect(seen!.signal.aborted).toBe(false);
    clock.advance(999);
    await Promise.resolve();
    clock.advance(1);
    expect(await pending).toEqual({ value: "fb", fallback: true, cause: "timeout" });
    expect(seen!.signal.aborted).toBe(true);
    expect((seen!.signal.reason as Error).message).toMatch(/budget exceeded/);
  });

  it("runWithBudget still hands the strategy a signal and the budget", async () => {
    const clock = new VirtualClock();
    let signal: AbortSignal | undefined;
    const out = await runWithBudget((s, ms) => {
      signal = s;
      return `ms=${ms}`;
    }, opts(clock));
    expect(out).toEqual({ value: "ms=1000", fallback: false });
    expect(signal).toBeInstanceOf(AbortSignal);
  });
});
