// What the parts of a localnet run share: the running subnet's handle, the terminal it talks to, who each
// neuron is, and the list of things to stop when the run ends. Types only, so the parts (miners, validators,
// schedule, report) and run.ts can all use them without importing each other.
import type { SimChain } from "@apex/chain";
import type { SqliteResultsStore } from "@apex/db";
import type { RunningMiner } from "@apex/miner";
import type { Clock } from "@apex/protocol";
import type { Validator } from "@apex/validator";
import type { Role } from "./report.js";
import type { RunContext } from "./run-context.js";
import type { LocalnetState } from "./state.js";

export interface LocalnetIo {
  out(line: string): void;
  err(line: string): void;
  /** Progress bar updates (rewritten in place on a TTY). */
  progress?(line: string): void;
  signal?: AbortSignal;
}

/** Who a hotkey is in the run, for the epoch tables, the dashboard and the report. */
export interface NeuronMeta {
  role: Role;
  strategy: string | null;
}

/** What to stop when the run ends, in the order things were started (stopped in reverse). */
export type Closers = Array<() => Promise<void> | void>;

export interface LocalnetHandle {
  chain: SimChain;
  chainUrl: string | null;
  netuid: number;
  /** The run's one notion of time: every part was built from it. */
  context: RunContext;
  /** Same as context.clock. */
  clock: Clock;
  /** Where the validators' DBs are; removed on close when the run made it (no --data-dir, no --keep). */
  dataDir: string;
  validators: Validator[];
  stores: SqliteResultsStore[];
  miners: RunningMiner[];
  state: LocalnetState;
  dashboardUrl: string | null;
  /** Where the validators' references come from (the localnet's writer, a recorded corpus, or an LLM). */
  references: string;
  close(): Promise<void>;
}
