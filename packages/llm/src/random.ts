// Small deterministic randomness: a 32-bit string hash and the mulberry32 PRNG.

/** A function returning floats in [0, 1), like Math.random, but reproducible from its seed. */
export type Rng = () => number;

/** FNV-1a over UTF-16 code units, finished with a murmur-style mix so close strings spread apart. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: tiny, fast, good enough for sampling and text variety (not for cryptography). */
export function seededRandom(seed: number | string): Rng {
  let a = (typeof seed === "string" ? hashString(seed) : Math.floor(seed)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error("pick: cannot pick from an empty list");
  return items[randInt(rng, items.length)]!;
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
        while (out.length < n) out.push(rest.splice(randInt(rng, rest.length), 1)[0]!);
        break;
      }
      continue;
    }
    chosen.add(i);
    out.push(items[i]!);
  }
  return out;
}
