// Text features of the validator's reference form (apex-v3-reference §2.6): a plain-text report with the sections
// Executive Summary, Key Findings, Evidence, Limitations, Conclusion, inline numeric citations [n] and a final
// Sources list. Pure functions; the heuristic and learned discriminators share them.

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
const CITATION_RE = /\[(\d{1,3})\]/g;
const LIST_RE = /^\s*(?:[-*•]|\d{1,3}[.)]|\[\d{1,3}\])\s+/;
const STOPWORDS = new Set(
  "the a an of and or to in on for with by as at from that this these those is are was were be been it its their which"
    .split(" ")
    .map((w) => w),
);

export function textStats(query: string, text: string): TextStats {
  const lines = text.split(/\r?\n/);
  const nonEmpty = lines.filter((l) => l.trim() !== "");
  const tokens = text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
  const words = tokens.length;

  const seen: number[] = [];
  let sourcesAt = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = HEADING_RE.exec(line);
    if (m) {
      const idx = REFERENCE_SECTIONS.findIndex((s) => s.toLowerCase() === m[1]!.toLowerCase());
      if (idx >= 0 && !seen.includes(idx)) seen.push(idx);
    } else if (SOURCES_RE.test(line)) sourcesAt = i;
  }
  const sectionsInOrder = seen.length > 1 && seen.every((v, i) => i === 0 || v > seen[i - 1]!);

  const body = sourcesAt >= 0 ? lines.slice(0, sourcesAt).join("\n") : text;
  const sourceLines = sourcesAt >= 0 ? lines.slice(sourcesAt + 1).filter((l) => l.trim() !== "") : [];
  const sourceNumbers = new Set<number>();
  for (const l of sourceLines) {
    const m = /^\s*\[?(\d{1,3})[\].)]/.exec(l);
    if (m) sourceNumbers.add(Number(m[1]));
  }
  const cited = [...body.matchAll(CITATION_RE)].map((m) => Number(m[1]));
  const distinct = new Set(cited);
  let dangling = 0;
  for (const n of distinct) if (!sourceNumbers.has(n)) dangling++;

  const sentenceList = body
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => /[a-z]/i.test(s) && !HEADING_RE.test(s));
  const sentenceWords = sentenceList.map((s) => (s.match(/[A-Za-z0-9']+/g) ?? []).length);
  const meanSentenceWords = mean(sentenceWords);
  const sdSentenceWords = Math.sqrt(mean(sentenceWords.map((w) => (w - meanSentenceWords) ** 2)));
  const citedSentences = sentenceList.filter((s) => /\[\d{1,3}\]/.test(s)).length;

  const queryWords = new Set(
    (query.toLowerCase().match(/[a-z]{4,}/g) ?? []).filter((w) => !STOPWORDS.has(w)),
  );
  const textWordSet = new Set(tokens);
  let overlap = 0;
  for (const w of queryWords) if (textWordSet.has(w)) overlap++;

  const letters = text.replace(/\s/g, "").length;
  const digits = (text.match(/\d/g) ?? []).length;
  const commas = (body.match(/,/g) ?? []).length;
  const stop = tokens.filter((t) => STOPWORDS.has(t)).length;

  return {
    words,
    lines: nonEmpty.length,
    sectionsPresent: seen.length,
    sectionsInOrder,
    citationMarkers: cited.length,
    distinctCitations: distinct.size,
    hasSourcesSection: sourcesAt >= 0,
    sourceEntries: sourceNumbers.size,
    danglingCitations: dangling,
    listLines: nonEmpty.filter((l) => LIST_RE.test(l)).length,
    markdownMarkers: (text.match(/(^|\n)\s*#{1,6}\s|\*\*|```|__/g) ?? []).length,
    urls: (text.match(/https?:\/\/\S+/g) ?? []).length,
    sentences: sentenceList.length,
    meanSentenceWords,
    sdSentenceWords,
    meanWordLength: words === 0 ? 0 : tokens.reduce((a, t) => a + t.length, 0) / words,
    typeTokenRatio: words === 0 ? 0 : textWordSet.size / words,
    queryOverlap: queryWords.size === 0 ? 0 : overlap / queryWords.size,
    citedSentenceFraction: sentenceList.length === 0 ? 0 : citedSentences / sentenceList.length,
    paragraphs: text.split(/\n\s*\n/).filter((p) => p.trim() !== "").length,
    startsWithBrace: /^\s*[[{]/.test(text),
    digitsFraction: letters === 0 ? 0 : digits / letters,
    commaPerSentence: sentenceList.length === 0 ? 0 : commas / sentenceList.length,
    stopwordFraction: words === 0 ? 0 : stop / words,
  };
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Names of the learned model's dense features, in vector order (saved in the model file to catch drift). */
export const FEATURE_NAMES = [
  "bias",
  "sections_present",
  "sections_in_order",
  "citation_density",
  "distinct_citations",
  "has_sources",
  "source_entries",
  "dangling_citations",
  "list_fraction",
  "markdown",
  "urls_per_source",
  "log_words",
  "mean_sentence_words",
  "sd_sentence_words",
  "mean_word_length",
  "type_token_ratio",
  "query_overlap",
  "cited_sentence_fraction",
  "paragraphs_per_100_words",
  "starts_with_brace",
  "digits_fraction",
  "comma_per_sentence",
  "stopword_fraction",
] as const;

/** Dense feature vector, roughly unit scale. */
export function featureVector(query: string, text: string): number[] {
  const s = textStats(query, text);
  const per100 = s.words === 0 ? 0 : 100 / s.words;
  return [
    1,
    s.sectionsPresent / REFERENCE_SECTIONS.length,
    s.sectionsInOrder ? 1 : 0,
    Math.min(5, s.citationMarkers * per100),
    Math.min(2, s.distinctCitations / 10),
    s.hasSourcesSection ? 1 : 0,
    Math.min(2, s.sourceEntries / 10),
    Math.min(2, s.danglingCitations / 5),
    s.lines === 0 ? 0 : s.listLines / s.lines,
    Math.min(2, s.markdownMarkers / 10),
    s.sourceEntries === 0 ? 0 : Math.min(2, s.urls / s.sourceEntries),
    Math.log1p(s.words) / 7,
    s.meanSentenceWords / 25,
    s.sdSentenceWords / 15,
    s.meanWordLength / 6,
    s.typeTokenRatio,
    s.queryOverlap,
    s.citedSentenceFraction,
    Math.min(5, s.paragraphs * per100),
    s.startsWithBrace ? 1 : 0,
    s.digitsFraction * 10,
    s.commaPerSentence / 3,
    s.stopwordFraction * 3,
  ];
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
    const h = fnv(key);
    const idx = h % dims;
    const sign = h & 0x80000000 ? -1 : 1;
    out.set(idx, (out.get(idx) ?? 0) + sign * norm);
  }
  return out;
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
