// The served SimChain's wire format (JSON over HTTP), shared by server and client.
//
//   POST /rpc   {"method": M, "params": P}  →  200 {"result": R}  |  4xx/5xx {"error": {chainError, message, kind}}
//     reads:   currentBlock {} · metagraph {netuid} · hyperparameters {netuid} · subnetOwnerHotkey {netuid}
//              subnetExists {netuid} · accountNonce {address} · info {}
//     writes:  submit <SignedCall>  (signed by the caller; the server verifies; secret keys never cross the wire)
//   GET  /blocks?after=N&waitMs=W  →  {"block": B}  as soon as B > N, or the current block after W ms (long-poll)
//   GET  /health                   →  {"ok": true, "block": B}
// Bigints travel as decimal strings (Hyperparameters.burn).
import type { IncomingHttpHeaders } from "node:http";
import { isIP } from "node:net";
import type { ChainError } from "../types.js";

export interface WireError {
  chainError: string;
  message: string;
  kind: ChainError["kind"];
}

export const MAX_BODY_BYTES = 1 << 20;
export const MAX_LONG_POLL_MS = 30_000;
export const DEFAULT_PORT = 9955;

/**
 * Why a request to a local-only server (the served SimChain, the dashboard) looks like a web page's doing, or null.
 * A page in the user's browser can POST `text/plain` anywhere without a preflight, and DNS rebinding makes
 * `evil.example` resolve to 127.0.0.1; so: the Host must be an address or `localhost` (or a name the operator
 * allowed), an Origin must be this very host, and a POST must say `application/json`, which no page can send
 * cross-origin without a preflight we never answer.
 */
export function browserRequestProblem(
  headers: IncomingHttpHeaders,
  method: string,
  allowedHosts: readonly string[] = [],
): { status: 403 | 415; message: string } | null {
  const host = headers.host ?? "";
  const hostname = host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.replace(/:\d+$/, "");
  if (
    hostname !== "" &&
    isIP(hostname) === 0 &&
    hostname.toLowerCase() !== "localhost" &&
    !allowedHosts.includes(hostname.toLowerCase())
  )
    return { status: 403, message: `Host ${hostname.slice(0, 100)} is not an address of this server` };
  const origin = headers.origin;
  if (origin !== undefined && origin !== "null") {
    let originHost = "";
    try {
      originHost = new URL(origin).host;
    } catch {
      // unparseable: refused below
    }
    if (originHost !== host) return { status: 403, message: "cross-origin requests are refused" };
  } else if (origin === "null") {
    return { status: 403, message: "cross-origin requests are refused" };
  }
  if (method === "POST") {
    const [mediaType = ""] = (headers["content-type"] ?? "").split(";"); // split gives at least one piece
    const type = mediaType.trim().toLowerCase();
    if (type !== "application/json") return { status: 415, message: "content-type must be application/json" };
  }
  return null;
}
