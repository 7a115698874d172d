// Prometheus metrics. Each app gets its own registry so several miners can live in one process (localnet).
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

export interface MinerMetrics {
  registry: Registry;
  requests: Counter<"step" | "outcome">;
  latency: Histogram<"step">;
  authRejections: Counter<"reason">;
  fallbacks: Counter<"step" | "strategy" | "cause">;
}

export function createMetrics(opts: { processMetrics?: boolean } = {}): MinerMetrics {
  const registry = new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry, prefix: "apex_miner_" });
  return {
    registry,
    requests: new Counter({
      name: "apex_miner_requests_total",
      help: "Requests to /v1/chat/completions by step (generator, discriminator, unknown) and outcome",
      labelNames: ["step", "outcome"],
      registers: [registry],
    }),
    latency: new Histogram({
      name: "apex_miner_request_duration_seconds",
      help: "Time to answer an accepted request, by step",
      labelNames: ["step"],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 15, 20],
      registers: [registry],
    }),
    authRejections: new Counter({
      name: "apex_miner_auth_rejections_total",
      help: "Requests refused by Epistula verification or the rate limit, by reason",
      labelNames: ["reason"],
      registers: [registry],
    }),
    fallbacks: new Counter({
      name: "apex_miner_strategy_fallbacks_total",
      help: "Times a strategy was replaced by the fast fallback, by step, strategy and cause",
      labelNames: ["step", "strategy", "cause"],
      registers: [registry],
    }),
  };
}
