// What separates a researched reference from a fast answer, measured on any layout: structure and how consistent it
// is, whether inline citations agree with a sources list, how much of the query's sub-questions the text covers,
// hedging and specificity, register, and length relative to the query. None of it looks for the wording of our own
// templates (the old writing statistics — vocabulary variety, word and sentence lengths, stopword share — are
// gone: real LLM prose does not share them). Pure functions; the learned model's features.

export interface Signals {
  words: number;
  queryWords: number;
  headings: number;
  /** Share of headings written in the most common heading style (markdown, bold, caps, numbered, colon, plain). */
  headingConsistency: number;
  /** Of six research-report roles (summary, findings, evidence, limits, conclusion, sources), how many appear. */
  roles: number;
  hasSources: boolean;
  sourceEntries: number;
  sourceEntriesWithUrl: number;
  sourceEntriesWithYear: number;
  /** Mean length of URL paths after the host (real search results have deep paths). */
  meanUrlPath: number;
  distinctHosts: number;
  citations: number;
  distinctCited: number;
  /** Cited numbers without a sources entry, as a share of distinct cited numbers. */
  danglingShare: number;
  /** Numbered sources entries never cited in the text, as a share of entries. */
  uncitedShare: number;
  citedSentenceShare: number;
  sentences: number;
  /** Mean share of each query question's content words found in the text. */
  coverageMean: number;
  coverageMin: number;
  hedges: number;
  numbers: number;
  years: number;
  etAl: number;
  properNouns: number;
  contractions: number;
  secondPerson: number;
  firstPerson: number;
  chatMarkers: number;
  exclamations: number;
  listLines: number;
  nonEmptyLines: number;
  boldMarkers: number;
  jsonLike: boolean;
  codeFence: boolean;
}

type HeadingStyle = "md" | "bold" | "caps" | "numbered" | "colon" | "plain";

const ROLE_PATTERNS: [string, RegExp][] = [
  ["summary", /\b(summary|overview|tl;?dr|abstract|introduction|at a glance|background)\b/i],
  ["findings", /\b(findings?|results|key points|highlights|what the studies found|main points)\b/i],
  ["evidence", /\b(evidence|analysis|discussion|details?|methodology|methods|data)\b/i],
  ["limits", /\b(limitations?|caveats?|uncertaint(y|ies)|what we don.t know|open questions|weaknesses)\b/i],
  ["conclusion", /\b(conclusions?|bottom line|assessment|implications|recommendations?|outlook)\b/i],
  ["sources", /^(sources?|references?|bibliography|works cited|citations|further reading)\b/i],
];
const SOURCES_HEADING = /^(sources?|references?|bibliography|works cited|citations|further reading)$/i;

const HEDGES =
  /\b(may|might|could|likely|unlikely|suggests?|suggesting|appears?|uncertain|uncertainty|estimated?|approximately|roughly|around|possibly|probably|indicates?|tentative|debated?|contested)\b/gi;
const CONTRACTIONS = /\b[a-z]+(?:n't|'re|'ll|'ve|'m|'d)\b|\b(?:it|that|there|here|what|let|he|she|who)'s\b/gi;
const CHAT =
  /\b(great question|good question|hope this helps|let me know|feel free|here's|here is a|in short|short answer|as an ai|i'm not able|i can't|happy to help|basically)\b/gi;
const STOP = new Set(
  "what which when where does should could would about between their there these those this that with from into " +
    "have has been being will them they than then also such much many more most some only very just the and for " +
    "are was were how why who its can may might must each other over under your yet still even both whether while " +
    "what's actually really today recent recently".split(" "),
);

function headingStyle(raw: string, prevBlank: boolean, nextNonEmpty: boolean): HeadingStyle | undefined {
  const line = raw.trim();
  if (line.length === 0 || line.length > 90) return undefined;
  if (/^#{1,6}\s+\S/.test(line)) return "md";
  if (/^(\*\*|__)[^*_]{2,80}(\*\*|__):?$/.test(line)) return "bold";
  const words = line.split(/\s+/).length;
  if (words > 8) return undefined;
  const letters = line.replace(/[^A-Za-z]/g, "");
  if (letters.length >= 3 && letters === letters.toUpperCase() && /^[A-Z]/.test(line)) return "caps";
  if (/^(\d{1,2}|[IVX]{1,4})[.)]\s+[A-Z][^.!]{1,60}$/.test(line) && words <= 6 && nextNonEmpty)
    return "numbered";
  if (/^[A-Z][^.!?:]{1,50}:$/.test(line)) return "colon";
  if (/^[A-Z][^.!:;,]{1,60}[?]?$/.test(line) && prevBlank && nextNonEmpty && words <= 7) return "plain";
  return undefined;
}

function headingText(line: string): string {
  return line
    .trim()
    .replace(/^#{1,6}\s+/, "")
    .replace(/^(\d{1,2}|[IVX]{1,4})[.)]\s+/, "")
    .replace(/[*_:]/g, "")
    .trim();
}

/** Numbers in a citation bracket: "1", "1, 3", "2–4" (ranges expanded, at most 20 wide). */
function citedNumbers(inner: string): number[] {
  const out: number[] = [];
  for (const part of inner.split(/\s*[,;]\s*/)) {
    const range = /^(\d{1,3})\s*[–-]\s*(\d{1,3})$/.exec(part);
    if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      for (let k = a; k <= b && k - a < 20; k++) out.push(k);
    } else if (/^\d{1,3}$/.test(part)) out.push(Number(part));
  }
  return out;
}

function contentWords(s: string): string[] {
  return (s.toLowerCase().match(/[a-z][a-z-]{3,}/g) ?? []).filter((w) => !STOP.has(w));
}

const stem = (w: string) => w.slice(0, 5);

function count(re: RegExp, s: string): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(s) !== null) n++;
  return n;
}

export function signals(query: string, text: string): Signals {
  const lines = text.split(/\r?\n/);
  const nonEmpty = lines.filter((l) => l.trim() !== "");
  const words = (text.match(/[A-Za-z0-9'’]+/g) ?? []).length;
  const queryWords = (query.match(/[A-Za-z0-9'’]+/g) ?? []).length;

  // Headings and the roles they name; "Role: text…" leads count for roles too (a common inline layout).
  const styles = new Map<HeadingStyle, number>();
  const roles = new Set<string>();
  let headings = 0;
  let sourcesAt = -1;
  for (const [i, line] of lines.entries()) {
    const prev = lines[i - 1];
    const prevBlank = prev === undefined || prev.trim() === "";
    const next = lines[i + 1];
    const nextNonEmpty = next !== undefined && next.trim() !== "";
    const style = headingStyle(
      line,
      prevBlank,
      nextNonEmpty || (next !== undefined && lines[i + 2] !== undefined),
    );
    const name = style ? headingText(line) : undefined;
    if (style && name) {
      headings++;
      styles.set(style, (styles.get(style) ?? 0) + 1);
      for (const [role, re] of ROLE_PATTERNS) if (re.test(name)) roles.add(role);
      if (sourcesAt < 0 && SOURCES_HEADING.test(name.replace(/\.$/, ""))) sourcesAt = i;
      continue;
    }
    const lead = /^\s*(?:\*\*)?([A-Z][A-Za-z ;']{2,30}?)(?:\*\*)?:(?:\*\*)?\s+\S/.exec(line)?.[1];
    if (lead !== undefined) {
      for (const [role, re] of ROLE_PATTERNS) if (re.test(lead)) roles.add(role);
      if (sourcesAt < 0 && SOURCES_HEADING.test(lead.trim())) sourcesAt = i;
    }
  }
  const headingConsistency = headings === 0 ? 0 : Math.max(...styles.values()) / headings;

  // The sources list: entries after the sources heading; numbered entries are what citations must match.
  const entryNumbers = new Set<number>();
  let sourceEntries = 0;
  let withUrl = 0;
  let withYear = 0;
  const hosts = new Set<string>();
  let pathTotal = 0;
  let urlCount = 0;
  if (sourcesAt >= 0) {
    for (const raw of lines.slice(sourcesAt + 1)) {
      const line = raw.trim();
      if (line === "") continue;
      if (headingStyle(line, true, true) === "md") break;
      sourceEntries++;
      const num = /^(?:[-*•]\s*)?[[(]?(\d{1,3})[\]).:]/.exec(line);
      if (num) entryNumbers.add(Number(num[1]));
      if (/\b(19|20)\d{2}\b/.test(line)) withYear++;
      const url = /https?:\/\/([^/\s)]+)(\/[^\s)]*)?/.exec(line);
      if (url) {
        const [, host = "", path = ""] = url;
        withUrl++;
        hosts.add(host.toLowerCase().replace(/^www\./, ""));
        pathTotal += path.length;
        urlCount++;
      }
    }
  }
  const body = sourcesAt >= 0 ? lines.slice(0, sourcesAt).join("\n") : text;

  // Inline citations: [1], [1][2], [1, 3], [2–4]; "(1)"-style only when the sources list is numbered.
  const cited: number[] = [];
  for (const [, list = ""] of body.matchAll(/\[(\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*)\]/g)) {
    cited.push(...citedNumbers(list));
  }
  if (entryNumbers.size > 0) {
    for (const [, list = ""] of body.matchAll(/\((\d{1,2}(?:\s*[,;–-]\s*\d{1,2})*)\)/g)) {
      const ns = citedNumbers(list).filter((n) => entryNumbers.has(n));
      cited.push(...ns);
    }
  }
  const distinct = new Set(cited);
  let dangling = 0;
  for (const n of distinct) if (!entryNumbers.has(n)) dangling++;
  let uncited = 0;
  for (const n of entryNumbers) if (!distinct.has(n)) uncited++;

  const sentences = body
    .replace(/\b(et al|e\.g|i\.e|vs|Dr|Mr|Ms|St|No|Fig)\./g, "$1")
    .split(/(?<=[.!?])\s+|\n+/)
    .filter((s) => /[A-Za-z]{2}/.test(s));
  const citedSentences = sentences.filter((s) => /\[\d{1,3}/.test(s)).length;

  // Coverage of each question in the query (sentences ending in "?"; the whole query when there are none).
  const questions = query.split(/(?<=[?])\s+/).filter((q) => q.includes("?"));
  const textStems = new Set(contentWords(text).map(stem));
  const cover = (questions.length > 0 ? questions : [query]).map((q) => {
    const ws = [...new Set(contentWords(q).map(stem))];
    return ws.length === 0 ? 1 : ws.filter((w) => textStems.has(w)).length / ws.length;
  });

  // Proper nouns: capitalised words that do not start a sentence or a line.
  const properNouns = count(/(?<=[a-z,;]\s)[A-Z][a-z]+/g, body);

  return {
    words,
    queryWords,
    headings,
    headingConsistency,
    roles: roles.size,
    hasSources: sourcesAt >= 0 && sourceEntries > 0,
    sourceEntries,
    sourceEntriesWithUrl: withUrl,
    sourceEntriesWithYear: withYear,
    meanUrlPath: urlCount === 0 ? 0 : pathTotal / urlCount,
    distinctHosts: hosts.size,
    citations: cited.length,
    distinctCited: distinct.size,
    danglingShare: distinct.size === 0 ? 0 : dangling / distinct.size,
    uncitedShare: entryNumbers.size === 0 ? 0 : uncited / entryNumbers.size,
    citedSentenceShare: sentences.length === 0 ? 0 : citedSentences / sentences.length,
    sentences: sentences.length,
    coverageMean: cover.reduce((a, b) => a + b, 0) / cover.length,
    coverageMin: Math.min(...cover),
    hedges: count(HEDGES, body),
    numbers: count(/\b\d[\d,.]*\s*(%|percent|per cent)?/g, body),
    years: count(/\b(1[5-9]|20)\d{2}\b/g, body),
    etAl: count(/\bet al\b/g, text),
    properNouns,
    contractions: count(CONTRACTIONS, text.replace(/’/g, "'")),
    secondPerson: count(/\b(you|your|you're|yourself)\b/gi, text),
    firstPerson: count(/\b(I|I'm|I've|me|my)\b/g, text),
    chatMarkers: count(CHAT, text.replace(/’/g, "'")),
    exclamations: count(/!(\s|$)/g, text),
    listLines: nonEmpty.filter((l) => /^\s*(?:[-*•–]|\d{1,2}[.)]|\(\w\))\s+/.test(l)).length,
    nonEmptyLines: nonEmpty.length,
    boldMarkers: count(/\*\*[^*\n]+\*\*/g, text),
    jsonLike: /^\s*[{[]/.test(text) && /[}\]]\s*$/.test(text),
    codeFence: /```/.test(text),
  };
}

/** Names of the learned model's dense features, in vector order (saved in the model file to catch drift). */
export const FEATURE_NAMES = [
  "bias",
  "log_words",
  "log_length_vs_query",
  "headings_per_100_words",
  "has_headings",
  "heading_consistency",
  "report_roles",
  "has_sources",
  "log_source_entries",
  "sources_with_url",
  "sources_with_year",
  "url_path_depth",
  "distinct_hosts",
  "citations_per_100_words",
  "log_distinct_cited",
  "dangling_citations",
  "uncited_sources",
  "cited_sentence_share",
  "coverage_mean",
  "coverage_min",
  "hedges_per_sentence",
  "numbers_per_100_words",
  "years_per_100_words",
  "et_al",
  "proper_nouns_per_100_words",
  "contractions_per_100_words",
  "second_person_per_100_words",
  "first_person_per_100_words",
  "chat_markers",
  "exclamations",
  "list_line_share",
  "bold_per_line",
  "json_or_code",
] as const;

/** Dense feature vector, roughly unit scale; index 0 is the bias. */
export function featureVector(query: string, text: string): number[] {
  const s = signals(query, text);
  const per100 = s.words === 0 ? 0 : 100 / s.words;
  const cap = (x: number, m: number) => Math.min(m, x);
  return [
    1,
    Math.log1p(s.words) / 7,
    Math.log((s.words + 1) / (s.queryWords + 1)) / 3,
    cap(s.headings * per100, 5),
    s.headings > 0 ? 1 : 0,
    s.headingConsistency,
    s.roles / 6,
    s.hasSources ? 1 : 0,
    Math.log1p(s.sourceEntries) / 3,
    s.sourceEntries === 0 ? 0 : s.sourceEntriesWithUrl / s.sourceEntries,
    s.sourceEntries === 0 ? 0 : s.sourceEntriesWithYear / s.sourceEntries,
    cap(s.meanUrlPath / 40, 2),
    cap(s.distinctHosts / 5, 2),
    cap(s.citations * per100, 5),
    Math.log1p(s.distinctCited) / 3,
    s.danglingShare,
    s.uncitedShare,
    s.citedSentenceShare,
    s.coverageMean,
    s.coverageMin,
    s.sentences === 0 ? 0 : cap(s.hedges / s.sentences, 2),
    cap(s.numbers * per100, 10) / 2,
    cap(s.years * per100, 5),
    cap(s.etAl / 3, 2),
    cap(s.properNouns * per100, 20) / 5,
    cap(s.contractions * per100, 5),
    cap(s.secondPerson * per100, 5),
    cap(s.firstPerson * per100, 5),
    cap(s.chatMarkers, 3),
    cap(s.exclamations, 3),
    s.nonEmptyLines === 0 ? 0 : s.listLines / s.nonEmptyLines,
    s.nonEmptyLines === 0 ? 0 : cap(s.boldMarkers / s.nonEmptyLines, 2),
    s.jsonLike || s.codeFence ? 1 : 0,
  ];
}
