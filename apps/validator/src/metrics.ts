// Prometheus metrics, one registry per validator so several validators can share a process (the localnet).
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface ValidatorMetrics {
  registry: Registry;
  rounds: Counter<"kind">;
  referenceFailures: Counter<string>;
  minerRequests: Counter<"role" | "outcome">;
  minerLatency: Histogram<"role">;
  missingAnswers: Counter<"role" | "reason">;
  roundDuration: Histogram<"kind">;
  weightSubmissions: Counter<"mode" | "outcome">;
  dbSize: Gauge<string>;
  chainHead: Gauge<string>;
}

export function createMetrics(dbSizeBytes: () => number, chainHead: () => number | null): ValidatorMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    rounds: new Counter({
      name: "apex_validator_rounds_total",
      help: "Rounds stored, by kind (reference: GT=0, generator: GT=1)",
      labelNames: ["kind"],
      registers,
    }),
    referenceFailures: new Counter({
      name: "apex_validator_reference_failures_total",
      help: "Deep-research references that failed (the round fell back to a generator round)",
      registers,
    }),
    minerRequests: new Counter({
      name: "apex_validator_miner_requests_total",
      help: "Miner requests by role and outcome (answered / no_answer); answer rate = answered / all",
      labelNames: ["role", "outcome"],
      registers,
    }),
    missingAnswers: new Counter({
      name: "apex_validator_missing_answers_total",
      help: "Miner answers that did not arrive, by role and reason (timeout, http_<status>, transport, invalid_answer)",
      labelNames: ["role", "reason"],
      registers,
    }),
    minerLatency: new Histogram({
      name: "apex_validator_miner_latency_seconds",
      help: "Miner request latency, by role",
      labelNames: ["role"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 20, 30],
      registers,
    }),
    roundDuration: new Histogram({
      name: "apex_validator_round_duration_seconds",
      help: "Wall time of a whole round",
      labelNames: ["kind"],
      buckets: [0.1, 0.5, 1, 5, 10, 20, 30, 60, 120, 300, 600],
      registers,
    }),
    weightSubmissions: new Counter({
      name: "apex_validator_weight_submissions_total",
      help: "Weight submission attempts by mode (set/commit/reveal) and outcome (ok/error/skipped)",
      labelNames: ["mode", "outcome"],
      registers,
    }),
    dbSize: new Gauge({
      name: "apex_validator_db_size_bytes",
      help: "Size of the results database file (with its WAL)",
      registers,
      collect() {
        this.set(dbSizeBytes());
      },
    }),
    chainHead: new Gauge({
      name: "apex_validator_chain_head",
      help: "Last chain block seen",
      registers,
      collect() {
        const b = chainHead();
        if (b !== null) this.set(b);
      },
    }),
  };
}
