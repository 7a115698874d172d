// Text helpers shared by the offline backend and the offline search.
import { pick, type Rng } from "./random.js";
import { type LexEntry, lexicon } from "./words.js";

const STOP = new Set(
  (
    "a an and are as at be been but by can could did do does for from had has have how if in into is it its " +
    "of on or over should so such than that the their them then there these they this those through to under " +
    "up was we were what when where which while who whom why will with would you your about after again all " +
    "also any because before being between both each few further here just more most much must no nor not " +
    "now only other our out own same some still too very one two three consider explain given question write " +
    "reply report answer sentence sentences step reader context imagine suppose region team studying understood " +
    "analyst committee group small research asked assess pressing concern skeptical overview evidence history " +
    "mechanism criticism comparison case study factor factors link data sources source"
  ).split(" "),
);

/** Lower-case content words of a text, in order of first appearance. */
export function contentWords(text: string, limit = 40): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[a-z][a-z-]{2,}/g)) {
    const w = m[0];
    if (STOP.has(w) || seen.has(w)) continue;
    seen.add(w);
    out.push(w);
    if (out.length >= limit) break;
  }
  return out;
}

/** Lexicon entries for the text's content words (plural "s" stripped as a fallback). */
export function topicsOf(text: string, limit = 6): LexEntry[] {
  const { byLemma } = lexicon();
  const out: LexEntry[] = [];
  for (const w of contentWords(text, 80)) {
    const e = byLemma.get(w) ?? (w.endsWith("s") ? byLemma.get(w.slice(0, -1)) : undefined);
    if (e && !out.includes(e)) out.push(e);
    if (out.length >= limit) break;
  }
  return out;
}

/** A random noun sense, skipping proper names and very long glosses. */
export function randomEntry(rng: Rng): LexEntry {
  const { nouns } = lexicon();
  for (let tries = 0; tries < 20; tries++) {
    const e = pick(rng, nouns);
    if (e.lemma[0] === e.lemma[0]?.toLowerCase() && e.gloss.length < 160) return e;
  }
  return pick(rng, nouns);
}

/** Topics from the text, topped up with random senses so there are always `n`. */
export function topicsFor(text: string, rng: Rng, n: number): LexEntry[] {
  const found = topicsOf(text, n);
  while (found.length < n) found.push(randomEntry(rng));
  return found;
}

export function capitalize(s: string): string {
  return s.length === 0 ? s : s.charAt(0).toUpperCase() + s.slice(1);
}

export function sentence(s: string): string {
  const t = capitalize(s.trim());
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

export function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "topic"
  );
}

export function article(word: string): string {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}

/** Picks one template and fills {a}, {b}, … from the map. */
export function fill(rng: Rng, templates: readonly string[], vars: Record<string, string>): string {
  return pick(rng, templates).replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? k);
}
