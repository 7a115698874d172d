// The one seam to any language model: an OpenAI-compatible endpoint or a deterministic offline backend.

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface CompleteOptions {
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
}

export interface TextBackend {
  readonly name: string;
  complete(messages: ChatMessage[], options?: CompleteOptions): Promise<string>;
}

export interface SearchResult {
  title: string;
  url: string;
  content: string;
}

export interface WebSearch {
  search(query: string, maxResults: number, signal?: AbortSignal): Promise<SearchResult[]>;
}
