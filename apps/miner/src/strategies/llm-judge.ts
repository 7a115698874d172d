// `--discriminator llm`: ask an OpenAI-compatible chat endpoint (the same --llm-base-url/--llm-model/key as
// `--generator llm`) whether the text is the validator's researched reference. The reply must be exactly "0" or
// "1"; anything else, an HTTP error, or no answer before the deadline (inside the request budget) falls back to
// another discriminator (the learned model by default), so the judge never costs an answer.
import type { DiscriminatorLabel } from "@apex/protocol";
import type { Discriminator, StrategyContext } from "./types.js";

export interface LlmJudgeOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Ask for a streamed reply (server-sent events) instead of one JSON body. */
  stream?: boolean;
  fallback: Discriminator;
  /** Time kept back from the request budget for the fallback and the reply; default 1500 ms. */
  marginMs?: number;
  /** Longest text sent to the judge, in characters (references are ~2000 tokens). */
  maxChars?: number;
  fetchImpl?: typeof fetch;
  /** Told why the fallback answered (for logs and metrics). */
  onFallback?: (reason: string) => void;
}

export const JUDGE_SYSTEM_PROMPT =
  "You are judging texts from a research subnet. A validator asks a question and either shows its own researched " +
  "reference (written by a deep-research agent: web searches, then a plain-text report with sections, inline " +
  "numbered citations [n] that match a final Sources list of real URLs) or one miner's fast answer (which may " +
  "imitate such a report). Reply with exactly one character: 0 if the text is the validator's researched " +
  "reference, 1 if a miner wrote it. No other words.";

export function judgeMessages(query: string, text: string, maxChars = 16_000) {
  const shown = text.length > maxChars ? `${text.slice(0, maxChars)}\n[…truncated]` : text;
  return [
    { role: "system" as const, content: JUDGE_SYSTEM_PROMPT },
    { role: "user" as const, content: `Question:\n${query}\n\nText:\n${shown}\n\nAnswer 0 or 1.` },
  ];
}

/** The strict reply format: one "0" or "1", surrounding whitespace allowed; anything else is malformed. */
export function parseVerdict(reply: string): DiscriminatorLabel | undefined {
  const t = reply.trim();
  return t === "0" || t === "1" ? t : undefined;
}

/** Reads an OpenAI-style SSE stream and concatenates the `delta.content` pieces until `[DONE]`. */
async function readStream(body: ReadableStream<Uint8Array>, maxChars: number): Promise<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  let content = "";
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl = buffered.indexOf("\n");
    while (nl >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      nl = buffered.indexOf("\n");
      if (!line.startsWith("data:")) continue;
      const data = line.slice(5).trim();
      if (data === "[DONE]") return content;
      const piece = (JSON.parse(data) as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta
        ?.content;
      if (typeof piece === "string") content += piece;
      // A judge that talks is wrong already; stop reading.
      if (content.length > maxChars) return content;
    }
  }
  return content;
}

export async function askJudge(
  o: Pick<LlmJudgeOptions, "baseUrl" | "model" | "apiKey" | "stream" | "fetchImpl" | "maxChars">,
  query: string,
  text: string,
  signal: AbortSignal,
): Promise<string> {
  const res = await (o.fetchImpl ?? fetch)(`${o.baseUrl.replace(/\/+$/, "")}/chat/completions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}),
    },
    body: JSON.stringify({
      model: o.model,
      messages: judgeMessages(query, text, o.maxChars),
      temperature: 0,
      max_tokens: 2,
      stream: o.stream === true,
    }),
    signal,
  });
  if (!res.ok) throw new Error(`judge endpoint answered HTTP ${res.status}`);
  if (o.stream) {
    if (!res.body) throw new Error("judge endpoint sent no stream");
    return readStream(res.body, 64);
  }
  const json = (await res.json()) as { choices?: { message?: { content?: unknown } }[] };
  const content = json.choices?.[0]?.message?.content;
  if (typeof content !== "string") throw new Error("judge reply has no choices[0].message.content");
  return content;
}

export function llmJudgeDiscriminator(o: LlmJudgeOptions): Discriminator {
  const margin = o.marginMs ?? 1500;
  return {
    name: "llm",
    async classify(query: string, text: string, ctx: StrategyContext) {
      const deadlineMs = ctx.budgetMs - margin;
      let reason: string;
      if (deadlineMs <= 0) reason = "no time left for the judge";
      else {
        const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(deadlineMs)]);
        try {
          const reply = await askJudge(o, query, text, signal);
          const label = parseVerdict(reply);
          if (label) return label;
          reason = `malformed reply ${JSON.stringify(reply.slice(0, 40))}`;
        } catch (err) {
          reason = signal.aborted ? `no reply within ${deadlineMs} ms` : (err as Error).message;
        }
      }
      o.onFallback?.(reason);
      return o.fallback.classify(query, text, ctx);
    },
  };
}
