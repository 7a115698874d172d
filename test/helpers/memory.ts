// Memory measurement for bounded-memory checks: a forced GC when we can get one, then heap and RSS.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let cached: (() => void) | null | undefined;

/**
 * The engine's gc(): the global one under `node --expose-gc`, else switched on at run time through a V8 flag
 * (a fresh context then sees `gc`). Null when neither works; callers then use looser bounds.
 */
export function gcFunction(): (() => void) | null {
  if (cached !== undefined) return cached;
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === "function") {
    cached = g;
    return cached;
  }
  try {
    setFlagsFromString("--expose-gc");
    const fn = runInNewContext("gc") as unknown;
    cached = typeof fn === "function" ? (fn as () => void) : null;
  } catch {
    cached = null;
  }
  return cached;
}

export interface MemorySample {
  heapUsed: number;
  rss: number;
  external: number;
  arrayBuffers: number;
  forcedGc: boolean;
}

/** Settles pending work, collects garbage a few times, then samples. */
export async function settledMemory(): Promise<MemorySample> {
  const gc = gcFunction();
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    gc?.();
  }
  const m = process.memoryUsage();
  return {
    heapUsed: m.heapUsed,
    rss: m.rss,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    forcedGc: gc !== null,
  };
}

export const MiB = 1024 * 1024;

export function mib(n: number): string {
  return `${(n / MiB).toFixed(1)} MiB`;
}
