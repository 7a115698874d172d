// The served SimChain's wire format (JSON over HTTP), shared by server and client.
//
//   POST /rpc   {"method": M, "params": P}  →  200 {"result": R}  |  4xx/5xx {"error": {chainError, message, kind}}
//     reads:   currentBlock {} · metagraph {netuid} · hyperparameters {netuid} · subnetOwnerHotkey {netuid}
//              subnetExists {netuid} · accountNonce {address} · info {}
//     writes:  submit <SignedCall>  (signed by the caller; the server verifies; secret keys never cross the wire)
//   GET  /blocks?after=N&waitMs=W  →  {"block": B}  as soon as B > N, or the current block after W ms (long-poll)
//   GET  /health                   →  {"ok": true, "block": B}
// Bigints travel as decimal strings (Hyperparameters.burn).
import type { ChainError } from "../types.js";

export interface WireError {
  chainError: string;
  message: string;
  kind: ChainError["kind"];
}

export const MAX_BODY_BYTES = 1 << 20;
export const MAX_LONG_POLL_MS = 30_000;
export const DEFAULT_PORT = 9955;
