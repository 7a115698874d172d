// Which IP to announce on chain: --external-ip wins; else ask check-IP services in order, each with a timeout.
import { isIP } from "node:net";
import { type Clock, systemClock } from "@apex/protocol";

export type FetchLike = (
  url: string,
  init: { signal: AbortSignal },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export interface DiscoverOptions {
  services: string[];
  timeoutMs: number;
  fetch?: FetchLike;
  clock?: Clock;
}

/** Tries each service in order; returns the first answer that is an IP address. */
export async function discoverExternalIp(opts: DiscoverOptions): Promise<string> {
  const fetchFn = opts.fetch ?? (globalThis.fetch as unknown as FetchLike);
  const clock = opts.clock ?? systemClock;
  const failures: string[] = [];
  for (const url of opts.services) {
    const ac = new AbortController();
    const timer = new AbortController();
    clock.sleep(opts.timeoutMs, timer.signal).then(
      () => ac.abort(new Error(`no answer within ${opts.timeoutMs} ms`)),
      () => {},
    );
    try {
      const res = await fetchFn(url, { signal: ac.signal });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = (await res.text()).trim();
      if (isIP(body) === 0) throw new Error(`answered "${body.slice(0, 40)}", not an IP address`);
      return body;
    } catch (err) {
      const e = err as Error;
      failures.push(`${url}: ${ac.signal.aborted ? `no answer within ${opts.timeoutMs} ms` : e.message}`);
    } finally {
      timer.abort();
    }
  }
  throw new Error(
    `could not discover the external IP (${failures.join("; ") || "no check-IP services configured"}); ` +
      "pass it with --external-ip",
  );
}

/** Explains why an IP cannot be announced, or returns undefined when it can. */
export function announceIpProblem(ip: string): string | undefined {
  const kind = isIP(ip);
  if (kind === 0) return `"${ip}" is not an IPv4 or IPv6 address`;
  if (ip === "127.0.0.1" || ip === "::1") {
    return (
      `cannot announce ${ip}: the chain rejects exactly 127.0.0.1 and ::1 (InvalidIpAddress). For local work ` +
      "use another loopback address such as 127.0.0.2 (Linux routes all of 127.0.0.0/8 to this machine), or a LAN IP"
    );
  }
  if (ip === "0.0.0.0" || ip === "::") return `cannot announce ${ip}: it is not a reachable address`;
  return undefined;
}
