// A whole NeuronInfo for tests that care about a few fields: the rest are those of a fresh, never-served neuron,
// so tests need no cast past the type.
import type { AxonInfo, NeuronInfo } from "@apex/chain";

export function neuronInfo(
  fields: Partial<Omit<NeuronInfo, "axon">> & { hotkey: string; axon?: Partial<AxonInfo> },
): NeuronInfo {
  const { axon, ...rest } = fields;
  return {
    uid: 0,
    coldkey: "",
    stake: 0,
    validatorPermit: false,
    incentive: 0,
    consensus: 0,
    dividends: 0,
    trust: 0,
    validatorTrust: 0,
    rank: 0,
    emission: 0,
    lastUpdate: 0,
    active: true,
    registeredAt: 0,
    taoStake: 0,
    ...rest,
    // Unless given: alpha + TAO at the 0.18 TAO weight mainnet runs.
    totalStake: rest.totalStake ?? (rest.stake ?? 0) + (rest.taoStake ?? 0) * 0.18,
    axon: {
      ip: "0.0.0.0",
      port: 0,
      ipType: 4,
      protocol: 4,
      version: 0,
      placeholder1: 0,
      placeholder2: 0,
      block: 0,
      ...axon,
    },
  };
}
