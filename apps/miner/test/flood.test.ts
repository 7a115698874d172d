import { VirtualClock } from "@apex/protocol";
import { describe, expect, it } from "vitest";
import { addressKey, FloodGuard, RefusalCounter } from "../src/flood.js";

describe("flood guard (pure, on a virtual clock)", () => {
  it("keys IPv4 as is and IPv6 by /64, IPv4-mapped as IPv4", () => {
    expect(addressKey("203.0.113.7")).toBe("203.0.113.7");
    expect(addressKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(addressKey("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:2::9")).toBe(addressKey("2001:db8:1:2:ffff::1"));
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
  });

  it("an address bucket: burst, then 429, refilled with time", () => {
    const clock = new VirtualClock(0);
    const g = new FloodGuard({ clock, perIpPerMinute: 120 }); // burst 20, 2 per second
    const results = Array.from({ length: 25 }, () => g.admit("10.0.0.1", undefined));
    expect(results.filter((r) => r === null)).toHaveLength(20);
    expect(results.at(-1)).toBe("address_rate_limited");
    expect(g.admit("10.0.0.2", undefined)).toBeNull(); // another address is untouched
    clock.advance(1_000);
    expect(g.admit("10.0.0.1", undefined)).toBeNull();
  });

  it("failed verifications spend the budget of that signer at that address only; verified addresses stay welcome", () => {
    const clock = new VirtualClock(0);
    const g = new FloodGuard({ clock, perIpPerMinute: 0, failuresPerMinute: 3 });
    g.verified("V", "10.0.0.5");
    for (let i = 0; i < 3; i++) {
      expect(g.admit("10.0.0.9", "V")).toBeNull();
      g.failed("V", "10.0.0.9");
    }
    expect(g.admit("10.0.0.9", "V")).toBe("signer_under_attack");
    expect(g.admit("10.0.0.9", "W")).toBeNull(); // another claimed signer
    expect(g.admit("10.0.0.7", "V")).toBeNull(); // V from a new address
    g.failed("V", "10.0.0.5");
    g.failed("V", "10.0.0.5");
    g.failed("V", "10.0.0.5");
    g.failed("V", "10.0.0.5");
    expect(g.admit("10.0.0.5", "V")).toBeNull(); // verified before: never locked out
    clock.advance(20_000); // one token back at 3 per minute
    expect(g.admit("10.0.0.9", "V")).toBeNull();
  });

  it("refusals are logged as counts at most once per interval", () => {
    const clock = new VirtualClock(0);
    const lines: Array<Record<string, number>> = [];
    const c = new RefusalCounter(clock, (counts) => lines.push(counts), 10_000);
    for (let i = 0; i < 4000; i++) {
      c.count(i % 2 ? "a" : "b");
      clock.advance(5);
    }
    // 4000 refusals over 20 s: one line at the 10 s mark, the rest on flush (close).
    const sum = (x: Record<string, number>) => Object.values(x).reduce((a, v) => a + v, 0);
    expect(lines).toHaveLength(1);
    expect(sum(lines[0]!)).toBe(2001);
    c.flush();
    expect(lines).toHaveLength(2);
    expect(sum(lines[0]!) + sum(lines[1]!)).toBe(4000);
  });
});
