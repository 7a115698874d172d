// IP text <-> the u128 integer and ip_type that serve_axon and the metagraph carry: one parser for SubtensorClient
// and SimChain, so both accept and refuse the same addresses. Facts: docs/upstream.md § "Axon".

const DOTTED_V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(text: string, whole: string): bigint {
  const m = DOTTED_V4.exec(text);
  if (!m) throw new Error(`invalid IPv4 address "${whole}"`);
  let ip = 0n;
  for (const part of m.slice(1)) {
    const n = Number(part);
    if (n > 255) throw new Error(`invalid IPv4 address "${whole}": octet ${n} > 255`);
    ip = (ip << 8n) | BigInt(n);
  }
  return ip;
}

/**
 * Dotted IPv4 or IPv6 text → the chain's u128 and ip_type. IPv6 may end in a dotted IPv4 tail (RFC 4291 §2.2.3),
 * so an IPv4-mapped address like "::ffff:10.0.0.1" is IPv6 0xffff0a000001, as the Python SDK (netaddr) encodes it.
 */
export function ipToU128(text: string): { ip: bigint; ipType: 4 | 6 } {
  if (DOTTED_V4.test(text)) return { ip: parseIpv4(text, text), ipType: 4 };
  if (!text.includes(":")) throw new Error(`invalid IP address "${text}": expected dotted IPv4 or IPv6`);
  const halves = text.split("::");
  if (halves.length > 2) throw new Error(`invalid IPv6 address "${text}": more than one "::"`);
  const groupsOf = (s: string) => (s === "" ? [] : s.split(":"));
  const [before = "", after] = halves;
  const head = groupsOf(before);
  const tail = after === undefined ? [] : groupsOf(after);
  // A dotted IPv4 tail stands for the last two groups.
  const last = after === undefined ? head : tail;
  const v4Tail = last.at(-1)?.includes(".") ? last.pop() : undefined;
  if (v4Tail !== undefined) {
    const v4 = parseIpv4(v4Tail, text);
    last.push((v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16));
  }
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < (halves.length === 2 ? 1 : 0)) {
    throw new Error(`invalid IPv6 address "${text}": expected 8 groups`);
  }
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  let ip = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new Error(`invalid IPv6 address "${text}": bad group "${g}"`);
    ip = (ip << 16n) | BigInt(Number.parseInt(g, 16));
  }
  return { ip, ipType: 6 };
}

/** The chain's u128 IP → dotted IPv4 / compressed IPv6 text (RFC 5952: the longest run of ≥ 2 zero groups). */
export function ipFromU128(ip: bigint | number | string, ipType: number): string {
  const value = BigInt(ip);
  if (ipType === 4) {
    if (value < 0n || value > 0xffffffffn) throw new Error(`ip ${value} does not fit IPv4`);
    return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 0xffn).toString()).join(".");
  }
  if (ipType !== 6) throw new Error(`ip_type must be 4 or 6, got ${ipType}`);
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/**
 * subtensor's `is_valid_ip_address` with allow_zero = true, as serve_axon calls it: refuses IPv4 127.0.0.1 exactly
 * and ≥ 0xffffffff, IPv6 ::1 and u128::MAX; any other ip_type passes here (serve_axon checks the type first).
 */
export function isValidIpAddress(ipType: number, ip: bigint): boolean {
  if (ipType === 4) return ip < 0xffff_ffffn && ip !== 0x7f00_0001n;
  if (ipType === 6) return ip !== (1n << 128n) - 1n && ip !== 1n;
  return true;
}
