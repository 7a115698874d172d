// Varied training texts for the learned discriminator: researched references (label 0) and fast answers (label 1)
// in many layouts, registers and lengths, built from one shared pool of claims so that wording cannot tell the
// classes apart — only what a researched report does differently can (citations that match a sources list with
// real-looking URLs, coverage, specificity, length, register). Miner texts include report imitations in every
// reference layout. Deterministic from the PRNG passed in.
import { itemAt, pickWith } from "@apex/protocol";
import { keyTerms } from "./generators.js";

type Rnd = () => number;

const pick = <T>(xs: readonly T[], rnd: Rnd): T => pickWith(rnd, xs, "training texts");
const int = (lo: number, hi: number, rnd: Rnd) => lo + Math.floor(rnd() * (hi - lo + 1));
const cap = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

const PLACES = [
  "Denmark",
  "Kenya",
  "Brazil",
  "Ontario",
  "Japan",
  "Chile",
  "Bavaria",
  "Texas",
  "India",
  "Scotland",
];
const ORGS = [
  "the WHO",
  "the OECD",
  "the World Bank",
  "NASA",
  "the IEA",
  "the CDC",
  "Eurostat",
  "the IPCC",
  "UNESCO",
];
const SURNAMES = [
  "Okafor",
  "Lindqvist",
  "Moreau",
  "Tanaka",
  "Reyes",
  "Hoffmann",
  "Nguyen",
  "Patel",
  "Carvalho",
];
const HOSTS = [
  "www.nature.com/articles",
  "www.sciencedirect.com/science/article/pii",
  "pmc.ncbi.nlm.nih.gov/articles",
  "www.nber.org/papers",
  "journals.plos.org/plosone/article",
  "www.who.int/publications/i/item",
  "en.wikipedia.org/wiki",
  "www.reuters.com/world",
  "arxiv.org/abs",
  "www.oecd.org/en/publications",
  "www.brookings.edu/articles",
  "academic.oup.com/journal/article",
  "www.pnas.org/doi",
  "www.gov.uk/government/publications",
  "www.science.org/doi",
  "link.springer.com/article",
];
const JOURNALS = [
  "Nature",
  "Science",
  "The Lancet",
  "PNAS",
  "Journal of Economic Perspectives",
  "PLOS ONE",
  "BMJ",
];

/** One claim about the query's terms; `specific` adds the numbers, years and names researched texts carry. */
function claim(a: string, b: string, specific: boolean, rnd: Rnd): string {
  const y = int(1995, 2025, rnd);
  const p = `${int(3, 70, rnd)}%`;
  if (specific) {
    return pick(
      [
        `A ${y} study in ${pick(PLACES, rnd)} found that ${a} changed ${b} by about ${p}`,
        `${pick(SURNAMES, rnd)} et al. (${y}) reported that ${a} explains roughly ${p} of the variation in ${b}`,
        `Data from ${pick(ORGS, rnd)} show ${int(2, 900, rnd)} cases linking ${a} and ${b} between ${y - int(3, 15, rnd)} and ${y}`,
        `${cap(pick(ORGS, rnd))} estimates that ${a} affects ${int(2, 90, rnd)} million people through ${b}`,
        `A trial of ${int(40, 5000, rnd)} participants found ${a} reduced ${b} by ${p}, although the effect faded after ${int(2, 24, rnd)} months`,
        `Between ${y - 10} and ${y}, measures of ${b} rose by ${p} in regions where ${a} was common`,
        `Work at ${pick(["MIT", "Oxford", "ETH Zurich", "Tsinghua", "Stanford", "the Max Planck Society"], rnd)} links ${a} to ${b}, with effects of ${p} in the largest samples`,
      ],
      rnd,
    );
  }
  return pick(
    [
      `${a} is associated with ${b} in most of the work on the subject`,
      `the effect of ${a} on ${b} is smaller once other factors are taken into account`,
      `evidence on ${a} comes mostly from observational data, which limits causal claims about ${b}`,
      `studies of ${a} report mixed effects on ${b}`,
      `${a} matters most where ${b} is already under pressure`,
      `experts disagree about how strongly ${a} drives ${b}`,
      `${a} and ${b} tend to move together, though the direction of the link is debated`,
      `changes in ${a} usually show up in ${b} only after a delay`,
      `the main mechanism connecting ${a} to ${b} is still being studied`,
    ],
    rnd,
  );
}

const HEDGED = [
  "it is likely that",
  "the evidence suggests that",
  "it appears that",
  "probably",
  "it may be that",
];

/** A claim as a sentence, hedged sometimes, casual when asked (contractions, "you", asides). */
function sentence(terms: string[], rnd: Rnd, o: { specific: number; casual: number }): string {
  const a = pick(terms, rnd);
  let b = pick(terms, rnd);
  if (b === a) b = itemAt(terms, (terms.indexOf(a) + 1) % terms.length);
  let s = claim(a, b, rnd() < o.specific, rnd);
  if (rnd() < 0.25) s = `${pick(HEDGED, rnd)} ${s.replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase())}`;
  if (rnd() < o.casual) {
    s = s
      .replace(/\bis not\b/g, "isn't")
      .replace(/\bdoes not\b/g, "doesn't")
      .replace(/\bit is\b/g, "it's");
    s = pick(
      [
        `${s}`,
        `Basically, ${s}`,
        `If you look at ${a}, ${s}`,
        `${s}, which you'd expect`,
        `Honestly, ${s}`,
        `${s} – that's the short version`,
        `It's worth knowing that ${s}`,
      ],
      rnd,
    );
  }
  return `${cap(s)}.`;
}

function sentences(n: number, terms: string[], rnd: Rnd, o: { specific: number; casual: number }): string[] {
  return Array.from({ length: n }, () => sentence(terms, rnd, o));
}

// ---- layouts shared by references and report imitations ----

const ROLE_SETS: string[][] = [
  ["Executive Summary", "Key Findings", "Evidence", "Limitations", "Conclusion"],
  ["Executive Summary", "Key Findings", "Evidence", "Limitations", "Conclusion"],
  ["Summary", "Main Findings", "Analysis", "Caveats", "Bottom Line"],
  ["Overview", "Background", "Discussion", "Uncertainties", "Conclusion"],
  ["Abstract", "Findings", "Evidence", "Limitations", "Conclusions"],
  ["TL;DR", "What the research shows", "Detailed analysis", "What we don't know", "Bottom line"],
  ["Introduction", "Results", "Discussion", "Open questions", "Assessment"],
];
type HeadStyle = "plain" | "md" | "bold" | "caps" | "numbered" | "colon" | "inline";
const HEAD_STYLES: HeadStyle[] = ["plain", "plain", "md", "bold", "caps", "numbered", "colon", "inline"];

function heading(name: string, style: HeadStyle, i: number): string {
  switch (style) {
    case "md":
      return `## ${name}`;
    case "bold":
      return `**${name}**`;
    case "caps":
      return name.toUpperCase();
    case "numbered":
      return `${i + 1}. ${name}`;
    case "colon":
      return `${name}:`;
    default:
      return name;
  }
}

interface Layout {
  roles: string[];
  style: HeadStyle;
  sourcesName: string;
  bullet: string;
  blankLines: boolean;
  title: boolean;
}

function randomLayout(query: string, rnd: Rnd): Layout {
  let roles = pick(ROLE_SETS, rnd);
  // Sometimes the sections follow the query's own questions.
  const qs = query.split(/(?<=\?)\s+/).filter((q) => q.endsWith("?"));
  if (qs.length >= 2 && rnd() < 0.15) {
    roles = [
      "Summary",
      ...qs.slice(0, 3).map((q) => q.replace(/\?$/, "").split(/\s+/).slice(0, 6).join(" ")),
      "Conclusion",
    ];
  }
  if (rnd() < 0.2) roles = roles.filter((_, i) => i !== 3);
  return {
    roles,
    style: pick(HEAD_STYLES, rnd),
    sourcesName: pick(["Sources", "Sources", "References", "Sources", "Bibliography"], rnd),
    bullet: pick(["- ", "• ", "* ", "– ", "1. ", "(1) ", ""], rnd),
    blankLines: rnd() < 0.75,
    title: rnd() < 0.25,
  };
}

type CiteStyle = "bracket" | "double" | "list" | "paren";

function citeMark(nums: number[], style: CiteStyle): string {
  if (style === "double") return nums.map((n) => `[${n}]`).join("");
  if (style === "list") return `[${nums.join(", ")}]`;
  if (style === "paren") return `(${nums.join(", ")})`;
  return nums.map((n) => `[${n}]`).join(" ");
}

function slug(words: string[], rnd: Rnd): string {
  const w = words.map((x) => x.replace(/\s+/g, "-"));
  return pick(
    [
      `${w.join("-")}-${int(2000, 2025, rnd)}`,
      `s${int(41000, 41599, rnd)}-0${int(20, 25, rnd)}-${int(10000, 99999, rnd)}-${int(1, 9, rnd)}`,
      `10.${int(1000, 9999, rnd)}/${w[0]}.${int(100, 999, rnd)}${int(10, 99, rnd)}`,
      `PMC${int(1000000, 9999999, rnd)}`,
      cap(w.join("_")),
    ],
    rnd,
  );
}

/** A sources list entry; `quality` decides between real-looking URLs, shallow fake ones, and none. */
function sourceEntry(
  i: number,
  terms: string[],
  rnd: Rnd,
  format: number,
  quality: "real" | "shallow" | "none",
): string {
  const t = cap(pick(terms, rnd));
  const u = pick(terms, rnd);
  const title = pick(
    [
      `${t} and ${u}: evidence from ${pick(PLACES, rnd)}`,
      `The effect of ${t.toLowerCase()} on ${u}`,
      `${t}: a systematic review`,
      `Understanding ${u} — ${t.toLowerCase()} in context`,
      `${t} report ${int(2015, 2025, rnd)}`,
    ],
    rnd,
  );
  const url =
    quality === "real"
      ? `https://${pick(HOSTS, rnd)}/${slug([t.toLowerCase(), u], rnd)}`
      : quality === "shallow"
        ? pick(
            [
              `https://www.example.com/${i}`,
              `https://${u.replace(/\s+/g, "")}.org`,
              `www.${pick(ORGS, rnd).replace(/^the /, "").toLowerCase()}.org`,
            ],
            rnd,
          )
        : "";
  const who = `${pick(SURNAMES, rnd)}, ${String.fromCharCode(65 + int(0, 25, rnd))}.`;
  const year = int(1998, 2025, rnd);
  const tail = url ? pick([` — ${url}`, ` - ${url}`, `: ${url}`, `. ${url}`], rnd) : "";
  switch (format) {
    case 0:
      return `[${i}] ${title}${tail}`;
    case 1:
      return `${i}. ${who} (${year}). ${title}. ${pick(JOURNALS, rnd)}.${url ? ` ${url}` : ""}`;
    case 2:
      return `- [${i}] ${title}${tail}`;
    case 3:
      return `(${i}) ${title}${tail}`;
    default:
      return `[${i}] ${who} et al. (${year}). ${title}. ${pick(JOURNALS, rnd)}${tail}`;
  }
}

export interface ReportOptions {
  /** 0..1: share of claims with numbers, years and names. */
  specific: number;
  /** Sentences per prose section. */
  perSection: [number, number];
  sources: [number, number];
  /** Share of sentences that carry a citation. */
  citeRate: number;
  /** How the citations relate to the list: matching, numbers beyond the list, or no list at all. */
  citations: "matching" | "dangling" | "none" | "no-list";
  urls: "real" | "shallow" | "none";
  casual: number;
}

/** A report in a random layout; references and imitations differ only in the options. */
export function reportText(query: string, rnd: Rnd, o: ReportOptions): string {
  const terms = keyTerms(query);
  const L = randomLayout(query, rnd);
  const nSources = int(o.sources[0], o.sources[1], rnd);
  const style = pick<CiteStyle>(["bracket", "bracket", "bracket", "double", "list", "paren"], rnd);
  const cite = (s: string): string => {
    if (o.citations === "none" || rnd() >= o.citeRate) return s;
    const top = o.citations === "dangling" ? nSources + 4 : nSources;
    const first = int(1, top, rnd);
    const nums = [first];
    if (rnd() < 0.3) nums.push(Math.min(top, first + int(1, 2, rnd)));
    return s.replace(/\.$/, ` ${citeMark(nums, style)}.`);
  };
  const para = (n: number) =>
    sentences(n, terms, rnd, { specific: o.specific, casual: o.casual }).map(cite).join(" ");
  const out: string[] = [];
  if (L.title)
    out.push(
      rnd() < 0.5
        ? `# ${cap(terms.slice(0, 3).join(", "))}`
        : `Report: ${cap(itemAt(terms, 0))} and ${terms[1] ?? "its context"}`,
    );
  L.roles.forEach((role, i) => {
    const n = int(o.perSection[0], o.perSection[1], rnd);
    const listy = i === 1 && rnd() < 0.7;
    const body = listy
      ? sentences(Math.max(2, n), terms, rnd, { specific: o.specific, casual: o.casual })
          .map(cite)
          .map((s, k) => `${L.bullet.replace("1", String(k + 1))}${s}`)
          .join("\n")
      : para(n);
    if (L.style === "inline") out.push(`${role}: ${body}`);
    else out.push(`${heading(role, L.style, i)}\n${body}`);
  });
  // Imitations without citations still carry a sources list now and then.
  const withList =
    o.citations === "matching" || o.citations === "dangling" || (o.citations === "none" && rnd() < 0.3);
  if (withList) {
    const format = int(0, 4, rnd);
    const list = Array.from({ length: nSources }, (_, k) => sourceEntry(k + 1, terms, rnd, format, o.urls));
    const head =
      L.style === "inline"
        ? `${L.sourcesName}:`
        : heading(L.sourcesName, L.style === "numbered" ? "plain" : L.style, 0);
    out.push(`${head}\n${list.join("\n")}`);
  }
  return out.join(L.blankLines ? "\n\n" : "\n");
}

/** A researched reference in one of many layouts: long, specific, every citation backed by a real-looking source. */
export function variedReference(query: string, rnd: Rnd): string {
  return reportText(query, rnd, {
    specific: 0.2 + rnd() * 0.55,
    perSection: [2, 6],
    sources: [4, 14],
    citeRate: 0.45 + rnd() * 0.5,
    citations: "matching",
    urls: rnd() < 0.93 ? "real" : "none",
    casual: 0,
  });
}

const IMITATIONS: Array<Partial<ReportOptions>> = [
  { citations: "none" },
  { citations: "no-list" },
  { citations: "matching", urls: "none" },
  { citations: "matching", urls: "shallow" },
  { citations: "dangling", urls: "real" },
  { citations: "matching", urls: "real", perSection: [1, 2], sources: [2, 5] },
];

/** A miner's answer dressed as a report: the sections, and some but not all of what backs a real one. */
export function reportImitation(query: string, rnd: Rnd): string {
  const kind = pick(IMITATIONS, rnd);
  return reportText(query, rnd, {
    specific: rnd() * 0.5,
    perSection: [1, 3],
    sources: [2, 6],
    citeRate: 0.3 + rnd() * 0.5,
    citations: "none",
    urls: "none",
    casual: rnd() < 0.2 ? 0.3 : 0,
    ...kind,
  });
}

const OPENERS = ["Great question! ", "Sure! ", "Happy to help. ", "Good question. ", "", "", ""];
const CLOSERS = [
  "Let me know if you'd like more detail on any of these points!",
  "Hope this helps!",
  "Feel free to ask if you want sources.",
  "In short, it depends on the context.",
  "",
];

/** A fast answer: one of many shapes a chat model or a quick miner returns. */
export function minerAnswer(query: string, rnd: Rnd): string {
  const terms = keyTerms(query);
  const o = { specific: rnd() * 0.5, casual: rnd() * 0.8 };
  const s = (n: number) => sentences(n, terms, rnd, o);
  const questions = query.split(/(?<=\?)\s+/).filter((q) => q.endsWith("?"));
  switch (int(0, 10, rnd)) {
    case 0:
      return s(int(1, 3, rnd)).join(" ");
    case 1:
      return Array.from({ length: int(1, 4, rnd) }, () => s(int(2, 6, rnd)).join(" ")).join("\n\n");
    case 2: {
      const b = pick(["- ", "• ", "* ", "1. "], rnd);
      const lead = rnd() < 0.5 ? `**${cap(pick(terms, rnd))}**: ` : "";
      return [
        `${s(1)[0]}`,
        "",
        ...s(int(3, 7, rnd)).map((x, k) => `${b.replace("1", String(k + 1))}${lead}${x}`),
      ].join("\n");
    }
    case 3:
      return `${pick(OPENERS, rnd)}${s(int(2, 5, rnd)).join(" ")}\n\n${pick(CLOSERS, rnd)}`.trim();
    case 4: {
      const heads = pick(
        [
          ["Overview", "Key points", "Conclusion"],
          ["Short answer", "Why", "What to do"],
          ["Background", "Main factors", "Bottom line"],
        ],
        rnd,
      );
      const md = rnd() < 0.6;
      return heads.map((h) => `${md ? `## ${h}` : `**${h}**`}\n${s(int(1, 4, rnd)).join(" ")}`).join("\n\n");
    }
    case 5:
      return (questions.length > 0 ? questions : [query])
        .map((q) => `**${q.trim()}**\n${s(int(1, 3, rnd)).join(" ")}`)
        .join("\n\n");
    case 6:
      return rnd() < 0.5
        ? JSON.stringify({ answer: s(int(2, 5, rnd)).join(" ") })
        : `\`\`\`\n${s(int(2, 4, rnd)).join("\n")}\n\`\`\``;
    case 7:
      return `${pick(["I'm not able to give professional advice, but", "As an AI, I can only share general information, but", "I can't be certain here, but"], rnd)} ${s(
        int(1, 3, rnd),
      )
        .join(" ")
        .replace(/^./, (c) => c.toLowerCase())}`;
    case 8:
      return [
        ...Array.from({ length: int(3, 6, rnd) }, () => s(int(3, 6, rnd)).join(" ")),
        `In conclusion, ${itemAt(s(1), 0).replace(/^./, (c) => c.toLowerCase())}`,
      ].join("\n\n");
    case 9: {
      const rows = Array.from({ length: int(2, 5, rnd) }, () => `| ${cap(pick(terms, rnd))} | ${s(1)[0]} |`);
      return [
        s(1)[0],
        "",
        "| Factor | Why it matters |",
        "|---|---|",
        ...rows,
        "",
        s(int(1, 2, rnd)).join(" "),
      ].join("\n");
    }
    default:
      return reportImitation(query, rnd);
  }
}
