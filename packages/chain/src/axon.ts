// The axon a neuron announces with serve_axon, as the Python SDK's serve_extrinsic fills it; one home for the miner,
// the validator's syncer endpoint and the localnet. Facts: docs/upstream.md § "Axon".
import { isIP } from "node:net";
import { axonVersion } from "@apex/protocol";
import type { AxonInfo, ServeAxonParams } from "./types.js";

/** serve_axon parameters: the SDK's version_as_int, ip_type from the address, protocol 4, both placeholders 0. */
export function axonParams(netuid: number, ip: string, port: number): ServeAxonParams {
  return {
    netuid,
    version: axonVersion(),
    ip,
    port,
    ipType: isIP(ip) === 6 ? 6 : 4,
    protocol: 4,
    placeholder1: 0,
    placeholder2: 0,
  };
}

/** The SDK's skip rule (without the neuron's identity): the chain already holds exactly these axon values. */
export function sameAxon(axon: AxonInfo, params: ServeAxonParams): boolean {
  return (
    axon.ip === params.ip &&
    axon.port === params.port &&
    axon.ipType === params.ipType &&
    axon.protocol === params.protocol &&
    axon.version === params.version &&
    axon.placeholder1 === params.placeholder1 &&
    axon.placeholder2 === params.placeholder2
  );
}
