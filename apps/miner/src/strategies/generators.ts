// Built-in generators: dummy (the upstream base miner's sentence), offline (a deterministic imitation of the
// validator's research report, no network) and llm (any OpenAI-compatible endpoint).
import type { TextBackend } from "@apex/llm";
import { type Generator, hashString, mulberry32 } from "./types.js";

/** The upstream base miner's fixed answer (macrocosm-os/apex miner.py). */
export const DUMMY_GENERATION = "This is a dummy generation from the base miner";

export function dummyGenerator(): Generator {
  return { name: "dummy", generate: () => DUMMY_GENERATION };
}

const STOP = new Set(
  "what which when where does should could would about between their there these those this that with from into over under have has been being will your them they than then also such much many more most some only very just the and for are was were how why who whom its our out can may might must each other".split(
    " ",
  ),
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

// Phrase banks written for this generator. Each slot gets a term of the query; the variety keeps bigram
// statistics close to a research report without copying any reference text.
const OPENERS = [
  "This report examines how {a} relates to {b}, drawing on the available literature and recent analyses",
  "The question concerns {a} and its interaction with {b}; the evidence reviewed here points to a qualified answer",
  "Available studies of {a} suggest that {b} plays a measurable but context-dependent role",
  "Taken together, current research on {a} indicates that {b} matters most under specific conditions",
];
const FINDINGS = [
  "{a} shows a consistent association with {b} across independent datasets",
  "the effect of {a} on {b} is strongest when baseline conditions are stable",
  "several reviews report that {a} can be explained only partly by {b}",
  "measurements of {a} vary widely, which limits direct comparison with {b}",
  "policy and practice around {a} have shifted as evidence on {b} accumulated",
  "models that include {a} predict {b} better than models that omit it",
  "the relationship between {a} and {b} appears nonlinear at higher levels",
  "long-term observations of {a} differ from short-term experimental results on {b}",
];
const EVIDENCE = [
  "A systematic review covering several decades of work on {a} found moderate agreement among studies",
  "Field data collected in multiple regions indicate that {b} changes when {a} is introduced",
  "Controlled experiments isolate part of the mechanism linking {a} with {b}",
  "Comparative analyses highlight differences in how {a} is defined and measured",
  "Survey evidence suggests practitioners weigh {b} heavily when assessing {a}",
  "Historical records provide context for current debates about {a}",
  "Quantitative estimates of the effect of {a} on {b} cluster within a relatively narrow range",
];
const LIMITS = [
  "Many studies of {a} rely on observational data, so causal claims remain tentative",
  "Definitions of {b} are inconsistent across sources, which complicates synthesis",
  "Publication bias may overstate the strength of findings on {a}",
  "Few sources address how {a} behaves outside the settings studied most often",
];
const CONCLUSIONS = [
  "On balance, the evidence supports a meaningful link between {a} and {b}, although its size depends on context",
  "The most defensible answer is that {a} shapes {b} in part, and further research should clarify the mechanisms",
  "Current knowledge favours a cautious conclusion: {a} influences {b}, but not uniformly",
];
const SITES = [
  "journals.example.org",
  "research.example.net",
  "data.example.com",
  "review.example.edu",
  "archive.example.org",
  "policy.example.int",
];
const KINDS = ["Review", "Study", "Report", "Analysis", "Survey", "Overview"];

function pick<T>(xs: readonly T[], rnd: () => number): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

function fill(template: string, terms: string[], rnd: () => number): string {
  return template.replace(/\{([ab])\}/g, (_, slot: string) =>
    slot === "a" ? terms[0]! : (terms[1 + Math.floor(rnd() * Math.max(1, terms.length - 1))] ?? terms[0]!),
  );
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Deterministic report in the validator's form: the five sections, inline [n] citations and a Sources list.
 * Deliberately imperfect (its own phrasing, citation pattern and source list shape), so discriminators that
 * look only at the form are fooled while a trained model can still catch some of it.
 */
export function offlineGeneration(query: string, seed = 0): string {
  const rnd = mulberry32(hashString(query) ^ seed);
  const terms = keyTerms(query);
  const nSources = 3 + Math.floor(rnd() * 5);
  const cite = () => `[${1 + Math.floor(rnd() * nSources)}]`;
  const sentence = (t: string) => `${cap(fill(t, terms, rnd))} ${cite()}.`;
  const shuffled = <T>(xs: readonly T[]) =>
    xs
      .map((x) => [rnd(), x] as const)
      .sort((p, q) => p[0] - q[0])
      .map(([, x]) => x);

  const out: string[] = [];
  out.push("Executive Summary");
  out.push(
    `${cap(fill(pick(OPENERS, rnd), terms, rnd))} ${cite()}. ${sentence(pick(CONCLUSIONS, rnd)).replace(/\.$/, ".")}`,
  );
  out.push("");
  out.push("Key Findings");
  const nFind = 3 + Math.floor(rnd() * 3);
  shuffled(FINDINGS)
    .slice(0, nFind)
    .forEach((f, i) => {
      out.push(rnd() < 0.5 ? `- ${sentence(f)}` : `${i + 1}. ${sentence(f)}`);
    });
  out.push("");
  out.push("Evidence");
  const nEv = 2 + Math.floor(rnd() * 3);
  out.push(
    shuffled(EVIDENCE)
      .slice(0, nEv)
      .map((e) => sentence(e))
      .join(" "),
  );
  out.push("");
  out.push("Limitations");
  out.push(
    shuffled(LIMITS)
      .slice(0, 2)
      .map((l) => sentence(l))
      .join(" "),
  );
  out.push("");
  out.push("Conclusion");
  out.push(sentence(pick(CONCLUSIONS, rnd)));
  out.push("");
  out.push("Sources");
  for (let i = 1; i <= nSources; i++) {
    const t = terms[(i - 1) % terms.length]!;
    const site = pick(SITES, rnd);
    out.push(`[${i}] ${cap(t)} ${pick(KINDS, rnd)} - https://${site}/${t.replace(/\s+/g, "-")}-${i}`);
  }
  return out.join("\n");
}

export function offlineGenerator(seed = 0): Generator {
  return { name: "offline", generate: (query) => offlineGeneration(query, seed) };
}

/** The prompt asks for the reference report form (apex-v3-reference §2.6) in plain text. */
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
  return (m ? m[1]! : text).trim();
}
