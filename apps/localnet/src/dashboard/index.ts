export type { DashboardArgs, DashboardCommandIo } from "./command.js";
export { DASHBOARD_OPTIONS, DASHBOARD_USAGE, dashboardCommand, parseDashboardArgs } from "./command.js";
export type { DashboardPage } from "./page.js";
export { dashboardPage } from "./page.js";
export type { DashboardServer, DashboardServerOptions } from "./server.js";
export { buildDashboardApp, serveDashboard, sseFrame } from "./server.js";
export type {
  DashboardAnswer,
  DashboardEvent,
  DashboardHistoryPoint,
  DashboardNeuron,
  DashboardRound,
  DashboardSnapshot,
  DashboardSource,
  NeuronRole,
} from "./types.js";
export { MAX_DASHBOARD_ROUNDS } from "./types.js";
export type { FetchLike, FetchResponseLike, ValidatorStatusSourceOptions } from "./validator-source.js";
export { normaliseWeights, snapshotFromValidatorStatus, validatorStatusSource } from "./validator-source.js";
