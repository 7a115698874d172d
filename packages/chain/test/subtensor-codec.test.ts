import { describe, expect, it } from "vitest";
import {
  adminCallFor,
  ChainError,
  CUSTOM_TX_ERRORS,
  chooseTimelockCall,
  chooseWeightsCall,
  hyperparametersFrom,
  ipFromU128,
  ipToU128,
  neuronFromLite,
  poolRejection,
  raoToUnits,
  resolveEndpoints,
  stakesFromSubnetState,
  toKeyringPair,
  u16Ratio,
} from "../src/index.js";

describe("endpoints", () => {
  it("resolves network names and keeps URLs in the given order", () => {
    expect(resolveEndpoints("local")).toEqual(["ws://127.0.0.1:9944"]);
    expect(resolveEndpoints("finney")[0]).toMatch(/^wss:\/\/entrypoint-finney/);
    expect(resolveEndpoints(["ws://a:1", "test"])).toEqual([
      "ws://a:1",
      "wss://test.finney.opentensor.ai:443",
    ]);
  });

  it("rejects names and URLs it cannot use, saying what is accepted", () => {
    expect(() => resolveEndpoints("mainnet")).toThrow(/neither a network name .*finney.* nor a ws/);
    expect(() => resolveEndpoints("http://127.0.0.1:9944")).toThrow(/ws:\/\/ or wss:\/\//);
    expect(() => resolveEndpoints([])).toThrow(/no endpoint/);
  });
});

describe("ip u128 <-> text", () => {
  it("round-trips IPv4 the way the chain stores it", () => {
    expect(ipToU128("10.0.0.2")).toEqual({ ip: 167772162n, ipType: 4 });
    expect(ipFromU128(167772162n, 4)).toBe("10.0.0.2");
    expect(ipToU128("127.0.0.1").ip).toBe(0x7f000001n);
    expect(ipFromU128(0, 4)).toBe("0.0.0.0");
  });

  it("round-trips IPv6 with zero-run compression", () => {
    expect(ipToU128("::1")).toEqual({ ip: 1n, ipType: 6 });
    expect(ipFromU128(1n, 6)).toBe("::1");
    const { ip } = ipToU128("2001:db8::8a2e:370:7334");
    expect(ip).toBe(0x20010db8000000000000_8a2e03707334n);
    expect(ipFromU128(ip, 6)).toBe("2001:db8::8a2e:370:7334");
    expect(ipFromU128(ipToU128("1:2:3:4:5:6:7:8").ip, 6)).toBe("1:2:3:4:5:6:7:8");
  });

  it("rejects malformed addresses with a reason", () => {
    expect(() => ipToU128("256.1.1.1")).toThrow(/octet 256/);
    expect(() => ipToU128("localhost")).toThrow(/expected dotted IPv4 or IPv6/);
    expect(() => ipToU128("1::2::3")).toThrow(/more than one/);
    expect(() => ipFromU128(1n << 40n, 4)).toThrow(/IPv4/);
  });
});

describe("ratios and amounts", () => {
  it("maps u16 ratios to [0,1] and rao to units without float loss on big amounts", () => {
    expect(u16Ratio(65535)).toBe(1);
    expect(u16Ratio(0)).toBe(0);
    expect(u16Ratio(32768)).toBeCloseTo(0.50000763, 7);
    expect(raoToUnits(4510025173n)).toBeCloseTo(4.510025173, 9);
    expect(raoToUnits(10n ** 18n + 500_000_001n)).toBeCloseTo(1_000_000_000.5, 6);
  });
});

describe("NeuronInfoLite mapping", () => {
  const raw = {
    hotkey: "5Hot",
    coldkey: "5Cold",
    uid: 2,
    netuid: 2,
    active: true,
    axon_info: {
      block: 24,
      version: 1,
      ip: "167772162",
      port: 8091,
      ip_type: 4,
      protocol: 4,
      placeholder1: 0,
      placeholder2: 0,
    },
    stake: [["5Cold", 1_500_000_000]],
    rank: 0,
    emission: 4510025173,
    incentive: 65535,
    consensus: 65535,
    trust: 65535,
    validator_trust: 0,
    dividends: 0,
    last_update: 23,
    validator_permit: false,
    pruning_score: 65535,
  };

  it("maps ratios, stake, emission and the axon", () => {
    const n = neuronFromLite(raw, 7);
    expect(n).toMatchObject({
      uid: 2,
      hotkey: "5Hot",
      coldkey: "5Cold",
      stake: 1.5,
      incentive: 1,
      dividends: 0,
    });
    expect(n.emission).toBeCloseTo(4.510025173, 9);
    expect(n.registeredAt).toBe(7);
    expect(n.axon).toEqual({
      ip: "10.0.0.2",
      port: 8091,
      ipType: 4,
      protocol: 4,
      version: 1,
      placeholder1: 0,
      placeholder2: 0,
      block: 24,
    });
  });

  it("accepts camelCase keys too", () => {
    const camel = {
      hotkey: "5Hot",
      uid: 1,
      validatorPermit: true,
      validatorTrust: 32767,
      lastUpdate: 9,
      axonInfo: { ip: "167772163", ipType: 4, port: 9 },
    };
    const n = neuronFromLite(camel);
    expect(n.validatorPermit).toBe(true);
    expect(n.validatorTrust).toBeCloseTo(0.49999, 4);
    expect(n.lastUpdate).toBe(9);
    expect(n.axon).toMatchObject({ ip: "10.0.0.3", port: 9 });
  });
});

describe("hyperparameters mapping", () => {
  it("maps SubnetHyperparams and the storage extras", () => {
    const h = hyperparametersFrom(
      {
        tempo: 10,
        weights_rate_limit: 100,
        weights_version: 0,
        min_allowed_weights: 1,
        max_weights_limit: 65535,
        commit_reveal_weights_enabled: true,
        commit_reveal_period: 1,
        activity_cutoff: 5000,
        immunity_period: 4096,
        max_validators: 64,
        serving_rate_limit: 50,
        kappa: 32767,
        bonds_moving_avg: 900000,
        registration_allowed: true,
      },
      { maxAllowedUids: 256, burn: 1_000_000_000n, blockTimeMs: 12000 },
    );
    expect(h).toEqual({
      tempo: 10,
      weightsRateLimit: 100,
      weightsVersion: 0,
      minAllowedWeights: 1,
      maxWeightLimit: 65535,
      commitRevealEnabled: true,
      commitRevealPeriod: 1,
      activityCutoff: 5000,
      immunityPeriod: 4096,
      maxAllowedUids: 256,
      maxAllowedValidators: 64,
      servingRateLimit: 50,
      burn: 1_000_000_000n,
      kappa: 32767,
      bondsMovingAverage: 900000,
      registrationAllowed: true,
      blockTimeMs: 12000,
    });
  });
});

describe("pool rejections", () => {
  it("maps subtensor's custom codes in both node and chopsticks wording", () => {
    const node = poolRejection(new Error("1010: Invalid Transaction: Custom error: 11"));
    expect(node).toBeInstanceOf(ChainError);
    expect(node?.chainError).toBe("InvalidIpAddress");
    expect(node?.kind).toBe("pool");
    expect(poolRejection(new Error('1010: {"invalid":{"custom":10}}'))?.chainError).toBe(
      "HotKeyNotRegisteredInNetwork",
    );
    expect(poolRejection(new Error("1010: Invalid Transaction: Custom error: 255"))?.chainError).toBe(
      "BadRequest",
    );
    expect(poolRejection(new Error("1010: Invalid Transaction: Custom error: 200"))?.chainError).toBe(
      "Custom(200)",
    );
  });

  it("maps the standard invalid-transaction kinds and ignores other errors", () => {
    expect(poolRejection(new Error("1010: Invalid Transaction: Transaction is outdated"))?.chainError).toBe(
      "Stale",
    );
    expect(poolRejection(new Error('1010: {"invalid":{"stale":null}}'))?.chainError).toBe("Stale");
    expect(
      poolRejection(new Error("1010: Invalid Transaction: Inability to pay some fees"))?.chainError,
    ).toBe("Payment");
    expect(poolRejection(new Error("1014: Priority is too low"))?.chainError).toBe("Priority");
    expect(poolRejection(new Error("-32601: Method not found"))).toBeNull();
  });

  it("has the codes the reference lists", () => {
    expect(CUSTOM_TX_ERRORS[6]).toBe("RateLimitExceeded");
    expect(CUSTOM_TX_ERRORS[12]).toBe("ServingRateLimitExceeded");
    expect(CUSTOM_TX_ERRORS[13]).toBe("InvalidPort");
    expect(CUSTOM_TX_ERRORS[2]).toBe("BalanceTooLow");
  });
});

describe("call feature detection", () => {
  const call = (nargs: number) => Object.assign(() => undefined, { meta: { args: Array(nargs).fill({}) } });

  it("prefers set_mechanism_weights (mecid 0) and falls back to set_weights", () => {
    expect(
      chooseWeightsCall({ subtensorModule: { setWeights: call(4), setMechanismWeights: call(5) } }),
    ).toEqual({
      method: "setMechanismWeights",
      mecid: 0,
    });
    expect(chooseWeightsCall({ subtensorModule: { setWeights: call(4) } })).toEqual({ method: "setWeights" });
    expect(() => chooseWeightsCall({ subtensorModule: {} })).toThrow(ChainError);
  });

  it("uses commit_timelocked_weights with its version argument, or commit_crv3_weights on older runtimes", () => {
    expect(chooseTimelockCall({ subtensorModule: { commitTimelockedWeights: call(4) } })).toEqual({
      method: "commitTimelockedWeights",
      withVersion: true,
    });
    expect(chooseTimelockCall({ subtensorModule: { commitTimelockedWeights: call(3) } })).toMatchObject({
      withVersion: false,
    });
    expect(chooseTimelockCall({ subtensorModule: { commitCrv3Weights: call(3) } })).toEqual({
      method: "commitCrv3Weights",
      withVersion: false,
    });
    expect(() => chooseTimelockCall({})).toThrow(/neither commit_timelocked_weights nor commit_crv3_weights/);
  });

  it("names the AdminUtils setter and its arguments for every sudo call", () => {
    expect(adminCallFor({ call: "weights_set_rate_limit", netuid: 2, value: 0 })).toEqual({
      method: "sudoSetWeightsSetRateLimit",
      args: [2, 0],
    });
    expect(adminCallFor({ call: "commit_reveal_weights_enabled", netuid: 2, value: false })).toEqual({
      method: "sudoSetCommitRevealWeightsEnabled",
      args: [2, false],
    });
    expect(adminCallFor({ call: "network_rate_limit", value: 0 })).toEqual({
      method: "sudoSetNetworkRateLimit",
      args: [0],
    });
  });
});

describe("signer adaptation", () => {
  it("prefixes the sr25519 type byte only when @polkadot/api asks for it", () => {
    const signer = {
      address: "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
      publicKey: new Uint8Array(32),
      sign: () => new Uint8Array(64).fill(9),
    };
    const pair = toKeyringPair(signer);
    expect(pair.addressRaw.length).toBe(32);
    expect(pair.sign(new Uint8Array(1)).length).toBe(64);
    const typed = pair.sign(new Uint8Array(1), { withType: true });
    expect(typed.length).toBe(65);
    expect(typed[0]).toBe(1);
  });
});

describe("stakesFromSubnetState", () => {
  it("reads the inherited alpha and TAO vectors of SubnetInfoRuntimeApi.get_subnet_state (either key style)", () => {
    expect(
      stakesFromSubnetState({ alpha_stake: [2_000_000_000, "0x3b9aca00"], tao_stake: ["5000000000", 0] }),
    ).toEqual({ alpha: [2, 1], tao: [5, 0] });
    expect(stakesFromSubnetState({ alphaStake: [1_000_000_000], taoStake: [0] })).toEqual({
      alpha: [1],
      tao: [0],
    });
    expect(stakesFromSubnetState(null)).toBeNull();
    expect(stakesFromSubnetState({ alpha_stake: [1] })).toBeNull();
  });
});
