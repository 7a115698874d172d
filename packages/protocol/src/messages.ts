// Request bodies and replies of POST /v1/chat/completions, exactly as Apex v3 sends them (apex-v3-reference §1.2–1.3).

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
    return { ok: false, error: `step must be one of ${ACCEPTED_STEPS.map((s) => `"${s}"`).join(", ")}` };
  }
  if (typeof b.query !== "string") return { ok: false, error: "query must be a string" };
  if (step === "generator") return { ok: true, request: { step: "generator", query: b.query } };
  if (step === undefined && b.generation === undefined) {
    return { ok: false, error: 'step is missing: send "generator", or "discriminator" with a generation' };
  }
  if (typeof b.generation !== "string") return { ok: false, error: "generation must be a string" };
  return { ok: true, request: { step: "discriminator", query: b.query, generation: b.generation } };
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
 * The validator's reading of a discriminator reply (apex-v3-reference §1.3): JSON `choices[0].message.content`
 * when the body is such an object, else the raw body; trimmed. Empty or failed → null (no answer).
 */
export function parseDiscriminatorAnswer(body: string | null | undefined): string | null {
  if (body === null || body === undefined || body === "") return null;
  let answer = body;
  try {
    const parsed: unknown = JSON.parse(body);
    const content = (parsed as { choices?: Array<{ message?: { content?: unknown } }> } | null)?.choices?.[0]
      ?.message?.content;
    if (typeof content === "string") answer = content;
  } catch {
    // not JSON: the raw body is the answer
  }
  const trimmed = answer.trim();
  return trimmed === "" ? null : trimmed;
}

/** True only when the parsed answer equals the ground truth exactly. */
export function isCorrectAnswer(answer: string | null, groundTruth: 0 | 1): boolean {
  return answer === String(groundTruth);
}
