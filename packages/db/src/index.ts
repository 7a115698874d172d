export type { HotkeyWindowStats, StoredScoredRow, WindowSummary } from "./queries/window.js";
export { countedFlags, VALIDATOR_HOTKEY, validateRound } from "./rules.js";
export * as schema from "./schema/index.js";
export {
  MIGRATIONS_FOLDER,
  type OpenResultsStoreOptions,
  openResultsStore,
  type SqliteResultsStore,
} from "./store.js";
export * from "./types.js";
export {
  IMPORT_COMMAND,
  type ImportReport,
  importUpstreamResults,
  isUpstreamSchema,
  roundFromUpstream,
  UpstreamResultsDbError,
  upstreamRoundId,
} from "./upstream.js";
