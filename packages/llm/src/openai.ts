// OpenAIBackend: any OpenAI-compatible chat endpoint (vLLM, Ollama, OpenAI, Chutes) through the openai client.
import OpenAI from "openai";
import type { ChatMessage, CompleteOptions, TextBackend } from "./types.js";

/** Upstream's request defaults (docs/upstream.md § Query and LLM). */
export const DEFAULT_TEMPERATURE = 0.1;
export const DEFAULT_MAX_TOKENS = 2048;

export interface OpenAIBackendOptions {
  baseURL: string;
  /** Local servers (vLLM, Ollama) accept any key; a placeholder is sent when none is given. */
  apiKey?: string;
  model: string;
  /** Per-request timeout in ms. Default 60 s. */
  timeoutMs?: number;
  /** The client's own retries on 429/5xx/connection errors. Default 2. */
  maxRetries?: number;
  temperature?: number;
  maxTokens?: number;
}

export class OpenAIBackend implements TextBackend {
  readonly name: string;
  private readonly client: OpenAI;

  constructor(private readonly opts: OpenAIBackendOptions) {
    if (!opts.baseURL) throw new Error("OpenAIBackend: baseURL is required (e.g. http://127.0.0.1:8000/v1)");
    if (!opts.model) throw new Error("OpenAIBackend: model is required (the name your server serves)");
    this.name = `openai:${opts.model}`;
    this.client = new OpenAI({
      baseURL: opts.baseURL,
      apiKey: opts.apiKey || "not-needed",
      timeout: opts.timeoutMs ?? 60_000,
      maxRetries: opts.maxRetries ?? 2,
    });
  }

  async complete(messages: ChatMessage[], options: CompleteOptions = {}): Promise<string> {
    const res = await this.client.chat.completions.create(
      {
        model: this.opts.model,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        stream: false,
        temperature: options.temperature ?? this.opts.temperature ?? DEFAULT_TEMPERATURE,
        max_tokens: options.maxTokens ?? this.opts.maxTokens ?? DEFAULT_MAX_TOKENS,
      },
      { signal: options.signal },
    );
    const choice = res.choices?.[0];
    if (!choice) throw new Error(`OpenAIBackend: ${this.opts.baseURL} returned no choices`);
    return choice.message?.content ?? "";
  }
}
