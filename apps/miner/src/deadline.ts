// Every strategy runs under a budget and falls back to a fast answer instead of letting the validator time out.
import type { Clock } from "@apex/protocol";
import type { StrategyContext } from "./strategies/types.js";

export type BudgetOutcome<T> =
  | { value: T; fallback: false }
  | { value: T; fallback: true; cause: "timeout" | "error" | "invalid"; error?: string };

export interface BudgetOptions<T> {
  budgetMs: number;
  clock: Clock;
  /** Must be fast and must not throw. */
  fallback: () => T;
  isValid?: (v: T) => boolean;
}

const BUDGET_EXCEEDED = new Error("strategy budget exceeded");
// Cancelling the deadline timer with a shared reason: abort() without one builds a DOMException (and its stack).
const TIMER_DONE = Symbol("timer done");
const TIMEOUT = Symbol("timeout");

/**
 * The context a strategy gets, and how to abort it. Its AbortSignal is made on first access only: the built-in
 * strategies answer synchronously and never look at it, so they pay for no AbortController. The getter is an
 * own enumerable property, so a strategy that copies the context (`{ ...ctx }`) still gets a live signal.
 */
function budgetContext(budgetMs: number): { ctx: StrategyContext; abort: () => void } {
  let controller: AbortController | undefined;
  const ctx: StrategyContext = {
    budgetMs,
    get signal() {
      controller ??= new AbortController();
      return controller.signal;
    },
  };
  return { ctx, abort: () => controller?.abort(BUDGET_EXCEEDED) };
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    (typeof v === "object" || typeof v === "function") &&
    v !== null &&
    typeof (v as { then?: unknown }).then === "function"
  );
}

function settle<T>(value: T, opts: BudgetOptions<T>): BudgetOutcome<T> {
  if (opts.isValid && !opts.isValid(value))
    return { value: opts.fallback(), fallback: true, cause: "invalid" };
  return { value, fallback: false };
}

function failed<T>(err: unknown, opts: BudgetOptions<T>): BudgetOutcome<T> {
  return {
    value: opts.fallback(),
    fallback: true,
    cause: "error",
    error: (err as Error)?.message ?? String(err),
  };
}

/**
 * Runs `fn` under a budget of `budgetMs` of `clock` time. On timeout, a thrown error or a result `isValid`
 * rejects, it returns `fallback()` instead. A strategy that answers synchronously gets no timer at all (no
 * timer can fire while it runs anyway); an asynchronous one races a single clock timer, and its context's
 * signal (if it asked for one) is aborted when the budget runs out.
 */
export function runStrategy<T>(
  fn: (ctx: StrategyContext) => Promise<T> | T,
  opts: BudgetOptions<T>,
): Promise<BudgetOutcome<T>> {
  const { ctx, abort } = budgetContext(opts.budgetMs);
  let result: Promise<T> | T;
  try {
    result = fn(ctx);
  } catch (err) {
    return Promise.resolve(failed(err, opts));
  }
  if (!isThenable(result)) return Promise.resolve(settle(result, opts));
  return raceDeadline(result as PromiseLike<T>, abort, opts);
}

async function raceDeadline<T>(
  work: PromiseLike<T>,
  abort: () => void,
  opts: BudgetOptions<T>,
): Promise<BudgetOutcome<T>> {
  const timer = new AbortController();
  const deadline = opts.clock.sleep(opts.budgetMs, timer.signal).then(
    () => TIMEOUT,
    // Cancelled: only after the race is decided, so this value is never seen.
    () => TIMER_DONE,
  );
  try {
    const result = await Promise.race([work, deadline]);
    if (result === TIMEOUT) {
      abort();
      Promise.resolve(work).catch(() => {}); // the late result (or error) is dropped
      return { value: opts.fallback(), fallback: true, cause: "timeout" };
    }
    return settle(result as T, opts);
  } catch (err) {
    return failed(err, opts);
  } finally {
    timer.abort(TIMER_DONE);
  }
}

/**
 * Runs `fn` with an AbortSignal that fires after `budgetMs` of `clock` time (see `runStrategy`, which makes
 * the signal only when a strategy reads it). On timeout, a thrown error or a result `isValid` rejects, it
 * returns `fallback()` instead (which must be fast and must not throw).
 */
export function runWithBudget<T>(
  fn: (signal: AbortSignal, budgetMs: number) => Promise<T> | T,
  opts: BudgetOptions<T>,
): Promise<BudgetOutcome<T>> {
  return runStrategy((ctx) => fn(ctx.signal, ctx.budgetMs), opts);
}
