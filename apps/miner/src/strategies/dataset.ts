// Labelled examples the miner makes itself: texts in the validator's form (label 0) and texts that miner
// generator strategies produce (label 1). Used to train and to evaluate the learned discriminator.
import { DUMMY_GENERATION, type Glossary, keyTerms, offlineGeneration } from "./generators.js";
import type { Example } from "./learned.js";
import { mulberry32 } from "./types.js";

/** Produces the validator's reference report for a query (the offline reference pipeline). */
export type ReferenceSource = (query: string, seed: number) => string | Promise<string>;
/** Produces a miner's text for a query (label 1). */
export type MinerSource = (query: string, seed: number) => string | Promise<string>;
/** Produces a validator-style question; the default mixes these with built-in synthetic questions. */
export type QuerySource = (rnd: () => number) => string | Promise<string>;

const TOPICS = [
  "soil microbiome diversity",
  "urban heat islands",
  "battery recycling",
  "sleep deprivation",
  "coral reef bleaching",
  "remote work productivity",
  "antibiotic resistance",
  "microplastic pollution",
  "quantum error correction",
  "minimum wage policy",
  "glacier retreat",
  "language acquisition in children",
  "supply chain resilience",
  "groundwater depletion",
  "social media and adolescent wellbeing",
  "vertical farming",
  "carbon capture",
  "inflation expectations",
  "pollinator decline",
  "open-source software sustainability",
  "wildfire smoke exposure",
  "medieval trade routes",
  "gene drive technology",
  "public transit ridership",
];
const QUESTION_FORMS = [
  "How does {t} affect {u}, and what evidence supports the main explanations?",
  "What are the most important drivers of {t}, and how do they interact with {u}?",
  "Compare the leading explanations for {t} and assess how {u} changes the picture.",
  "To what extent can {u} be explained by {t}? Reason step by step.",
  "What would a careful analyst conclude about {t} given recent findings on {u}?",
];

/** A research-style question built from a seeded PRNG (the same seed gives the same question). */
export function syntheticQuery(rnd: () => number): string {
  const t = TOPICS[Math.floor(rnd() * TOPICS.length)]!;
  let u = TOPICS[Math.floor(rnd() * TOPICS.length)]!;
  if (u === t) u = TOPICS[(TOPICS.indexOf(t) + 1) % TOPICS.length]!;
  return QUESTION_FORMS[Math.floor(rnd() * QUESTION_FORMS.length)]!.replace("{t}", t).replace("{u}", u);
}

const PROSE = [
  "{a} is a complex topic with many interacting factors",
  "Researchers have long debated the role of {a} in shaping {b}",
  "It is important to note that {a} depends heavily on local conditions",
  "In short, {a} and {b} are closely connected, though the details vary",
  "Overall, the consensus is that {a} has a significant impact on {b}",
  "There are several key considerations when thinking about {a}",
  "Experts generally agree that more data on {b} is needed",
  "Ultimately, the answer depends on how one defines {a}",
];

function prose(terms: string[], rnd: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = PROSE[Math.floor(rnd() * PROSE.length)]!;
    const b = terms[1 + Math.floor(rnd() * Math.max(1, terms.length - 1))] ?? terms[0]!;
    out.push(`${t.replace("{a}", terms[0]!).replace("{b}", b)}.`);
  }
  return out.join(" ");
}

/** What a chat model asked for a report tends to write: Markdown headings, bold, bullets, link lists. */
function markdownReport(query: string, rnd: () => number): string {
  const terms = keyTerms(query);
  const parts = [`# ${query.replace(/[?.]$/, "")}`, "", "## Executive Summary", prose(terms, rnd, 2), ""];
  parts.push("## Key Findings");
  for (let i = 0; i < 3 + Math.floor(rnd() * 3); i++)
    parts.push(`- **${terms[i % terms.length]}**: ${prose(terms, rnd, 1)}`);
  parts.push("", "## Evidence", prose(terms, rnd, 3), "", "## Conclusion", prose(terms, rnd, 2));
  if (rnd() < 0.6) {
    parts.push("", "### Sources");
    for (let i = 1; i <= 3; i++) parts.push(`${i}. [${terms[i % terms.length]}](https://example.org/${i})`);
  }
  return parts.join("\n");
}

/** A plain chat answer: a few paragraphs, no sections, no citations. */
function plainAnswer(query: string, rnd: () => number): string {
  const terms = keyTerms(query);
  const paras = 1 + Math.floor(rnd() * 4);
  return Array.from({ length: paras }, () => prose(terms, rnd, 2 + Math.floor(rnd() * 4))).join("\n\n");
}

/** A numbered list of points, a frequent shape of short model answers. */
function listAnswer(query: string, rnd: () => number): string {
  const terms = keyTerms(query);
  const lines = [`Here are the main points about ${terms[0]}:`, ""];
  for (let i = 1; i <= 3 + Math.floor(rnd() * 4); i++) lines.push(`${i}. ${prose(terms, rnd, 1)}`);
  lines.push("", prose(terms, rnd, 1));
  return lines.join("\n");
}

/** A report with the right headings but no citations or sources (a careless imitation). */
function uncitedReport(query: string, rnd: () => number): string {
  const terms = keyTerms(query);
  return ["Executive Summary", "Key Findings", "Evidence", "Limitations", "Conclusion"]
    .map((h) => `${h}\n${prose(terms, rnd, 2 + Math.floor(rnd() * 2))}`)
    .join("\n\n");
}

export interface DatasetOptions {
  examples: number;
  seed: number;
  reference: ReferenceSource;
  /** Extra label-1 producers, e.g. an llm generator's offline output. */
  minerSources?: MinerSource[];
  /** Questions like the validator's; used for half of the examples when given. */
  queries?: QuerySource;
  glossary?: Glossary;
}

/**
 * Half references (label 0), half miner texts (label 1). Miner texts rotate through dummy, this miner's
 * offline generator (under different seeds), Markdown, plain, list and uncited variants.
 */
export async function makeDataset(opts: DatasetOptions): Promise<Example[]> {
  const rnd = mulberry32(opts.seed);
  const miners: MinerSource[] = [
    (q, s) => offlineGeneration(q, s, opts.glossary),
    (q, s) => offlineGeneration(q, s, opts.glossary),
    () => DUMMY_GENERATION,
    (q) => markdownReport(q, rnd),
    (q) => plainAnswer(q, rnd),
    (q) => listAnswer(q, rnd),
    (q) => uncitedReport(q, rnd),
    ...(opts.minerSources ?? []),
  ];
  const out: Example[] = [];
  for (let i = 0; i < opts.examples; i++) {
    const query = opts.queries && rnd() < 0.5 ? await opts.queries(rnd) : syntheticQuery(rnd);
    const seed = Math.floor(rnd() * 2 ** 31);
    if (i % 2 === 0) out.push({ query, generation: await opts.reference(query, seed), label: 0 });
    else {
      const make = miners[Math.floor(rnd() * miners.length)]!;
      out.push({ query, generation: await make(query, seed), label: 1 });
    }
  }
  return out;
}
