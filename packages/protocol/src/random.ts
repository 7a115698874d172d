// Seeded randomness and string hashing shared by the game (coin flips, samples), the strategies and the tests, so a seed replays a
// run exactly. Never for keys or anything secret.

/** FNV-1a (32-bit) over UTF-16 code units: a stable seed from a string (a query, a hotkey, a feature key). */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a 32-bit state PRNG, small and fast, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** items[i], or an Error naming `what` when i is out of range: for lists the code knows hold no holes. */
export function itemAt<T>(items: readonly T[], i: number, what = "list"): T {
  const item = items[i];
  if (item === undefined) throw new Error(`${what}: no item at ${i} of ${items.length}`);
  return item;
}

/** One item, drawn with one call of `rnd` (items[⌊rnd()·n⌋]); an Error naming `what` when the list is empty. */
export function pickWith<T>(rnd: () => number, items: readonly T[], what = "pick"): T {
  return itemAt(items, Math.floor(rnd() * items.length), what);
}
