// Where the localnet validators' references come from, so the game is not circular:
// - by default, a reference writer of the localnet's own (its templates, layouts and variation are written here,
//   apart from the miner's training texts, and follow the spread of real deep-research reports: mostly the five
//   requested sections, decorated in different ways, long, specific and cited against a sources list);
// - `--reference-corpus FILE.jsonl` replays recorded references (label-0 lines of {query, generation}), queries
//   and all, so a CI run can use realistic references without an API key;
// - with `--llm-base-url`, the validator's real research pipeline, and `--record-references FILE` appends each
//   reference it writes to FILE in the corpus format.
import { appendFileSync, readFileSync } from "node:fs";
import { mulberry32, pickWith } from "@apex/protocol";
import type { QueryMaker, Researcher } from "@apex/validator";

export interface ReferenceSource {
  makeQuery?: QueryMaker;
  research?: Researcher;
  recordReference?: (query: string, reference: string) => void;
  /** For the report: where references came from. */
  label: string;
}

type Rnd = () => number;
const choose = <T>(xs: readonly T[], rnd: Rnd): T => pickWith(rnd, xs, "localnet reference writer");
const between = (lo: number, hi: number, rnd: Rnd) => lo + Math.floor(rnd() * (hi - lo + 1));
const upper = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const SKIP = new Set(
  (
    "what which when where does should could would about between their there these those this that with from " +
    "into have has been being will them they than then also such much many more most some only very just the and " +
    "for are was were how why who its can may might must each other consider explain given question suppose " +
    "answer describe discuss evidence role factors effect effects affect impact"
  ).split(" "),
);

function topics(query: string): string[] {
  const out: string[] = [];
  for (const w of query.toLowerCase().match(/[a-z][a-z-]{3,}/g) ?? []) {
    if (!SKIP.has(w) && !out.includes(w)) out.push(w);
    if (out.length === 8) break;
  }
  return out.length >= 2 ? out : [...out, "the system", "its context"];
}

const INSTITUTES = [
  "University of Toronto",
  "Karolinska Institutet",
  "CSIRO",
  "the RAND Corporation",
  "INSERM",
];
const AGENCIES = [
  "UNEP",
  "the European Environment Agency",
  "the US Census Bureau",
  "the ILO",
  "Statistics Canada",
];
const AUTHORS = [
  "Abernathy",
  "Bjornsson",
  "Castellano",
  "Dlamini",
  "Ekwueme",
  "Fujimoto",
  "Galloway",
  "Haddad",
];
const SITES = [
  "www.nature.com/articles/s41467-0",
  "www.thelancet.com/journals/lancet/article/PIIS0140-6736",
  "www.journals.uchicago.edu/doi/10.1086/",
  "www.ncbi.nlm.nih.gov/pmc/articles/PMC",
  "www.iea.org/reports/",
  "www.imf.org/en/Publications/WP/Issues/",
  "www.annualreviews.org/doi/10.1146/annurev-",
  "www.cambridge.org/core/journals/",
  "www.rand.org/pubs/research_reports/RR",
  "www.un.org/en/desa/",
];

function claim(a: string, b: string, rnd: Rnd): string {
  const year = between(1998, 2025, rnd);
  const pct = between(4, 62, rnd);
  return choose(
    [
      `Longitudinal data collected by ${choose(AGENCIES, rnd)} between ${year - between(4, 12, rnd)} and ${year} indicate that ${a} accounts for about ${pct}% of observed changes in ${b}`,
      `${choose(AUTHORS, rnd)} and colleagues (${year}) compared ${between(3, 40, rnd)} regions and found that ${b} responded to ${a} only when baseline conditions were favourable`,
      `A meta-analysis of ${between(12, 180, rnd)} studies estimated a pooled effect of ${a} on ${b} of roughly ${pct} percent, with substantial heterogeneity`,
      `Researchers at ${choose(INSTITUTES, rnd)} reported in ${year} that interventions targeting ${a} shifted ${b} within ${between(6, 36, rnd)} months`,
      `The relationship between ${a} and ${b} is weaker in randomised evaluations than in observational comparisons`,
      `Most assessments treat ${a} as one of several interacting drivers of ${b} rather than a single cause`,
      `Measurement of ${b} differs across jurisdictions, which complicates comparisons of how ${a} operates`,
      `Reviews published since ${year} emphasise that the effect of ${a} depends on local institutions and on how ${b} is measured`,
    ],
    rnd,
  );
}

interface Decoration {
  heading: (name: string, index: number) => string;
  cite: (ns: number[]) => string;
  entry: (n: number, title: string, url: string, rnd: Rnd) => string;
  gap: string;
}

const DECORATIONS: Array<() => Decoration> = [
  () => ({
    heading: (n) => n,
    cite: (ns) => ns.map((x) => `[${x}]`).join(""),
    entry: (n, t, u) => `[${n}] ${t} - ${u}`,
    gap: "\n\n",
  }),
  () => ({
    heading: (n) => `## ${n}`,
    cite: (ns) => `[${ns.join(", ")}]`,
    entry: (n, t, u) => `${n}. ${t}. ${u}`,
    gap: "\n\n",
  }),
  () => ({
    heading: (n) => `**${n}**`,
    cite: (ns) => ns.map((x) => `[${x}]`).join(" "),
    entry: (n, t, u, rnd) => `[${n}] ${choose(AUTHORS, rnd)} et al. ${t}. ${u}`,
    gap: "\n\n",
  }),
  () => ({
    heading: (n, i) => `${i + 1}. ${n}`,
    cite: (ns) => ns.map((x) => `[${x}]`).join(""),
    entry: (n, t, u) => `[${n}] ${t} (${u})`,
    gap: "\n",
  }),
  () => ({
    heading: (n) => `${n}:`,
    cite: (ns) => `[${ns.join("; ")}]`,
    entry: (n, t, u) => `[${n}] "${t}", ${u}`,
    gap: "\n\n",
  }),
];

/** A deep-research-style report for `query`, deterministic for (query, seed), written by the localnet. */
export function writeReference(query: string, seed: number): string {
  let h = seed >>> 0;
  for (let i = 0; i < query.length; i++) h = Math.imul(h ^ query.charCodeAt(i), 0x9e3779b1) >>> 0;
  const rnd = mulberry32(h);
  const t = topics(query);
  const d = choose(DECORATIONS, rnd)();
  const nSources = between(6, 16, rnd);
  const sentence = () => {
    const a = choose(t, rnd);
    let b = choose(t, rnd);
    if (b === a) b = t[(t.indexOf(a) + 1) % t.length] ?? a;
    const cites = [between(1, nSources, rnd)];
    if (rnd() < 0.35) cites.push(between(1, nSources, rnd));
    const text = claim(a, b, rnd);
    return rnd() < 0.8
      ? `${upper(text)} ${d.cite([...new Set(cites)].sort((x, y) => x - y))}.`
      : `${upper(text)}.`;
  };
  const para = (lo: number, hi: number) => Array.from({ length: between(lo, hi, rnd) }, sentence).join(" ");
  // Real reports follow the requested five sections nearly always; some add one of their own.
  const sections: Array<[string, string]> = [
    ["Executive Summary", para(3, 5)],
    [
      "Key Findings",
      Array.from({ length: between(3, 6, rnd) }, (_, i) =>
        rnd() < 0.5 ? `${i + 1}. ${sentence()}` : `- ${sentence()}`,
      ).join("\n"),
    ],
    ["Evidence", `${para(3, 6)}\n\n${para(2, 5)}`],
    ["Limitations", para(2, 4)],
    ["Conclusion", para(2, 3)],
  ];
  if (rnd() < 0.2) sections.splice(2, 0, ["Background", para(2, 4)]);
  const sources = Array.from({ length: nSources }, (_, k) => {
    const a = upper(choose(t, rnd));
    const title = choose(
      [
        `${a} and ${choose(t, rnd)}: a review`,
        `Trends in ${choose(t, rnd)}`,
        `${a} report ${between(2012, 2025, rnd)}`,
      ],
      rnd,
    );
    const url = `https://${choose(SITES, rnd)}${between(10_000, 99_999, rnd)}-${choose(t, rnd)}`;
    return d.entry(k + 1, title, url, rnd);
  });
  const body = sections.map(([name, text], i) => `${d.heading(name, i)}\n${text}`);
  body.push(`${d.heading("Sources", sections.length)}\n${sources.join("\n")}`);
  return body.join(d.gap);
}

/** The default: the localnet's own writer (the validator's query maker still makes the questions). */
export function offlineReferenceSource(seed: number): ReferenceSource {
  let n = 0;
  return {
    label: "offline reference writer (apps/localnet/src/references.ts)",
    research: async (query) => writeReference(query, seed + n++),
  };
}

export interface CorpusEntry {
  query: string;
  generation: string;
}

/** Reads the label-0 lines of a JSONL corpus ({query, generation, label}); other lines are ignored. */
export function parseCorpus(text: string, source: string): CorpusEntry[] {
  const out: CorpusEntry[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${source}:${i + 1} is not JSON`);
    }
    if (typeof o.query !== "string" || typeof o.generation !== "string") {
      throw new Error(`${source}:${i + 1} must be {"query": string, "generation": string, "label": 0}`);
    }
    if (o.label === undefined || o.label === 0 || o.label === "0") {
      out.push({ query: o.query, generation: o.generation });
    }
  });
  if (out.length === 0) throw new Error(`${source} has no references (lines with "label": 0)`);
  return out;
}

/**
 * Replays a corpus: each query the validator asks is the next corpus entry's (in a seeded order), and the
 * reference for it is that entry's text. Several validators share one cursor, so they replay different entries.
 */
export function corpusReferenceSource(entries: CorpusEntry[], seed: number, source: string): ReferenceSource {
  const rnd = mulberry32(seed);
  const order = entries
    .map((e) => [rnd(), e] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, e]) => e);
  const byQuery = new Map<string, string[]>();
  for (const e of entries) byQuery.set(e.query, [...(byQuery.get(e.query) ?? []), e.generation]);
  let next = 0;
  let lastAsked: CorpusEntry | undefined;
  return {
    label: `recorded corpus ${source} (${entries.length} references)`,
    makeQuery: async () => {
      const entry = order[next++ % order.length];
      if (!entry) throw new Error(`recorded corpus ${source} has no references`);
      lastAsked = entry;
      return entry.query;
    },
    research: async (query) => {
      if (lastAsked?.query === query) return lastAsked.generation;
      const [text] = byQuery.get(query) ?? [];
      if (text === undefined)
        throw new Error(`no recorded reference for query ${JSON.stringify(query.slice(0, 60))}`);
      return text;
    },
  };
}

/** Appends each reference the validator writes to `path` as a corpus line (for --record-references). */
export function referenceRecorder(
  path: string,
  append: (path: string, line: string) => void = appendFileSync,
): (query: string, reference: string) => void {
  return (query, generation) => append(path, `${JSON.stringify({ query, generation, label: 0 })}\n`);
}

/** The reference source a run's options ask for (one for all validators). */
export function referenceSourceFor(
  o: {
    referenceCorpus: string | null;
    recordReferences: string | null;
    llmBaseUrl: string | null;
    llmModel: string;
    seed: number;
  },
  readFile: (path: string) => string = (p) => readFileSync(p, "utf8"),
): ReferenceSource {
  if (o.referenceCorpus) {
    let text: string;
    try {
      text = readFile(o.referenceCorpus);
    } catch (err) {
      throw new Error(`cannot read --reference-corpus ${o.referenceCorpus}: ${(err as Error).message}`);
    }
    return corpusReferenceSource(parseCorpus(text, o.referenceCorpus), o.seed, o.referenceCorpus);
  }
  if (o.llmBaseUrl) {
    return {
      label: `deep research by ${o.llmModel} at ${o.llmBaseUrl}`,
      recordReference: o.recordReferences ? referenceRecorder(o.recordReferences) : undefined,
    };
  }
  return offlineReferenceSource(o.seed);
}
