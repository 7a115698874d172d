// The deep-research agent (docs/upstream.md § Reference report) with ONE tool, websearch — no code execution
// — plus a time and token budget. Whatever the loop does, a final call writes the report.
import { type AgentStep, parseAgentStep } from "./agent-step.js";
import { OfflineBackend } from "./offline.js";
import { finalReportPrompt, researchStepPrompt } from "./prompts.js";
import { OfflineWebSearch } from "./search.js";
import type { ChatMessage, SearchResult, TextBackend, WebSearch } from "./types.js";

/** The subset of @apex/protocol's Clock the agent needs (kept structural: llm depends on nothing of ours). */
export interface ResearchClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realClock: ResearchClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(resolve, ms);
      signal?.addEventListener(
        "abort",
        () => {
          clearTimeout(t);
          reject(signal.reason);
        },
        { once: true },
      );
    }),
};

export const RESEARCH_DEFAULTS = {
  maxSteps: 20,
  stepMaxTokens: 1200,
  reportMaxTokens: 2000,
  temperature: 0.01,
  /** Sources shown to the step prompt and to the final prompt. */
  maxSources: 20,
  /** Consecutive failed model calls before the reference is given up. */
  maxConsecutiveErrors: 3,
} as const;

export interface ResearchOptions {
  backend: TextBackend;
  search: WebSearch;
  query: string;
  /** Agent steps before the report is forced. Default 20 (upstream). */
  maxSteps?: number;
  /** Time budget for the loop in ms, measured on `clock`; the final report is still written after it. */
  deadlineMs?: number;
  /** Budget of estimated tokens (≈ chars/4, prompts + replies) for the loop; the final call is outside it. */
  maxTokens?: number;
  stepMaxTokens?: number;
  reportMaxTokens?: number;
  temperature?: number;
  /** Upstream uses a different model for the report; defaults to `backend`. */
  finalBackend?: TextBackend;
  clock?: ResearchClock;
  signal?: AbortSignal;
}

export interface ResearchStep {
  step: number;
  thought?: string;
  action?: { tool: string; input: Record<string, unknown> };
  observation?: string;
  finalAnswer?: string;
  error?: string;
}

export type ResearchStopReason = "final_answer" | "max_steps" | "deadline" | "token_budget";

export interface ResearchResult {
  report: string;
  steps: ResearchStep[];
  /** Numbered sources in citation order ([1] is sources[0]). */
  sources: SearchResult[];
  stoppedBy: ResearchStopReason;
  /** Estimated tokens of the loop and the final call. */
  tokensUsed: number;
}

/** Rough token estimate used for budgets (≈ 4 characters per token for English). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function promptTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((acc, m) => acc + estimateTokens(m.content), 0);
}

class DeadlineExceeded extends Error {
  constructor() {
    super("research deadline reached");
  }
}

function clampResults(v: unknown): number {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) return 5;
  return Math.min(10, Math.max(1, Math.floor(n)));
}

/** Runs `call` with a signal that aborts on the caller's signal or when the clock passes `deadlineAt`. */
async function withDeadline<T>(
  clock: ResearchClock,
  deadlineAt: number | null,
  outer: AbortSignal | undefined,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const ctl = new AbortController();
  const timerCtl = new AbortController();
  const onOuter = () => ctl.abort(outer?.reason);
  outer?.addEventListener("abort", onOuter, { once: true });
  if (outer?.aborted) ctl.abort(outer.reason);
  if (deadlineAt !== null) {
    clock.sleep(Math.max(0, deadlineAt - clock.now()), timerCtl.signal).then(
      () => ctl.abort(new DeadlineExceeded()),
      () => {},
    );
  }
  try {
    return await call(ctl.signal);
  } catch (err) {
    if (ctl.signal.reason instanceof DeadlineExceeded && !outer?.aborted) throw ctl.signal.reason;
    throw err;
  } finally {
    timerCtl.abort();
    outer?.removeEventListener("abort", onOuter);
  }
}

export async function runResearch(opts: ResearchOptions): Promise<ResearchResult> {
  const maxSteps = opts.maxSteps ?? RESEARCH_DEFAULTS.maxSteps;
  if (!Number.isInteger(maxSteps) || maxSteps < 0)
    throw new Error(`runResearch: maxSteps must be a non-negative integer, got ${maxSteps}`);
  const question = opts.query.trim();
  if (!question) throw new Error("runResearch: query is empty");
  const clock = opts.clock ?? realClock;
  const start = clock.now();
  const deadlineAt = opts.deadlineMs !== undefined ? start + opts.deadlineMs : null;
  const temperature = opts.temperature ?? RESEARCH_DEFAULTS.temperature;
  const steps: ResearchStep[] = [];
  const notes: string[] = [];
  const sources: SearchResult[] = [];
  const seenUrls = new Set<string>();
  let tokensUsed = 0;
  let stoppedBy: ResearchStopReason = "max_steps";
  let consecutiveErrors = 0;

  for (let step = 1; step <= maxSteps; step++) {
    opts.signal?.throwIfAborted();
    if (deadlineAt !== null && clock.now() >= deadlineAt) {
      stoppedBy = "deadline";
      break;
    }
    if (opts.maxTokens !== undefined && tokensUsed >= opts.maxTokens) {
      stoppedBy = "token_budget";
      break;
    }
    const messages = researchStepPrompt({
      question,
      notes,
      sources: sources.slice(0, RESEARCH_DEFAULTS.maxSources),
      step,
      maxSteps,
    });
    const record: ResearchStep = { step };
    steps.push(record);
    let reply: string;
    try {
      reply = await withDeadline(clock, deadlineAt, opts.signal, (signal) =>
        opts.backend.complete(messages, {
          signal,
          temperature,
          maxTokens: opts.stepMaxTokens ?? RESEARCH_DEFAULTS.stepMaxTokens,
        }),
      );
    } catch (err) {
      if (err instanceof DeadlineExceeded) {
        record.error = err.message;
        stoppedBy = "deadline";
        break;
      }
      if (opts.signal?.aborted) throw err;
      record.error = `model call failed: ${(err as Error).message}`;
      tokensUsed += promptTokens(messages);
      if (++consecutiveErrors >= RESEARCH_DEFAULTS.maxConsecutiveErrors)
        throw new Error(
          `runResearch: ${consecutiveErrors} model calls failed in a row; last: ${record.error}`,
        );
      continue;
    }
    consecutiveErrors = 0;
    tokensUsed += promptTokens(messages) + estimateTokens(reply);
    const parsed: AgentStep | null = parseAgentStep(reply);
    if (!parsed) {
      record.error = "reply was not valid step JSON";
      notes.push(
        "The previous reply was not valid JSON. Reply with one JSON object in one of the two shapes.",
      );
      continue;
    }
    record.thought = parsed.thought;
    if (parsed.kind === "final") {
      record.finalAnswer = parsed.finalAnswer;
      if (parsed.thought) notes.push(parsed.thought);
      stoppedBy = "final_answer";
      break;
    }
    record.action = { tool: parsed.tool, input: parsed.input };
    if (parsed.tool !== "websearch") {
      record.error = `unknown tool "${parsed.tool}"; the only tool is websearch`;
      notes.push(`${parsed.thought} (Tool "${parsed.tool}" is not available; use websearch.)`);
      continue;
    }
    const q =
      typeof parsed.input.query === "string" && parsed.input.query.trim() ? parsed.input.query : question;
    let results: SearchResult[];
    try {
      results = await withDeadline(clock, deadlineAt, opts.signal, (signal) =>
        opts.search.search(q, clampResults(parsed.input.max_results), signal),
      );
    } catch (err) {
      if (err instanceof DeadlineExceeded) {
        record.error = err.message;
        stoppedBy = "deadline";
        break;
      }
      if (opts.signal?.aborted) throw err;
      record.error = `websearch failed: ${(err as Error).message}`;
      notes.push(`${parsed.thought} (The search for "${q}" failed.)`);
      continue;
    }
    for (const r of results) {
      if (r.url && !seenUrls.has(r.url)) {
        seenUrls.add(r.url);
        sources.push(r);
      }
    }
    const observation = results
      .map((r, i) => `Result ${i + 1}: ${r.title} (${r.url})\n${r.content.slice(0, 1000)}`)
      .join("\n\n");
    record.observation = observation.slice(0, 1200);
    const brief = results.map((r) => `${r.title}: ${r.content.slice(0, 160)}`).join(" | ");
    notes.push(`${parsed.thought} Search "${q}" found: ${brief || "nothing"}`);
  }

  const finalMessages = finalReportPrompt({
    question,
    notes: notes.slice(-12),
    sources: sources.slice(0, RESEARCH_DEFAULTS.maxSources),
  });
  const report = await (opts.finalBackend ?? opts.backend).complete(finalMessages, {
    signal: opts.signal,
    temperature,
    maxTokens: opts.reportMaxTokens ?? RESEARCH_DEFAULTS.reportMaxTokens,
  });
  tokensUsed += promptTokens(finalMessages) + estimateTokens(report);
  if (report.trim().length === 0) throw new Error("runResearch: the final report came back empty");
  return { report, steps, sources: sources.slice(0, RESEARCH_DEFAULTS.maxSources), stoppedBy, tokensUsed };
}

const offlineCache = new Map<string, { backend: OfflineBackend; search: OfflineWebSearch }>();

/**
 * The exact report the validator's offline reference pipeline produces for `query`: runResearch with
 * OfflineBackend + OfflineWebSearch under the same seed and default settings.
 */
export async function offlineReport(query: string, seed: number | string = 0): Promise<string> {
  const key = String(seed);
  let pair = offlineCache.get(key);
  if (!pair) {
    pair = { backend: new OfflineBackend({ seed }), search: new OfflineWebSearch({ seed }) };
    if (offlineCache.size > 64) offlineCache.clear();
    offlineCache.set(key, pair);
  }
  const { report } = await runResearch({ ...pair, query });
  return report;
}
