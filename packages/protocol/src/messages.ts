// Request bodies and replies of POST /v1/chat/completions, exactly as Apex v3 sends them (docs/upstream.md §
// Miner requests, § Miner replies).

export interface GeneratorRequest {
  step: "generator";
  query: string;
}

export interface DiscriminatorRequest {
  step: "discriminator";
  query: string;
  generation: string;
}

export type MinerRequest = GeneratorRequest | DiscriminatorRequest;

/** "0": the text is the validator's reference; "1": the text came from a miner. */
export type DiscriminatorLabel = "0" | "1";

export const ACCEPTED_STEPS = ["generator", "discriminator"] as const;

export type ParseRequestResult = { ok: true; request: MinerRequest } | { ok: false; error: string };

/**
 * Validates a decoded JSON body. A body without `step` but with `generation` is a discriminator request,
 * as the upstream miner treats every non-generator request; any other `step` value is refused.
 */
export function parseMinerRequest(body: unknown): ParseRequestResult {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return {
      ok: false,
      error: "body must be a JSON object with step, query and (for the discriminator) generation",
    };
  }
  const b = body as Record<string, unknown>;
  const step = b.step;
  if (step !== undefined && step !== "generator" && step !== "discriminator") {
    const got = typeof step === "string" ? `"${step.slice(0, 40)}"` : typeof step;
    return {
      ok: false,
      error: `step must be one of ${ACCEPTED_STEPS.map((s) => `"${s}"`).join(", ")} (got ${got})`,
    };
  }
  if (typeof b.query !== "string") return { ok: false, error: "query must be a string" };
  if (step === "generator") return { ok: true, request: { step: "generator", query: b.query } };
  if (step === undefined && b.generation === undefined) {
    return { ok: false, error: 'step is missing: send "generator", or "discriminator" with a generation' };
  }
  if (typeof b.generation !== "string") return { ok: false, error: "generation must be a string" };
  return { ok: true, request: { step: "discriminator", query: b.query, generation: b.generation } };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes raw request bytes (UTF-8 JSON) and validates them; every failure says what to send instead. */
export function parseMinerRequestBody(raw: string | Uint8Array): ParseRequestResult {
  let text: string;
  try {
    text = typeof raw === "string" ? raw : utf8.decode(raw);
  } catch {
    return { ok: false, error: "body is not valid UTF-8" };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, error: 'body is not valid JSON; send {"step": "generator", "query": "..."}' };
  }
  return parseMinerRequest(body);
}

/** Serialises a request the way Python's json.dumps does (", " and ": " separators, non-ASCII as \uXXXX). */
export function encodeRequestBody(request: MinerRequest): string {
  const parts: string[] = [
    `"step": ${pyJsonString(request.step)}`,
    `"query": ${pyJsonString(request.query)}`,
  ];
  if (request.step === "discriminator") parts.push(`"generation": ${pyJsonString(request.generation)}`);
  return `{${parts.join(", ")}}`;
}

function pyJsonString(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * The validator's reading of a discriminator reply, step for step as upstream's `query_discriminators`
 * (docs/upstream.md § Miner replies): an empty body (or a failed request) is no answer; a JSON object is read
 * as `choices[0].message.content` with Python's `.get` defaults (so an object without `choices` reads as "");
 * anything that makes that lookup fail (not JSON, a bare number, a list, a non-string content…) falls back to
 * the raw body. The result is stripped with Python's notion of whitespace. We return null where the stripped
 * answer is empty: it can never equal "0" or "1", so scoring is unchanged.
 */
export function parseDiscriminatorAnswer(body: string | null | undefined): string | null {
  if (body === null || body === undefined || body === "") return null;
  const content = openAiContent(body);
  const answer = pyStrip(content ?? body);
  return answer === "" ? null : answer;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `parsed.get("choices", [{}])[0].get("message", {}).get("content", "")`, or undefined where Python raises. */
function openAiContent(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed)) return undefined;
  const choices = "choices" in parsed ? parsed.choices : [{}];
  if (!Array.isArray(choices) || choices.length === 0) return undefined;
  const first: unknown = choices[0];
  if (!isPlainObject(first)) return undefined;
  const message = "message" in first ? first.message : {};
  if (!isPlainObject(message)) return undefined;
  const content = "content" in message ? message.content : "";
  return typeof content === "string" ? content : undefined;
}

// Python's str.isspace() set differs from String.prototype.trim(): it includes \x1c-\x1f and \x85 and
// excludes \ufeff. The difference decides whether "\x1f1" is a correct "1".
const PY_WS =
  "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

/** Python's `str.strip()` with no argument. */
export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && PY_WS.includes(s[start]!)) start++;
  while (end > start && PY_WS.includes(s[end - 1]!)) end--;
  return s.slice(start, end);
}

/** True only when the parsed answer equals the ground truth exactly. */
export function isCorrectAnswer(answer: string | null, groundTruth: 0 | 1): boolean {
  return answer === String(groundTruth);
}
