// The miner's uses of @apex/llm in one place: the validator's offline reference (to train the learned
// discriminator) and the OpenAI-compatible backend (for --generator llm).

import type { TextBackend } from "@apex/llm";
import * as llm from "@apex/llm";
import type { ReferenceSource } from "./strategies/dataset.js";

type LlmModule = {
  offlineReport?: (query: string, seed: number) => string;
  OpenAIBackend?: new (opts: { baseUrl: string; model: string; apiKey?: string }) => TextBackend;
};
const mod = llm as unknown as LlmModule;

/** The text the validator's offline reference pipeline produces for a query. */
export function referenceSource(): ReferenceSource {
  const f = mod.offlineReport;
  if (!f) throw new Error("@apex/llm offlineReport is not available");
  return (query, seed) => f(query, seed);
}

export function openAIBackend(opts: { baseUrl: string; model: string; apiKey?: string }): TextBackend {
  if (!mod.OpenAIBackend) throw new Error("@apex/llm OpenAIBackend is not available");
  return new mod.OpenAIBackend(opts);
}
