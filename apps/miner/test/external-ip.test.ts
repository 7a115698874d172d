import { VirtualClock } from "@apex/protocol";
import { describe, expect, it } from "vitest";
import { announceIpProblem, discoverExternalIp, type FetchLike } from "../src/external-ip.js";

const answer = (text: string, status = 200) =>
  Promise.resolve({ ok: status < 400, status, text: async () => text });

describe("external IP discovery", () => {
  it("asks the services in order and takes the first valid IP", async () => {
    const asked: string[] = [];
    const fetch: FetchLike = (url) => {
      asked.push(url);
      if (url.includes("one")) return answer("<html>busy</html>");
      if (url.includes("two")) return answer("", 503);
      return answer(" 203.0.113.7\n");
    };
    const ip = await discoverExternalIp({
      services: ["https://one", "https://two", "https://three"],
      timeoutMs: 100,
      fetch,
    });
    expect(ip).toBe("203.0.113.7");
    expect(asked).toEqual(["https://one", "https://two", "https://three"]);
  });

  it("gives up on a slow service after its timeout and says how to proceed when all fail", async () => {
    const clock = new VirtualClock();
    const fetch: FetchLike = (_url, init) =>
      new Promise((_res, reject) =>
        init.signal.addEventListener("abort", () => reject(new Error("aborted"))),
      );
    const p = discoverExternalIp({ services: ["https://slow"], timeoutMs: 5000, fetch, clock });
    await new Promise((r) => setTimeout(r, 5));
    clock.advance(5000);
    await expect(p).rejects.toThrow(/https:\/\/slow: no answer within 5000 ms.*--external-ip/);
  });

  it("refuses 127.0.0.1 and ::1 with the reason and an alternative", () => {
    expect(announceIpProblem("127.0.0.1")).toMatch(/chain rejects.*127\.0\.0\.2/);
    expect(announceIpProblem("::1")).toMatch(/chain rejects/);
    expect(announceIpProblem("0.0.0.0")).toMatch(/not a reachable/);
    expect(announceIpProblem("banana")).toMatch(/not an IPv4 or IPv6/);
    expect(announceIpProblem("127.0.0.2")).toBeUndefined();
    expect(announceIpProblem("2001:db8::1")).toBeUndefined();
  });
});
