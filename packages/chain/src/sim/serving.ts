// serve_axon: the IP rules (parsed by ../ip.ts, the one IP parser), the port rule and the serving rate limit.
import { ipFromU128, ipToU128, isValidIpAddress } from "../ip.js";
import { ChainError } from "../types.js";
import { num, str } from "./call-args.js";
import type { CallArgs } from "./signing.js";
import { type CallResult, fail, neuronAt, type SimState, subnetOrThrow, tx, uidOf } from "./state.js";

/** IP text that must be of the given ip_type → subtensor's u128 integer; anything else is InvalidIpAddress. */
function ipOfType(ip: string, ipType: 4 | 6): bigint {
  let parsed: ReturnType<typeof ipToU128>;
  try {
    parsed = ipToU128(ip);
  } catch (err) {
    throw new ChainError("InvalidIpAddress", (err as Error).message);
  }
  if (parsed.ipType !== ipType)
    throw new ChainError("InvalidIpAddress", `"${ip}" is not an IPv${ipType} address`);
  return parsed.ip;
}

export function serveAxon(state: SimState, hotkey: string, args: CallArgs): CallResult {
  const netuid = num(args, "netuid");
  const sn = subnetOrThrow(state, netuid);
  const uid = uidOf(sn, hotkey);
  if (uid === undefined) fail("HotKeyNotRegisteredInNetwork");
  const ipType = num(args, "ipType");
  if (ipType !== 4 && ipType !== 6) fail("InvalidIpType", `ip_type must be 4 or 6, got ${ipType}`);
  const ipText = str(args, "ip");
  const ip = ipOfType(ipText, ipType);
  if (!isValidIpAddress(ipType, ip))
    fail("InvalidIpAddress", `${ipText} is not servable (127.0.0.1 and ::1 are refused; use e.g. 127.0.0.2)`);
  const nr = neuronAt(sn, uid);
  const limit = sn.params.servingRateLimit;
  if (!(limit === 0 || nr.axon.block === 0 || state.block - nr.axon.block >= limit))
    fail("ServingRateLimitExceeded", `serve again after block ${nr.axon.block + limit}`);
  const port = num(args, "port");
  if (port === 0) fail("InvalidPort", "port must not be 0");
  nr.axon = {
    // Read back the way the chain stores it (a u128), so the sim's metagraph text matches SubtensorClient's.
    ip: ipFromU128(ip, ipType),
    port,
    ipType,
    protocol: num(args, "protocol"),
    version: num(args, "version"),
    placeholder1: num(args, "placeholder1"),
    placeholder2: num(args, "placeholder2"),
    block: state.block,
  };
  return tx(state, "AxonServed");
}
