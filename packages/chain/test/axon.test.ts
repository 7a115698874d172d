import { describe, expect, it } from "vitest";
import { axonParams, sameAxon } from "../src/rules.js";

describe("axon announcement (the SDK's serve_extrinsic values)", () => {
  it("fills version_as_int, ip_type, protocol 4 and zero placeholders", () => {
    expect(axonParams(1, "10.0.0.2", 8091)).toEqual({
      netuid: 1,
      version: 3_000_006,
      ip: "10.0.0.2",
      port: 8091,
      ipType: 4,
      protocol: 4,
      placeholder1: 0,
      placeholder2: 0,
    });
    expect(axonParams(1, "2001:db8::1", 8091).ipType).toBe(6);
  });

  it("calls an axon unchanged only when every announced field matches", () => {
    const params = axonParams(1, "10.0.0.2", 8091);
    const onChain = { ...params, block: 40 };
    expect(sameAxon(onChain, params)).toBe(true);
    for (const change of [{ port: 8092 }, { ip: "10.0.0.3" }, { version: 3_000_005 }, { placeholder2: 1 }]) {
      expect(sameAxon({ ...onChain, ...change }, params)).toBe(false);
    }
  });
});
