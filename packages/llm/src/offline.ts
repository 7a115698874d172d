// OfflineBackend: deterministic text with no network. It recognises what it is asked for from the messages
// (query generation, a research-agent step, the final report, anything else) and answers in that form.
import { QUERY_TASK_MARKER, REPORT_SECTIONS, REPORT_TASK_MARKER, STEP_TASK_MARKER } from "./prompts.js";
import { hashString, pick, type Rng, randInt, seededRandom } from "./random.js";
import { OfflineWebSearch } from "./search.js";
import { capitalize, contentWords, fill, sentence, topicsFor } from "./text.js";
import type { ChatMessage, CompleteOptions, TextBackend } from "./types.js";
import { type LexEntry, lexicon } from "./words.js";

export type OfflineTask = "query" | "step" | "report" | "answer";

/** Which form a prompt asks for: our own markers first, then the wording any report/agent prompt would use. */
export function classifyPrompt(text: string): OfflineTask {
  if (text.includes(STEP_TASK_MARKER)) return "step";
  if (text.includes(REPORT_TASK_MARKER)) return "report";
  if (text.includes(QUERY_TASK_MARKER)) return "query";
  const lower = text.toLowerCase();
  if (lower.includes("json") && lower.includes("websearch") && lower.includes("final_answer")) return "step";
  if (lower.includes("executive summary") && lower.includes("key findings")) return "report";
  if (lower.includes("question") && lower.includes("context")) return "query";
  return "answer";
}

/** The text between a header line (e.g. "Question:") and the next blank-line-separated header. */
function block(text: string, header: string): string | null {
  const at = text.indexOf(`\n${header}\n`);
  if (at < 0) return null;
  const rest = text.slice(at + header.length + 2);
  const end = rest.search(/\n\n[A-Z][A-Za-z ]+:\n/);
  return (end < 0 ? rest : rest.slice(0, end)).trim();
}

export interface ParsedSource {
  n: number;
  title: string;
  url: string;
}

export function parseSourceLines(text: string | null): ParsedSource[] {
  if (!text) return [];
  const out: ParsedSource[] = [];
  for (const line of text.split("\n")) {
    const m = /^\[(\d+)\]\s+(.*?)\s+—\s+(\S+)\s*$/.exec(line.trim());
    if (m) {
      const [, n, title = "", url = ""] = m; // all three groups take part in every match
      out.push({ n: Number(n), title, url });
    }
  }
  return out;
}

export interface OfflineBackendOptions {
  seed?: number | string;
}

const SCENE = [
  "Suppose a team is studying {a}, understood here as {ag}.",
  "Imagine a region where {a} — {ag} — has become a pressing concern.",
  "Consider an analyst who must explain {a}, meaning {ag}, to a skeptical committee.",
  "A small research group has been asked to assess {a}, that is, {ag}.",
];
const TWIST = [
  "They notice that {b} ({bg}) seems to change how it behaves over time, but the data are sparse.",
  "Early observations suggest that {b}, described as {bg}, plays a role, though nobody agrees how large.",
  "Complicating matters, {b} ({bg}) appears in some cases and not in others.",
  "Budget limits mean only one factor, such as {b} ({bg}), can be measured carefully.",
];
const ASK = [
  "Which factor would you examine first, and what chain of reasoning justifies that choice?",
  "What sequence of checks would separate cause from coincidence here, and why in that order?",
  "How would you weigh the competing explanations, and what evidence would change your conclusion?",
  "What would you predict happens if {b} were removed, and which assumptions does that prediction rest on?",
];
const FOLLOW = [
  "Explain how your answer changes if the link between them turns out to be indirect.",
  "Describe one observation that would show your reasoning to be wrong.",
  "Say which of your assumptions is weakest and how you would test it.",
];

const THOUGHTS = [
  "The question turns on {a}, which I take to mean {ag}.",
  "So far the notes establish the basic definition but not how {a} interacts with {b}.",
  "I still lack direct evidence about {b}, defined as {bg}, and how strongly it matters.",
  "A search focused on {q} should surface sources that either support or weaken that link.",
  "I should compare at least two independent accounts before drawing any conclusion.",
  "If the sources disagree, the report must say so plainly rather than pick one silently.",
  "The most useful next step is to look for concrete cases instead of general definitions.",
  "I will keep track of which claims rest on a single source.",
];
const ANGLES = ["overview", "evidence", "history", "mechanism", "criticism", "comparison", "case study"];

const FINDING = [
  "{A} is best understood as {ag} [{n}].",
  "The sources link {a} to {b}, though the strength of that link varies [{n}].",
  "Definitions of {a} are broadly consistent across the material reviewed [{n}].",
  "Practical consequences of {a} depend on context more than the definition alone suggests [{n}].",
  "{B}, described as {bg}, is the factor most often cited alongside {a} [{n}].",
];
const EVIDENCE = [
  "Source [{n}] ({t}) describes {x} as {xg}.",
  "According to [{n}], {x} refers to {xg}, which bears directly on the question.",
  "The account in [{n}] treats {x} as {xg} and draws attention to its wider effects.",
];
const LIMITS = [
  "The sources are few and largely descriptive, so causal claims remain tentative [{n}].",
  "Several findings rest on a single source, and none of them reports systematic measurements.",
  "The material reviewed uses definitions rather than data, which limits how far the conclusions generalise.",
  "Terminology differs between sources, so some apparent agreement may be superficial.",
];
const CONCLUDE = [
  "On balance, the evidence supports a cautious answer: {a} matters, but its effect runs through {b} [{n}].",
  "Taken together, the sources point to {a} as the central factor, with {b} as an important qualifier [{n}].",
  "The best-supported reading is that {a} and {b} must be considered jointly rather than in isolation [{n}].",
];

/** Deterministic, offline: same messages and seed → same text, in the form the messages ask for. */
export class OfflineBackend implements TextBackend {
  readonly name = "offline";
  private readonly seed: string;
  private readonly search: OfflineWebSearch;

  constructor(opts: OfflineBackendOptions = {}) {
    this.seed = String(opts.seed ?? 0);
    this.search = new OfflineWebSearch({ seed: this.seed });
  }

  async complete(messages: ChatMessage[], options?: CompleteOptions): Promise<string> {
    options?.signal?.throwIfAborted();
    return this.completeSync(messages);
  }

  completeSync(messages: readonly ChatMessage[]): string {
    const last = [...messages].reverse().find((m) => m.role === "user") ?? messages.at(-1);
    const prompt = last?.content ?? "";
    const rng = seededRandom(`${this.seed}|${hashString(messages.map((m) => m.content).join("\u0000"))}`);
    switch (classifyPrompt(prompt)) {
      case "query":
        return this.query(prompt, rng);
      case "step":
        return this.step(prompt, rng);
      case "report":
        return this.report(prompt, rng);
      default:
        return this.answer(prompt, rng);
    }
  }

  private query(prompt: string, rng: Rng): string {
    const context = block(prompt, "Context:") ?? prompt;
    const [a, b] = topicsFor(context, rng, 2) as [LexEntry, LexEntry];
    const vars = { a: a.lemma, ag: a.gloss, b: b.lemma, bg: b.gloss };
    return [
      fill(rng, SCENE, vars),
      fill(rng, TWIST, vars),
      fill(rng, ASK, vars),
      fill(rng, FOLLOW, vars),
    ].join(" ");
  }

  private step(prompt: string, rng: Rng): string {
    const question = block(prompt, "Question:") ?? prompt;
    const m = /Step (\d+) of (\d+)/.exec(prompt);
    const step = m ? Number(m[1]) : 1;
    const maxSteps = m ? Number(m[2]) : 20;
    const sources = parseSourceLines(block(prompt, "Sources so far:"));
    // How many searches this question gets is a property of the question, so every step agrees on it.
    const searches = 2 + (hashString(`${this.seed}|${question}`) % 3);
    const [a, b] = topicsFor(question, seededRandom(`${this.seed}|topics|${question}`), 2) as [
      LexEntry,
      LexEntry,
    ];
    const q = `${a.lemma} ${b.lemma} ${ANGLES[(step - 1) % ANGLES.length]}`;
    const vars = { a: a.lemma, ag: a.gloss, b: b.lemma, bg: b.gloss, q };
    const thought = Array.from({ length: 4 + randInt(rng, 3) }, () => fill(rng, THOUGHTS, vars))
      .filter((s, i, all) => all.indexOf(s) === i)
      .join(" ");
    const done = step > searches || step >= maxSteps;
    const obj = done
      ? {
          thought: `${thought} With ${sources.length} sources gathered, there is enough to write the report.`,
          final_answer: sentence(
            `${capitalize(a.lemma)} is ${a.gloss}; its bearing on the question runs through ${b.lemma}`,
          ),
        }
      : { thought, action: { tool: "websearch", input: { query: q, max_results: 3 + randInt(rng, 3) } } };
    const json = JSON.stringify(obj);
    // Real models sometimes fence their JSON; doing it now and then keeps the lenient parser exercised.
    return randInt(rng, 4) === 0 ? `\`\`\`json\n${json}\n\`\`\`` : json;
  }

  private report(prompt: string, rng: Rng): string {
    const question = block(prompt, "Question:") ?? prompt;
    let sources = parseSourceLines(block(prompt, "Sources:"));
    if (sources.length === 0) {
      // Asked for the report form without research (e.g. a miner's generator): make up offline sources.
      sources = this.search
        .searchSync(question, 3 + randInt(rng, 3))
        .map((s, i) => ({ n: i + 1, title: s.title, url: s.url }));
    }
    const [firstSource] = sources;
    if (!firstSource) throw new Error("offline report: no sources to cite (the offline search found none)");
    const { byLemma } = lexicon();
    const [a, b] = topicsFor(question, rng, 2) as [LexEntry, LexEntry];
    const cite = () => pick(rng, sources).n;
    const vars = (extra: Record<string, string> = {}) => ({
      a: a.lemma,
      A: capitalize(a.lemma),
      ag: a.gloss,
      b: b.lemma,
      B: capitalize(b.lemma),
      bg: b.gloss,
      n: String(cite()),
      ...extra,
    });
    const summary = [
      sentence(`This report examines ${a.lemma}, usually defined as ${a.gloss}`),
      `It draws on ${sources.length} sources to assess how ${a.lemma} relates to ${b.lemma} [${firstSource.n}].`,
      fill(rng, CONCLUDE, vars()),
    ].join(" ");
    const findingCount = 3 + randInt(rng, 2);
    const findings: string[] = [];
    for (let i = 0; findings.length < findingCount && i < 12; i++) {
      const f = fill(rng, FINDING, vars());
      if (!findings.some((x) => x.slice(0, 30) === f.slice(0, 30))) findings.push(f);
    }
    const evidence = sources.map((s) => {
      const [beforeColon = ""] = s.title.split(":"); // split gives at least one piece
      const lemma = beforeColon.trim();
      const entry = byLemma.get(lemma.toLowerCase()) ?? a;
      return fill(rng, EVIDENCE, { n: String(s.n), t: s.title, x: entry.lemma, xg: entry.gloss });
    });
    const limits = [fill(rng, LIMITS, vars()), fill(rng, LIMITS, vars())].filter(
      (s, i, all) => all.indexOf(s) === i,
    );
    const conclusion = [
      fill(rng, CONCLUDE, vars()),
      "Further work should test the link directly rather than infer it from definitions.",
    ];
    const sections: Record<(typeof REPORT_SECTIONS)[number], string> = {
      "Executive Summary": summary,
      "Key Findings": findings.map((f, i) => `${i + 1}. ${f}`).join("\n"),
      Evidence: evidence.join(" "),
      Limitations: limits.join(" "),
      Conclusion: conclusion.join(" "),
    };
    const body = REPORT_SECTIONS.map((h) => `${h}\n${sections[h]}`).join("\n\n");
    const list = sources.map((s) => `[${s.n}] ${s.title} — ${s.url}`).join("\n");
    return `${body}\n\nSources\n${list}`;
  }

  private answer(prompt: string, rng: Rng): string {
    const words = contentWords(prompt, 20);
    const topics = topicsFor(words.join(" "), rng, 2) as [LexEntry, LexEntry];
    const [a, b] = topics;
    return [
      sentence(`In short, ${a.lemma} is ${a.gloss}`),
      sentence(`The point that matters most here is how it relates to ${b.lemma}, which is ${b.gloss}`),
      pick(rng, [
        "Taking the two together gives a clearer answer than either alone.",
        "A careful answer keeps both in view and states its assumptions.",
        "Which of them dominates depends on the circumstances, so the answer should say which case it assumes.",
      ]),
    ].join(" ");
  }
}
