export { type AgentStep, parseAgentStep } from "./agent-step.js";
export { classifyPrompt, OfflineBackend, type OfflineBackendOptions, type OfflineTask } from "./offline.js";
export {
  DEFAULT_MAX_TOKENS,
  DEFAULT_TEMPERATURE,
  OpenAIBackend,
  type OpenAIBackendOptions,
} from "./openai.js";
export {
  type FinalReportInput,
  finalReportPrompt,
  type NumberedSource,
  QUERY_TASK_MARKER,
  queryPrompt,
  REPORT_SECTIONS,
  REPORT_TASK_MARKER,
  reportInstructions,
  researchReportPrompt,
  researchStepPrompt,
  STEP_TASK_MARKER,
  type StepPromptInput,
} from "./prompts.js";
export { type MadeQuery, type MakeQueryOptions, makeQuery } from "./query.js";
export { hashString, pick, type Rng, randInt, sample, seededRandom } from "./random.js";
export {
  estimateTokens,
  offlineReport,
  RESEARCH_DEFAULTS,
  type ResearchClock,
  type ResearchOptions,
  type ResearchResult,
  type ResearchStep,
  type ResearchStopReason,
  runResearch,
} from "./research.js";
export {
  type FetchLike,
  OfflineWebSearch,
  type OfflineWebSearchOptions,
  TAVILY_ENDPOINT,
  TAVILY_QUERY_LIMIT,
  TavilySearch,
  type TavilySearchOptions,
} from "./search.js";
export * from "./types.js";
export { type LexEntry, type Lexicon, lexicon, vocabulary } from "./words.js";
