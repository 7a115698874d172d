// Labelled examples the miner makes itself: texts in the validator's form (label 0) and texts that miner
// generator strategies produce (label 1). Used to train and to evaluate the learned discriminator.
import { itemAt, pickWith } from "@apex/protocol";
import { DUMMY_GENERATION, type Glossary, offlineGeneration } from "./generators.js";
import type { Example } from "./learned.js";
import { minerAnswer, reportImitation, variedReference } from "./training-texts.js";
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

const CONTEXTS = [
  "",
  "Debates about {t} have intensified over the past decade. ",
  "Recent work on {t} has produced conflicting results, and {u} is often part of the argument. ",
  "Policymakers increasingly cite {t} when discussing {u}. ",
];
const FOLLOW_UPS = [
  "",
  " What are the main criticisms of this view?",
  " Which interventions have shown real promise?",
  " How reliable is the evidence, and what remains uncertain?",
];

/** A research-style question built from a seeded PRNG (the same seed gives the same question). */
export function syntheticQuery(rnd: () => number): string {
  const pickFrom = (xs: readonly string[]) => pickWith(rnd, xs, "syntheticQuery");
  const t = pickFrom(TOPICS);
  let u = pickFrom(TOPICS);
  if (u === t) u = itemAt(TOPICS, (TOPICS.indexOf(t) + 1) % TOPICS.length, "syntheticQuery");
  const fill = (s: string) =>
    s
      .replace("{T}", t.charAt(0).toUpperCase() + t.slice(1))
      .replace("{t}", t)
      .replace("{u}", u);
  return fill(pickFrom(CONTEXTS) + pickFrom(QUESTION_FORMS) + pickFrom(FOLLOW_UPS)).trim();
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
 * Half references (label 0), half miner texts (label 1). References: the validator's offline pipeline (a third) and
 * researched reports in many layouts (training-texts.ts). Miner texts: fast answers of many shapes, report
 * imitations in the same layouts as the references, this miner's offline generator, the dummy sentence, and any
 * extra sources (e.g. an offline LLM's report).
 */
export async function makeDataset(opts: DatasetOptions): Promise<Example[]> {
  const rnd = mulberry32(opts.seed);
  // The first source also takes the rare draw that rounding leaves past the last weight.
  const first: [number, MinerSource] = [10, (q) => minerAnswer(q, rnd)];
  const weighted: Array<[number, MinerSource]> = [
    first,
    [4, (q) => reportImitation(q, rnd)],
    [2, (q, s) => offlineGeneration(q, s, opts.glossary)],
    [1, () => DUMMY_GENERATION],
    ...(opts.minerSources ?? []).map((m): [number, MinerSource] => [2, m]),
  ];
  const total = weighted.reduce((a, [w]) => a + w, 0);
  const minerText = (q: string, s: number) => {
    let r = rnd() * total;
    for (const [w, m] of weighted) {
      r -= w;
      if (r < 0) return m(q, s);
    }
    return first[1](q, s);
  };
  const out: Example[] = [];
  for (let i = 0; i < opts.examples; i++) {
    const query = opts.queries && rnd() < 0.5 ? await opts.queries(rnd) : syntheticQuery(rnd);
    const seed = Math.floor(rnd() * 2 ** 31);
    if (i % 2 === 0) {
      const generation = rnd() < 1 / 3 ? await opts.reference(query, seed) : variedReference(query, rnd);
      out.push({ query, generation, label: 0 });
    } else out.push({ query, generation: await minerText(query, seed), label: 1 });
  }
  return out;
}
