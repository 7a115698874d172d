import { type FetchLike, OpenAIBackend, TAVILY_ENDPOINT, TavilySearch } from "@apex/llm";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("TavilySearch", () => {
  it("POSTs the query (cut to 399 chars) and max_results with a bearer key", async () => {
    const calls: Array<{ url: string; init: Parameters<FetchLike>[1] }> = [];
    const fetch: FetchLike = async (url, init) => {
      calls.push({ url, init });
      return {
        ok: true,
        status: 200,
        text: async () =>
          JSON.stringify({
            results: [{ title: "T", url: "https://e.example/1", content: "C", score: 0.9 }, 42],
          }),
      };
    };
    const s = new TavilySearch({ apiKey: "tvly-test", fetch });
    const long = "x".repeat(500);
    const res = await s.search(long, 7);
    expect(res).toEqual([{ title: "T", url: "https://e.example/1", content: "C" }]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(TAVILY_ENDPOINT);
    expect(calls[0]!.init.method).toBe("POST");
    expect(calls[0]!.init.headers.authorization).toBe("Bearer tvly-test");
    expect(calls[0]!.init.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(calls[0]!.init.body);
    expect(body.query).toHaveLength(399);
    expect(body.max_results).toBe(7);
  });

  it("turns an HTTP error into an error that names the status", async () => {
    const fetch: FetchLike = async () => ({ ok: false, status: 401, text: async () => "unauthorized" });
    await expect(new TavilySearch({ apiKey: "k", fetch }).search("q", 5)).rejects.toThrow(
      /HTTP 401: unauthorized/,
    );
  });

  it("requires a key", () => {
    expect(() => new TavilySearch({ apiKey: "" })).toThrow(/apiKey is required/);
  });
});

describe("OpenAIBackend against a local OpenAI-compatible server", () => {
  let app: FastifyInstance;
  let baseURL: string;
  const seen: Array<{ auth?: string; body: Record<string, unknown> }> = [];

  beforeAll(async () => {
    app = Fastify();
    app.post("/v1/chat/completions", async (req) => {
      const body = req.body as { model: string; messages: Array<{ content: string }> };
      seen.push({ auth: req.headers.authorization, body: req.body as Record<string, unknown> });
      return {
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 0,
        model: body.model,
        choices: [
          {
            index: 0,
            finish_reason: "stop",
            message: { role: "assistant", content: `echo: ${body.messages.at(-1)?.content}` },
          },
        ],
      };
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const addr = app.server.address();
    if (!addr || typeof addr === "string") throw new Error("no address");
    baseURL = `http://127.0.0.1:${addr.port}/v1`;
  });
  afterAll(() => app.close());

  it("sends model, messages and upstream's defaults, and returns the message text", async () => {
    const b = new OpenAIBackend({ baseURL, apiKey: "sk-test", model: "tiny-model" });
    expect(b.name).toBe("openai:tiny-model");
    const text = await b.complete([
      { role: "system", content: "be brief" },
      { role: "user", content: "hi" },
    ]);
    expect(text).toBe("echo: hi");
    const last = seen.at(-1)!;
    expect(last.auth).toBe("Bearer sk-test");
    expect(last.body).toMatchObject({
      model: "tiny-model",
      stream: false,
      temperature: 0.1,
      max_tokens: 2048,
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hi" },
      ],
    });
  });

  it("passes per-call temperature and max_tokens", async () => {
    const b = new OpenAIBackend({ baseURL, model: "m", maxRetries: 0 });
    await b.complete([{ role: "user", content: "x" }], { temperature: 0.01, maxTokens: 1200 });
    expect(seen.at(-1)!.body).toMatchObject({ temperature: 0.01, max_tokens: 1200 });
  });

  it("fails clearly on a server error", async () => {
    const b = new OpenAIBackend({
      baseURL: `${baseURL}/missing`,
      model: "m",
      maxRetries: 0,
      timeoutMs: 5_000,
    });
    await expect(b.complete([{ role: "user", content: "x" }])).rejects.toThrow(/404/);
  });

  it("validates its options", () => {
    expect(() => new OpenAIBackend({ baseURL: "", model: "m" })).toThrow(/baseURL is required/);
    expect(() => new OpenAIBackend({ baseURL, model: "" })).toThrow(/model is required/);
  });
});
