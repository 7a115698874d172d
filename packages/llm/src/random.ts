// Small deterministic randomness for generated text: a well-spread 32-bit string hash, the PRNG and helpers over it.
// FNV-1a and mulberry32 have their one home in @apex/protocol.
import { fnv1a32, itemAt, mulberry32, pickWith } from "@apex/protocol";

/** A function returning floats in [0, 1), like Math.random, but reproducible from its seed. */
export type Rng = () => number;

/** FNV-1a over UTF-16 code units, finished with a murmur-style mix so close strings spread apart. */
export function hashString(s: string): number {
  let h = fnv1a32(s);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32 seeded by a number or a string (good enough for sampling and text variety, not for cryptography). */
export function seededRandom(seed: number | string): Rng {
  return mulberry32(typeof seed === "string" ? hashString(seed) : Math.floor(seed));
}

/** An integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error("pick: cannot pick from an empty list");
  return pickWith(rng, items, "pick");
}

/** k distinct items (fewer when the list is shorter), in random order. */
export function sample<T>(rng: Rng, items: readonly T[], k: number): T[] {
  const n = Math.min(k, items.length);
  const chosen = new Set<number>();
  const out: T[] = [];
  // Rejection sampling: k is tiny next to the lists we draw from.
  while (out.length < n) {
    const i = randInt(rng, items.length);
    if (chosen.has(i)) {
      if (chosen.size * 2 > items.length) {
        // Dense case: fall back to a partial shuffle.
        const rest = items.filter((_, j) => !chosen.has(j));
        while (out.length < n) out.push(itemAt(rest.splice(randInt(rng, rest.length), 1), 0, "sample"));
        break;
      }
      continue;
    }
    chosen.add(i);
    out.push(itemAt(items, i, "sample"));
  }
  return out;
}
