// --discriminator llm against a local stand-in for an OpenAI-compatible server: chat completions, streamed and
// not; a valid verdict is used, anything else (malformed, HTTP error, too slow) falls back to the learned model.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { llmStrategyDeps } from "../src/llm-bridge.js";
import {
  constantDiscriminator,
  JUDGE_SYSTEM_PROMPT,
  llmJudgeDiscriminator,
  parseVerdict,
  resolveDiscriminator,
} from "../src/strategies/index.js";

type Mode = { reply: string; status?: number; delayMs?: number };
let mode: Mode = { reply: "1" };
const seen: Record<string, unknown>[] = [];
let server: Server;
let baseUrl: string;

function handle(req: IncomingMessage, res: ServerResponse): void {
  let body = "";
  req.on("data", (c) => {
    body += c;
  });
  req.on("end", () => {
    const json = JSON.parse(body) as Record<string, unknown>;
    seen.push({ url: req.url, auth: req.headers.authorization, ...json });
    const send = () => {
      if (res.destroyed) return;
      if (mode.status && mode.status !== 200) {
        res.writeHead(mode.status, { "content-type": "application/json" });
        res.end('{"error":{"message":"overloaded"}}');
        return;
      }
      if (json.stream) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        // The verdict split over chunks, as real servers send it (role first, then content pieces).
        const pieces = [{ role: "assistant" }, ...[...mode.reply].map((c) => ({ content: c }))];
        for (const delta of pieces) res.write(`data: ${JSON.stringify({ choices: [{ delta }] })}\n\n`);
        res.end("data: [DONE]\n\n");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ choices: [{ message: { role: "assistant", content: mode.reply } }] }));
    };
    if (mode.delayMs) setTimeout(send, mode.delayMs);
    else send();
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const q = "Why did the Roman republic fall? Could it have survived?";
const text =
  "Executive Summary\nIt fell for several reasons [1].\n\nSources\n[1] SPQR — https://example.org/spqr";

function judge(stream: boolean, fallbacks: string[]) {
  return llmJudgeDiscriminator({
    baseUrl,
    model: "judge-model",
    apiKey: "k",
    stream,
    // A fallback that always says "0", so a "0" after the server said "1" shows the fallback answered.
    fallback: constantDiscriminator("0"),
    marginMs: 300,
    onFallback: (r) => fallbacks.push(r),
  });
}

const ctx = (budgetMs = 2000) => ({ signal: new AbortController().signal, budgetMs });

describe("the LLM judge", () => {
  for (const stream of [false, true]) {
    const how = stream ? "streamed" : "non-streamed";

    it(`uses a valid ${how} verdict and sends the strict prompt`, async () => {
      const fallbacks: string[] = [];
      mode = { reply: "1" };
      seen.length = 0;
      expect(await judge(stream, fallbacks).classify(q, text, ctx())).toBe("1");
      mode = { reply: " 0\n" };
      expect(await judge(stream, fallbacks).classify(q, text, ctx())).toBe("0");
      expect(fallbacks).toEqual([]);
      const req = seen[0] as { url: string; auth: string; model: string; stream: boolean; messages: never[] };
      expect(req.url).toBe("/v1/chat/completions");
      expect(req.auth).toBe("Bearer k");
      expect(req.model).toBe("judge-model");
      expect(req.stream).toBe(stream);
      expect(JSON.stringify(req.messages)).toContain(JUDGE_SYSTEM_PROMPT.slice(0, 40));
      expect(JSON.stringify(req.messages)).toContain("Roman republic");
    });

    it(`falls back on a malformed ${how} reply`, async () => {
      const fallbacks: string[] = [];
      for (const reply of ["1.", "The answer is 1", "", "01", "yes"]) {
        mode = { reply };
        expect(await judge(stream, fallbacks).classify(q, text, ctx())).toBe("0");
      }
      expect(fallbacks).toHaveLength(5);
      expect(fallbacks[0]).toMatch(/malformed/);
    });

    it(`falls back on an HTTP error (${how})`, async () => {
      const fallbacks: string[] = [];
      mode = { reply: "1", status: 503 };
      expect(await judge(stream, fallbacks).classify(q, text, ctx())).toBe("0");
      expect(fallbacks[0]).toMatch(/HTTP 503/);
    });

    it(`falls back when the ${how} reply comes after the deadline, inside the budget`, async () => {
      const fallbacks: string[] = [];
      mode = { reply: "1", delayMs: 3000 };
      const started = performance.now();
      // Budget 1000 ms, margin 300 ms: the judge gives up at ~700 ms and the fallback answers.
      expect(await judge(stream, fallbacks).classify(q, text, ctx(1000))).toBe("0");
      expect(performance.now() - started).toBeLessThan(2900);
      expect(fallbacks[0]).toMatch(/no reply within 700 ms/);
    });
  }

  it("does not call the endpoint when the budget leaves no time", async () => {
    const fallbacks: string[] = [];
    seen.length = 0;
    mode = { reply: "1" };
    expect(await judge(false, fallbacks).classify(q, text, ctx(200))).toBe("0");
    expect(seen).toHaveLength(0);
    expect(fallbacks[0]).toMatch(/no time/);
  });

  it("parses only exactly 0 or 1", () => {
    expect(parseVerdict("0")).toBe("0");
    expect(parseVerdict("\n1 ")).toBe("1");
    for (const bad of ["", "2", "1.", "**1**", "0 or 1", '{"label":1}'])
      expect(parseVerdict(bad)).toBeUndefined();
  });

  it("is resolved from config with the learned model as its fallback", async () => {
    const fallbacks: string[] = [];
    mode = { reply: "nonsense" };
    const d = await resolveDiscriminator(
      { generator: "offline", discriminator: "llm", llmBaseUrl: baseUrl, llmModel: "m" },
      { ...llmStrategyDeps(), onJudgeFallback: (r) => fallbacks.push(r) },
    );
    expect(d.name).toBe("llm");
    // The learned fallback (shipped model) says "1" for the dummy sentence.
    expect(await d.classify(q, "This is a dummy generation from the base miner", ctx())).toBe("1");
    expect(fallbacks).toHaveLength(1);
    await expect(resolveDiscriminator({ generator: "offline", discriminator: "llm" })).rejects.toThrow(
      /--llm-base-url/,
    );
  });
});
