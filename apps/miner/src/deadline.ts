// Every strategy runs under a budget and falls back to a fast answer instead of letting the validator time out.
import type { Clock } from "@apex/protocol";

export type BudgetOutcome<T> =
  | { value: T; fallback: false }
  | { value: T; fallback: true; cause: "timeout" | "error" | "invalid"; error?: string };

/**
 * Runs `fn` with an AbortSignal that fires after `budgetMs` of `clock` time. On timeout, a thrown error or a
 * result `isValid` rejects, it returns `fallback()` instead (which must be fast and must not throw).
 */
export async function runWithBudget<T>(
  fn: (signal: AbortSignal, budgetMs: number) => Promise<T> | T,
  opts: { budgetMs: number; clock: Clock; fallback: () => T; isValid?: (v: T) => boolean },
): Promise<BudgetOutcome<T>> {
  const ac = new AbortController();
  const timer = new AbortController();
  const TIMEOUT = Symbol("timeout");
  const deadline = opts.clock.sleep(opts.budgetMs, timer.signal).then(
    () => TIMEOUT,
    () => new Promise<never>(() => {}),
  );
  try {
    const work = Promise.resolve().then(() => fn(ac.signal, opts.budgetMs));
    const result = await Promise.race([work, deadline]);
    if (result === TIMEOUT) {
      ac.abort(new Error("strategy budget exceeded"));
      work.catch(() => {}); // the late result (or error) is dropped
      return { value: opts.fallback(), fallback: true, cause: "timeout" };
    }
    const value = result as T;
    if (opts.isValid && !opts.isValid(value))
      return { value: opts.fallback(), fallback: true, cause: "invalid" };
    return { value, fallback: false };
  } catch (err) {
    return {
      value: opts.fallback(),
      fallback: true,
      cause: "error",
      error: (err as Error)?.message ?? String(err),
    };
  } finally {
    timer.abort();
  }
}
