// Text features of the validator's reference form (docs/upstream.md § Reference report): a plain-text report
// with the sections Executive Summary, Key Findings, Evidence, Limitations, Conclusion, inline numeric
// citations [n] and a final Sources list. Pure functions; the heuristic and learned discriminators share
// them.
import { fnv1a32 } from "@apex/protocol";

export const REFERENCE_SECTIONS = [
  "Executive Summary",
  "Key Findings",
  "Evidence",
  "Limitations",
  "Conclusion",
] as const;

export interface TextStats {
  words: number;
  lines: number;
  /** How many of the five reference sections appear as a heading line. */
  sectionsPresent: number;
  /** Reference sections present in the reference order. */
  sectionsInOrder: boolean;
  citationMarkers: number;
  distinctCitations: number;
  hasSourcesSection: boolean;
  sourceEntries: number;
  /** Citation numbers used in the text that have no entry in Sources. */
  danglingCitations: number;
  listLines: number;
  markdownMarkers: number;
  urls: number;
  sentences: number;
  meanSentenceWords: number;
  sdSentenceWords: number;
  meanWordLength: number;
  typeTokenRatio: number;
  queryOverlap: number;
  citedSentenceFraction: number;
  paragraphs: number;
  startsWithBrace: boolean;
  digitsFraction: number;
  commaPerSentence: number;
  stopwordFraction: number;
}

const HEADING_RE = new RegExp(
  `^\\s*(?:#+\\s*)?(?:\\*\\*)?(${REFERENCE_SECTIONS.join("|")})(?:\\*\\*)?:?\\s*$`,
  "i",
);
const SOURCES_RE = /^\s*(?:#+\s*)?(?:\*\*)?(sources|references)(?:\*\*)?:?\s*$/i;
const SOURCE_ENTRY_RE = /^\s*\[?(\d{1,3})[\].)]/;
const LIST_RE = /^\s*(?:[-*•]|\d{1,3}[.)]|\[\d{1,3}\])\s+/;
const STOPWORDS = new Set(
  "the a an of and or to in on for with by as at from that this these those is are was were be been it its their which"
    .split(" ")
    .map((w) => w),
);

// Character tests, exactly as the regexes above see them (no `u` flag): `\s` is also what String#trim strips.
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAsciiLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
/** `[A-Za-z0-9']`; on lower-cased text the same as `[a-z0-9']`. */
const isWordChar = (c: number) => isAsciiLetter(c) || isDigit(c) || c === 39;

/** The first character a heading or a Sources line can start with after blanks: #, *, E, K, L, C, S, R. */
function mayBeHeading(c: number): boolean {
  const l = c | 0x20;
  return c === 35 || c === 42 || l === 101 || l === 107 || l === 108 || l === 99;
}
function mayBeSources(c: number): boolean {
  const l = c | 0x20;
  return c === 35 || c === 42 || l === 115 || l === 114;
}
/** `-`, `*`, `•`, a digit or `[`: how a list line (LIST_RE) starts. */
const mayBeList = (c: number) => c === 45 || c === 42 || c === 0x2022 || isDigit(c) || c === 91;

/** Index of the first non-blank character in [from, to), or `to`. */
function skipSpace(s: string, from: number, to: number): number {
  let i = from;
  while (i < to && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** Whether body[from, to) is a heading line (HEADING_RE on the piece; blanks around it do not matter). */
function isHeadingPiece(body: string, from: number, to: number): boolean {
  const f = skipSpace(body, from, to);
  return f < to && mayBeHeading(body.charCodeAt(f)) && HEADING_RE.test(body.slice(from, to));
}

/** Length of a `[n]` citation (n of 1–3 digits) at `i`, else 0: what CITATION_RE matches there. */
function citationAt(s: string, i: number, end: number): number {
  if (s.charCodeAt(i) !== 91) return 0;
  let j = i + 1;
  while (j < end && isDigit(s.charCodeAt(j))) j++;
  const n = j - i - 1;
  return n >= 1 && n <= 3 && j < end && s.charCodeAt(j) === 93 ? n + 2 : 0;
}

function strictlyIncreasing(xs: readonly number[]): boolean {
  let previous = Number.NEGATIVE_INFINITY;
  for (const x of xs) {
    if (!(x > previous)) return false;
    previous = x;
  }
  return true;
}

/**
 * Text statistics in a few linear scans without per-token regexes (the discriminator runs this on every
 * request). It computes exactly what the regex formulation in test/features-reference.ts computes; a test
 * checks the two agree on references, miner texts and random hostile strings.
 */
export function textStats(query: string, text: string): TextStats {
  const len = text.length;

  // Lines as split(/\r?\n/): per line, its bounds; headings, Sources, list lines and non-empty lines.
  const lineStart: number[] = [];
  const lineEnd: number[] = [];
  const seen: number[] = [];
  let sourcesAt = -1;
  let nonEmpty = 0;
  let listLines = 0;
  let strippedCr = false;
  for (let s = 0; ; ) {
    let nl = text.indexOf("\n", s);
    if (nl < 0) nl = len;
    let e = nl;
    if (nl < len && e > s && text.charCodeAt(e - 1) === 13) {
      e--;
      strippedCr = true;
    }
    const i = lineStart.length;
    lineStart.push(s);
    lineEnd.push(e);
    const f = skipSpace(text, s, e);
    if (f < e) {
      nonEmpty++;
      const c = text.charCodeAt(f);
      if (mayBeList(c) && LIST_RE.test(text.slice(s, e))) listLines++;
      const m = mayBeHeading(c) ? HEADING_RE.exec(text.slice(s, e)) : null;
      if (m) {
        const [, section = ""] = m;
        const name = section.toLowerCase();
        const idx = REFERENCE_SECTIONS.findIndex((x) => x.toLowerCase() === name);
        if (idx >= 0 && !seen.includes(idx)) seen.push(idx);
      } else if (mayBeSources(c) && SOURCES_RE.test(text.slice(s, e))) sourcesAt = i;
    }
    if (nl >= len) break;
    s = nl + 1;
  }
  const sectionsInOrder = seen.length > 1 && strictlyIncreasing(seen);

  // The body is the text before Sources, its lines joined with "\n" (as the regex version builds it).
  let body = text;
  if (sourcesAt === 0) body = "";
  else if (sourcesAt > 0) {
    if (!strippedCr) body = text.slice(0, lineEnd[sourcesAt - 1]);
    else {
      const parts: string[] = [];
      for (let i = 0; i < sourcesAt; i++) parts.push(text.slice(lineStart[i], lineEnd[i]));
      body = parts.join("\n");
    }
  }
  const sourceNumbers = new Set<number>();
  if (sourcesAt >= 0) {
    for (let i = sourcesAt + 1; i < lineStart.length; i++) {
      // lineStart and lineEnd get one entry per line together, so the fallbacks are never taken.
      const start = lineStart[i] ?? 0;
      const end = lineEnd[i] ?? 0;
      const f = skipSpace(text, start, end);
      if (f >= end) continue;
      const c = text.charCodeAt(f);
      if (c !== 91 && !isDigit(c)) continue;
      const m = SOURCE_ENTRY_RE.exec(text.slice(start, end));
      if (m) sourceNumbers.add(Number(m[1]));
    }
  }

  // The body: citations, commas, and sentences as split(/(?<=[.!?])\s+|\n+/), trimmed, with a letter, no heading.
  const blen = body.length;
  let citationMarkers = 0;
  const distinct = new Set<number>();
  let commas = 0;
  const sentenceWords: number[] = [];
  let citedSentences = 0;
  let pStart = 0;
  let pWords = 0;
  let pLetter = false;
  let pCited = false;
  let inWord = false;
  for (let q = 0; q <= blen; ) {
    const c = q < blen ? body.charCodeAt(q) : -1;
    let sepEnd = -1;
    if (q === blen) sepEnd = blen;
    else if (q > 0 && isSpace(c)) {
      const b = body.charCodeAt(q - 1);
      if (b === 46 || b === 33 || b === 63) {
        sepEnd = q + 1;
        while (sepEnd < blen && isSpace(body.charCodeAt(sepEnd))) sepEnd++;
      }
    }
    if (sepEnd < 0 && c === 10) {
      sepEnd = q + 1;
      while (sepEnd < blen && body.charCodeAt(sepEnd) === 10) sepEnd++;
    }
    if (sepEnd >= 0) {
      // End of a piece: a sentence if it has a letter and is not a heading.
      if (pLetter && !isHeadingPiece(body, pStart, q)) {
        sentenceWords.push(pWords);
        if (pCited) citedSentences++;
      }
      pWords = 0;
      pLetter = false;
      pCited = false;
      inWord = false;
      if (q === blen) break;
      pStart = q = sepEnd;
      continue;
    }
    if (isWordChar(c)) {
      if (!inWord) pWords++;
      inWord = true;
      if (!pLetter && isAsciiLetter(c)) pLetter = true;
      q++;
      continue;
    }
    inWord = false;
    if (c === 44) commas++;
    else if (c === 91) {
      const n = citationAt(body, q, blen);
      if (n > 0) {
        citationMarkers++;
        distinct.add(Number(body.slice(q + 1, q + n - 1)));
        pCited = true;
        // Inside "[12]" only digits follow: count them as the word they are, then go on after "]".
        pWords++;
        q += n;
        continue;
      }
    }
    q++;
  }
  let dangling = 0;
  for (const n of distinct) if (!sourceNumbers.has(n)) dangling++;
  const meanSentenceWords = mean(sentenceWords);
  const sdSentenceWords = Math.sqrt(mean(sentenceWords.map((w) => (w - meanSentenceWords) ** 2)));

  // Words: runs of [a-z0-9'] of the lower-cased text (lower-casing can change length, so its own scan).
  const lower = text.toLowerCase();
  const textWordSet = new Set<string>();
  let words = 0;
  let letterSum = 0;
  let stop = 0;
  for (let i = 0, n = lower.length; i < n; ) {
    if (!isWordChar(lower.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && isWordChar(lower.charCodeAt(j))) j++;
    const token = lower.slice(i, j);
    words++;
    letterSum += j - i;
    textWordSet.add(token);
    if (STOPWORDS.has(token)) stop++;
    i = j;
  }

  const queryWords = new Set(
    (query.toLowerCase().match(/[a-z]{4,}/g) ?? []).filter((w) => !STOPWORDS.has(w)),
  );
  let overlap = 0;
  for (const w of queryWords) if (textWordSet.has(w)) overlap++;

  let letters = 0;
  let digits = 0;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (!isSpace(c)) {
      letters++;
      if (isDigit(c)) digits++;
    }
  }
  const lineCount = nonEmpty;
  const sentences = sentenceWords.length;

  return {
    words,
    lines: lineCount,
    sectionsPresent: seen.length,
    sectionsInOrder,
    citationMarkers,
    distinctCitations: distinct.size,
    hasSourcesSection: sourcesAt >= 0,
    sourceEntries: sourceNumbers.size,
    danglingCitations: dangling,
    listLines,
    markdownMarkers: countMarkdown(text),
    urls: countUrls(text),
    sentences,
    meanSentenceWords,
    sdSentenceWords,
    meanWordLength: words === 0 ? 0 : letterSum / words,
    typeTokenRatio: words === 0 ? 0 : textWordSet.size / words,
    queryOverlap: queryWords.size === 0 ? 0 : overlap / queryWords.size,
    citedSentenceFraction: sentences === 0 ? 0 : citedSentences / sentences,
    paragraphs: countParagraphs(text),
    startsWithBrace: startsWithBrace(text),
    digitsFraction: letters === 0 ? 0 : digits / letters,
    commaPerSentence: sentences === 0 ? 0 : commas / sentences,
    stopwordFraction: words === 0 ? 0 : stop / words,
  };
}

/** Matches of /(^|\n)\s*#{1,6}\s|\*\*|```|__/g, scanned left to right as the regex engine does. */
function countMarkdown(text: string): number {
  const len = text.length;
  let count = 0;
  for (let q = 0; q < len; ) {
    const c = text.charCodeAt(q);
    if (q === 0 || c === 10) {
      // A heading marker: blanks (newlines too), 1–6 "#", then one blank.
      const r = skipSpace(text, q, len);
      let h = r;
      while (h < len && text.charCodeAt(h) === 35) h++;
      if (h > r && h - r <= 6 && h < len && isSpace(text.charCodeAt(h))) {
        count++;
        q = h + 1;
        continue;
      }
    }
    const d = q + 1 < len ? text.charCodeAt(q + 1) : -1;
    if ((c === 42 && d === 42) || (c === 95 && d === 95)) {
      count++;
      q += 2;
      continue;
    }
    if (c === 96 && d === 96 && q + 2 < len && text.charCodeAt(q + 2) === 96) {
      count++;
      q += 3;
      continue;
    }
    q++;
  }
  return count;
}

/** Matches of /https?:\/\/\S+/g: each runs to the next blank. */
function countUrls(text: string): number {
  const len = text.length;
  let count = 0;
  for (let q = text.indexOf("http", 0); q >= 0; q = text.indexOf("http", q)) {
    let j = q + 4;
    if (text.charCodeAt(j) === 115) j++;
    if (text.startsWith("://", j) && j + 3 < len && !isSpace(text.charCodeAt(j + 3))) {
      count++;
      q = j + 4;
      while (q < len && !isSpace(text.charCodeAt(q))) q++;
    } else q++;
  }
  return count;
}

/** Non-blank pieces of split(/\n\s*\n/): a break runs from a "\n" over blanks to the last "\n" among them. */
function countParagraphs(text: string): number {
  const len = text.length;
  let count = 0;
  let hasText = false;
  for (let q = 0; q < len; ) {
    const c = text.charCodeAt(q);
    if (c === 10) {
      let lastNl = -1;
      let r = q + 1;
      for (; r < len; r++) {
        const d = text.charCodeAt(r);
        if (d === 10) lastNl = r;
        else if (!isSpace(d)) break;
      }
      if (lastNl > 0) {
        if (hasText) count++;
        hasText = false;
        q = lastNl + 1;
        continue;
      }
    }
    if (!isSpace(c)) hasText = true;
    q++;
  }
  return hasText ? count + 1 : count;
}

function startsWithBrace(text: string): boolean {
  const f = skipSpace(text, 0, text.length);
  const c = text.charCodeAt(f);
  return c === 91 || c === 123;
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Hashed word-bigram features (signed hashing trick), added to the dense ones by the learned model. */
export function hashedFeatures(text: string, dims: number): Map<number, number> {
  const out = new Map<number, number>();
  if (dims <= 0) return out;
  const tokens = text.toLowerCase().match(/[a-z]+|\[\d+\]|[.:\n]/g) ?? [];
  const n = tokens.length;
  if (n === 0) return out;
  const norm = 1 / Math.sqrt(n);
  for (let i = 0; i + 1 < n; i++) {
    const key = `${tokens[i]} ${tokens[i + 1]}`;
    const h = fnv1a32(key);
    const idx = h % dims;
    const sign = h & 0x80000000 ? -1 : 1;
    out.set(idx, (out.get(idx) ?? 0) + sign * norm);
  }
  return out;
}
