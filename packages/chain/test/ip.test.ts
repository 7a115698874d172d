// The one IP parser, shared by SubtensorClient (serve_axon) and SimChain, so both treat every address alike.
import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
import { ipFromU128, ipToU128, isValidIpAddress } from "../src/ip.js";

describe("ipToU128 / ipFromU128", () => {
  it("encodes IPv4 as the chain stores it", () => {
    expect(ipToU128("10.0.0.2")).toEqual({ ip: 167772162n, ipType: 4 });
    expect(ipFromU128(167772162n, 4)).toBe("10.0.0.2");
  });

  it("reads an IPv4-mapped (or IPv4-compatible) IPv6 address as IPv6 with the IPv4 in the low 32 bits", () => {
    expect(ipToU128("::ffff:10.0.0.1")).toEqual({ ip: 0xffff_0a00_0001n, ipType: 6 });
    expect(ipToU128("::ffff:10.0.0.1")).toEqual(ipToU128("::ffff:a00:1"));
    expect(ipToU128("::10.0.0.1")).toEqual({ ip: 0x0a00_0001n, ipType: 6 });
    expect(ipToU128("1:2:3:4:5:6:10.0.0.1").ip).toBe(0x0001_0002_0003_0004_0005_0006_0a00_0001n);
    expect(ipFromU128(ipToU128("::ffff:10.0.0.1").ip, 6)).toBe("::ffff:a00:1");
  });

  it("accepts and refuses exactly what node's isIP does on these cases", () => {
    const cases = [
      "10.0.0.2",
      "::1",
      "::",
      "2001:db8::8a2e:370:7334",
      "1:2:3:4:5:6:7:8",
      "::ffff:10.0.0.1",
      "::10.0.0.1",
      "1:2:3:4:5:6:10.0.0.1",
      "1:2:3:4::5:6:7:8", // "::" must stand for at least one group
      "1::2:3:4:5:6:10.0.0.1",
      "1:2:3:4:5:6:7:10.0.0.1",
      "::ffff:1.2.3",
      "::ffff:256.0.0.1",
      "1::2::3",
      "256.1.1.1",
      "localhost",
      "12345::1",
    ];
    for (const text of cases) {
      let parsed: 0 | 4 | 6 = 0;
      try {
        parsed = ipToU128(text).ipType;
      } catch {
        parsed = 0;
      }
      expect(parsed, text).toBe(isIP(text));
    }
  });
});

describe("isValidIpAddress (subtensor's is_valid_ip_address, allow_zero as serve_axon)", () => {
  const valid = (text: string) => {
    const { ip, ipType } = ipToU128(text);
    return isValidIpAddress(ipType, ip);
  };

  it("refuses IPv4 loopback 127.0.0.1 exactly and 255.255.255.255 (not below u32::MAX), allows 0", () => {
    expect(valid("127.0.0.1")).toBe(false);
    expect(valid("255.255.255.255")).toBe(false);
    expect(valid("255.255.255.254")).toBe(true);
    expect(valid("127.0.0.2")).toBe(true);
    expect(valid("0.0.0.0")).toBe(true);
    expect(valid("10.0.0.2")).toBe(true);
  });

  it("refuses IPv6 ::1 and u128::MAX, allows :: and an IPv4-mapped loopback (it is IPv6, not 127.0.0.1)", () => {
    expect(valid("::1")).toBe(false);
    expect(valid("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).toBe(false);
    expect(valid("::")).toBe(true);
    expect(valid("2001:db8::1")).toBe(true);
    expect(valid("::ffff:127.0.0.1")).toBe(true);
  });

  it("leaves other ip_types to serve_axon's type check", () => {
    expect(isValidIpAddress(5, 1n)).toBe(true);
  });
});
