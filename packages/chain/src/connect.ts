// Reaching a chain by network name or URL: the one rule the miner, validator and localnet CLIs share.
import { DEFAULT_SIM_ENDPOINT, SimChainClient } from "./served/client.js";
import { SubtensorClient } from "./subtensor/client.js";
import type { ChainClient } from "./types.js";

export interface ChainTarget {
  /** "sim", an http(s):// served SimChain, a subtensor network name (finney, test, local, archive), ws(s):// URLs. */
  network: string | readonly string[];
  /** Overrides the network's endpoint: http(s):// for a served SimChain, ws(s):// for subtensor. */
  endpoint?: string | undefined;
  /** Deadline for each subtensor RPC call, ms (SubtensorClient's default when absent); a served SimChain ignores it. */
  rpcTimeoutMs?: number | undefined;
}

const SERVED_SIM = /^https?:\/\//;

/**
 * A connected ChainClient: "sim" is a served SimChain (default endpoint unless `endpoint` is given), an http(s) URL
 * (as the network or the endpoint) another served SimChain; anything else is subtensor (names and ws URLs).
 */
export async function connectChain(target: ChainTarget): Promise<ChainClient> {
  const { network, endpoint, rpcTimeoutMs } = target;
  const first = typeof network === "string" ? network : network[0];
  if (first === "sim") return new SimChainClient(endpoint ?? DEFAULT_SIM_ENDPOINT);
  if (first !== undefined && SERVED_SIM.test(first)) return new SimChainClient(endpoint ?? first);
  if (endpoint !== undefined && SERVED_SIM.test(endpoint)) return new SimChainClient(endpoint);
  const client = new SubtensorClient({ endpoints: endpoint ?? network, rpcTimeoutMs });
  await client.connect();
  return client;
}
