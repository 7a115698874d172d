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

/**
 * Bytes of the discriminator body that forwards `generation` (the encoder the validator sends with): Python-style
 * escapes make a control character 6 bytes and an astral character 12, so the text's own length says little.
 */
export function discriminatorBodyBytes(query: string, generation: string): number {
  // Every character at or above U+007F is escaped, so the body is ASCII: its length is its byte count.
  return encodeRequestBody({ step: "discriminator", query, generation }).length;
}

function pyJsonString(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * What a discriminator reply means to the round. `drop-round` is a reply on which upstream's
 * `query_discriminators` raises TypeError (`choices` is null, a number or a boolean): the exception escapes and
 * upstream loses the whole round, so one miner can veto it.
 */
export type DiscriminatorReading =
  | { kind: "answer"; answer: string | null }
  | { kind: "drop-round"; reason: string };

/**
 * How to treat a `drop-round` reply. `safe` (our default): that one reply is unreadable, so wrong; the round
 * stands. `upstream`: the round is dropped, as Apex v3.0.6 does (profile `upstream`).
 */
export type DropRoundPolicy = "safe" | "upstream";

/**
 * The validator's reading of a discriminator reply, step for step as upstream's `query_discriminators`
 * (docs/upstream.md § Miner replies):
 * an empty body (or a failed request) is no answer; the body is parsed with Python's `json.loads` rules
 * (NaN/Infinity accepted, a leading BOM refused) and read as `choices[0].message.content` with Python's `.get`
 * defaults (so an object without `choices` reads as ""); a lookup that raises AttributeError/KeyError/IndexError
 * or a parse error falls back to the raw body; `choices` that is null/number/bool raises TypeError upstream,
 * which we report as `drop-round`. The result is stripped with Python's notion of whitespace; an empty answer
 * is null (it can never equal "0" or "1", so scoring is unchanged).
 */
export function readDiscriminatorReply(body: string | null | undefined): DiscriminatorReading {
  if (body === null || body === undefined || body === "") return { kind: "answer", answer: null };
  const content = openAiContent(body);
  if (content === DROP) return { kind: "drop-round", reason: "choices is null, a number or a boolean" };
  const answer = pyStrip(content ?? body);
  return { kind: "answer", answer: answer === "" ? null : answer };
}

/**
 * The answer to score. A `drop-round` reply reads as its raw body under the `safe` policy (never correct);
 * under `upstream` the caller must drop the round instead, so this throws DropRoundError.
 */
export function parseDiscriminatorAnswer(
  body: string | null | undefined,
  policy: DropRoundPolicy = "safe",
): string | null {
  const reading = readDiscriminatorReply(body);
  if (reading.kind === "answer") return reading.answer;
  if (policy === "upstream") throw new DropRoundError(reading.reason);
  const raw = pyStrip(body ?? "");
  return raw === "" ? null : raw;
}

/** Thrown where upstream would lose the round to a miner's reply (policy `upstream` only). */
export class DropRoundError extends Error {
  constructor(reason: string) {
    super(`a discriminator reply makes upstream drop the round: ${reason}`);
    this.name = "DropRoundError";
  }
}

/**
 * Python's `json.loads` on a str: JSON plus the bare tokens NaN, Infinity and -Infinity; a leading BOM is an
 * error ("Unexpected UTF-8 BOM"). Returns undefined where Python raises JSONDecodeError. NaN/±Infinity come
 * back as null: every lookup upstream does on a reply treats a float and None alike (both raise the same way).
 */
export function pyJsonLoads(text: string): { value: unknown } | undefined {
  if (text.charCodeAt(0) === 0xfeff) return undefined;
  try {
    return { value: JSON.parse(replaceNonFinite(text)) };
  } catch {
    return undefined;
  }
}

const NON_FINITE = ["-Infinity", "Infinity", "NaN"] as const;

/** Rewrites NaN/Infinity/-Infinity outside strings as null; everything else is left for JSON.parse to judge. */
function replaceNonFinite(text: string): string {
  if (!/NaN|Infinity/.test(text)) return text;
  let out = "";
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const c = text.charAt(i);
    if (inString) {
      out += c;
      if (c === "\\") {
        out += text[i + 1] ?? "";
        i += 2;
        continue;
      }
      if (c === '"') inString = false;
      i++;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      i++;
      continue;
    }
    const token = NON_FINITE.find((t) => text.startsWith(t, i));
    // "-NaN" is not Python JSON: leave the "-" so JSON.parse refuses it too.
    if (token && !(token === "NaN" && text[i - 1] === "-")) {
      out += "null";
      i += token.length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

const DROP = Symbol("drop-round");

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * `parsed.get("choices", [{}])[0].get("message", {}).get("content", "")`: the content, undefined where Python
 * raises one of the errors upstream catches, DROP where it raises TypeError (indexing None, a number or a bool).
 */
function openAiContent(body: string): string | undefined | typeof DROP {
  const parsed = pyJsonLoads(body);
  if (!parsed || !isPlainObject(parsed.value)) return undefined;
  const obj = parsed.value;
  const choices = Object.hasOwn(obj, "choices") ? obj.choices : [{}];
  if (choices === null || typeof choices === "number" || typeof choices === "boolean") return DROP;
  // A str indexes to a str (no .get), a dict has no key 0: both fall back.
  if (!Array.isArray(choices) || choices.length === 0) return undefined;
  const first: unknown = choices[0];
  if (!isPlainObject(first)) return undefined;
  const message = Object.hasOwn(first, "message") ? first.message : {};
  if (!isPlainObject(message)) return undefined;
  const content = Object.hasOwn(message, "content") ? message.content : "";
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
  while (start < end && PY_WS.includes(s.charAt(start))) start++;
  while (end > start && PY_WS.includes(s.charAt(end - 1))) end--;
  return s.slice(start, end);
}

/** True only when the parsed answer equals the ground truth exactly. */
export function isCorrectAnswer(answer: string | null, groundTruth: 0 | 1): boolean {
  return answer === String(groundTruth);
}

const UTF8_KEEP_BOM = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const UTF8_STRIP_BOM = new TextDecoder("utf-8", { fatal: true });

/**
 * A reply body as upstream's `await resp.text()` (aiohttp) sees it: decoded with the Content-Type's charset,
 * UTF-8 when there is none (or Python does not know it); strict, so bytes that do not decode are no reply at all
 * (upstream's request helper swallows the UnicodeDecodeError and returns ""). A UTF-8 BOM is kept as U+FEFF,
 * as Python's "utf-8" codec does. Charsets handled: the UTF-8 names, utf-8-sig, latin-1 and ascii; any other
 * declared charset is read as UTF-8 (docs/protocol.md lists this as a known difference).
 */
export function decodeReplyBody(bytes: Uint8Array, contentType?: string | null): string | null {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1]?.toLowerCase() ?? "";
  try {
    if (charset === "utf-8-sig" || charset === "utf_8_sig") return UTF8_STRIP_BOM.decode(bytes);
    if (["latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1", "8859", "cp819"].includes(charset))
      return latin1(bytes);
    if (["ascii", "us-ascii", "646"].includes(charset)) {
      if (bytes.some((b) => b > 0x7f)) return null;
      return latin1(bytes);
    }
    return UTF8_KEEP_BOM.decode(bytes);
  } catch {
    return null;
  }
}

function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192)
    out += String.fromCharCode(...bytes.subarray(i, Math.min(i + 8192, bytes.length)));
  return out;
}
