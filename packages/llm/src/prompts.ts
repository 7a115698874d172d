// Prompt builders. Upstream's intent (docs/upstream.md § Query and LLM, § Reference report), our own wording.
// Exported so the miner can ask any LLM for the same report form the validator's reference uses.
import type { ChatMessage } from "./types.js";

export const REPORT_SECTIONS = [
  "Executive Summary",
  "Key Findings",
  "Evidence",
  "Limitations",
  "Conclusion",
] as const;

/** Marker lines the offline backend keys on; real LLMs just read them as instructions. */
export const QUERY_TASK_MARKER = "Write one question about the context below.";
export const STEP_TASK_MARKER = "You are the research step planner.";
export const REPORT_TASK_MARKER = "Write the final research report now.";

export function queryPrompt(context: string): ChatMessage[] {
  const ctx = context.trim() || "(no context was found; pick a concrete topic of your own)";
  return [
    {
      role: "user",
      content: [
        QUERY_TASK_MARKER,
        "The question must be specific to the context, must make the reader reason step by step rather than",
        "recall a fact, and must be spread over at least three sentences (set the scene, add a constraint, then ask).",
        "Do not mention that a context was given, and reply with the question only.",
        "",
        "Context:",
        ctx,
      ].join("\n"),
    },
  ];
}

/** The report instructions that precede the user's question (what the validator's reference follows). */
export function reportInstructions(): string {
  return [
    "You are a senior researcher working across disciplines. Answer the question below as a plain-text research",
    `report with these sections, in this order: ${REPORT_SECTIONS.join(", ")}.`,
    "Support claims with inline numeric citations like [1] or [2] that refer to your sources, and end with a",
    "Sources section that lists each numbered source with its title and URL. No JSON, no markdown tables.",
  ].join("\n");
}

/** One user message asking for the validator's report form: what a miner sends to its own LLM. */
export function researchReportPrompt(query: string): ChatMessage[] {
  return [{ role: "user", content: `${reportInstructions()}\n\nQuestion:\n${query}` }];
}

export interface NumberedSource {
  title: string;
  url: string;
}

function renderSources(sources: readonly NumberedSource[], limit: number): string {
  if (sources.length === 0) return "(none yet)";
  return sources
    .slice(0, limit)
    .map((s, i) => `[${i + 1}] ${s.title} — ${s.url}`)
    .join("\n");
}

function renderNotes(notes: readonly string[], limit: number): string {
  const recent = notes.slice(-limit);
  return recent.length === 0 ? "(none yet)" : recent.map((n) => `- ${n}`).join("\n");
}

export interface StepPromptInput {
  question: string;
  notes: readonly string[];
  sources: readonly NumberedSource[];
  step: number;
  maxSteps: number;
}

export function researchStepPrompt(input: StepPromptInput): ChatMessage[] {
  return [
    {
      role: "user",
      content: [
        STEP_TASK_MARKER,
        `Step ${input.step} of ${input.maxSteps}.`,
        "You have exactly one tool:",
        '- websearch: searches the web. Input: {"query": string, "max_results": integer from 1 to 10}.',
        "Reply with strict JSON only, in one of these two shapes:",
        '{"thought": "...", "action": {"tool": "websearch", "input": {"query": "...", "max_results": 5}}}',
        '{"thought": "...", "final_answer": "..."}',
        "Each thought should reason in 120 to 200 words about what is known and what is still missing.",
        "Think over several steps and gather evidence before giving a final answer.",
        "",
        "Question:",
        input.question,
        "",
        "Notes so far:",
        renderNotes(input.notes, 8),
        "",
        "Sources so far:",
        renderSources(input.sources, 12),
      ].join("\n"),
    },
  ];
}

export interface FinalReportInput {
  question: string;
  notes: readonly string[];
  sources: readonly NumberedSource[];
}

export function finalReportPrompt(input: FinalReportInput): ChatMessage[] {
  return [
    {
      role: "user",
      content: [
        REPORT_TASK_MARKER,
        reportInstructions(),
        "Cite only the numbered sources listed below. Do not reply with JSON.",
        "",
        "Question:",
        input.question,
        "",
        "Research notes:",
        renderNotes(input.notes, 12),
        "",
        "Sources:",
        renderSources(input.sources, 20),
      ].join("\n"),
    },
  ];
}
