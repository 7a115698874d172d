// The regex formulation of textStats, as the miner first shipped it. Kept as the specification the fast
// single-scan version in src/strategies/features.ts must reproduce exactly (see features.test.ts).
import { REFERENCE_SECTIONS, type TextStats } from "../src/strategies/features.js";

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

export function textStatsReference(query: string, text: string): TextStats {
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
