import type { Metagraph, NeuronInfo } from "@apex/chain";
import { ipToU128 } from "@apex/chain/rules";
import { VirtualClock } from "@apex/protocol";
import { describe, expect, it } from "vitest";
import { EpochDeque, isPublicAddress, MinerSampler, seededRng, selectCandidates } from "../src/index.js";
import { neuronInfo } from "./neuron.js";

function neuron(uid: number, over: Partial<Omit<NeuronInfo, "axon">> & { ip?: string; port?: number } = {}) {
  const { ip = `8.8.${uid}.1`, port = 8091, ...rest } = over;
  return neuronInfo({
    uid,
    hotkey: `hk${uid}`,
    coldkey: `ck${uid}`,
    stake: 100,
    ...rest,
    axon: { ip, port, block: 1 },
  });
}
const mg = (neurons: NeuronInfo[]): Metagraph => ({ netuid: 1, block: 10, taoWeight: 0.18, neurons });
const base = { validatorMinStake: 24_000, addressPolicy: "any" as const };

describe("candidate selection", () => {
  it("excludes validators by stake, unserved axons and our own hotkey", () => {
    const m = mg([
      neuron(0, { stake: 24_000 }), // exactly the threshold: a validator
      neuron(1, { stake: 23_999 }),
      neuron(2, { ip: "0.0.0.0", port: 0 }),
      neuron(3, { port: 0 }),
      neuron(4),
    ]);
    expect(selectCandidates(m, { ...base, ownHotkey: "hk4" }).map((c) => c.uid)).toEqual([1]);
    expect(selectCandidates(m, base)[0]).toMatchObject({
      uid: 1,
      hotkey: "hk1",
      address: "http://8.8.1.1:8091",
    });
  });

  it("skips private, loopback, link-local and unroutable addresses under the public policy only", () => {
    const ips = [
      "10.1.2.3",
      "127.0.0.2",
      "169.254.1.1",
      "192.168.1.5",
      "172.20.0.1",
      "100.64.0.1",
      "224.0.0.1",
      "1.1.1.1",
    ];
    const m = mg(ips.map((ip, i) => neuron(i, { ip })));
    expect(selectCandidates(m, { ...base, addressPolicy: "public" }).map((c) => c.address)).toEqual([
      "http://1.1.1.1:8091",
    ]);
    expect(selectCandidates(m, base)).toHaveLength(ips.length);
  });

  it("classifies addresses", () => {
    for (const ip of ["8.8.8.8", "2606:4700::1111", "172.32.0.1"]) expect(isPublicAddress(ip), ip).toBe(true);
    for (const ip of [
      "::1",
      "fe80::1",
      "fd00::1",
      "::ffff:10.0.0.1",
      "0.1.2.3",
      "255.255.255.255",
      "nonsense",
    ])
      expect(isPublicAddress(ip), ip).toBe(false);
  });

  // The sampler reads addresses with the chain's one IP parser (@apex/chain/rules); where the two could part ways,
  // this is what the sampler decides.
  it("judges IPv4-mapped IPv6 by the IPv4 address it reaches, though the chain carries it as ip_type 6", () => {
    expect(ipToU128("::ffff:10.0.0.1")).toEqual({ ip: 0xffff0a000001n, ipType: 6 });
    expect(isPublicAddress("::ffff:10.0.0.1")).toBe(false);
    expect(isPublicAddress("::FFFF:127.0.0.1")).toBe(false);
    expect(isPublicAddress("::ffff:8.8.8.8")).toBe(true);
    expect(isPublicAddress("::ffff:0808:0808")).toBe(true);
    // Not mapped (::fffe:…, or a nonzero group before ffff): an ordinary IPv6 address.
    expect(isPublicAddress("0:0:0:0:1:ffff:a00:1")).toBe(true);
  });

  it("refuses IPv4 octets with leading zeros, which the chain parser reads as decimal", () => {
    expect(ipToU128("010.0.0.1")).toEqual({ ip: 0x0a000001n, ipType: 4 });
    expect(isPublicAddress("010.0.0.1")).toBe(false);
    expect(isPublicAddress("08.8.8.8")).toBe(false);
  });

  it("ignores an IPv6 zone, which names an interface on our side", () => {
    expect(isPublicAddress("2606:4700::1111%eth0")).toBe(true);
    expect(isPublicAddress("fe80::1%eth0")).toBe(false);
  });

  it("de-duplicates by IP and by coldkey when asked", () => {
    const m = mg([neuron(0, { ip: "8.8.8.8" }), neuron(1, { ip: "8.8.8.8" }), neuron(2, { coldkey: "ck0" })]);
    expect(selectCandidates(m, { ...base, dedupeIp: true }).map((c) => c.uid)).toEqual([0, 2]);
    expect(selectCandidates(m, { ...base, dedupeColdkey: true }).map((c) => c.uid)).toEqual([0, 1]);
  });

  it("pins uids and overrides their addresses (upstream's test mode)", () => {
    const m = mg([neuron(0), neuron(1, { ip: "0.0.0.0", port: 0 }), neuron(2)]);
    const c = selectCandidates(m, {
      ...base,
      addressPolicy: "public",
      availableUids: [1, 2],
      availableAddresses: ["http://127.0.0.1:8081", "http://127.0.0.1:8082"],
    });
    expect(c.map((x) => [x.uid, x.address])).toEqual([
      [1, "http://127.0.0.1:8081"],
      [2, "http://127.0.0.1:8082"],
    ]);
  });
});

describe("MinerSampler", () => {
  const opts = { ...base, candidateTtlMs: 300_000, metagraphTtlMs: 600_000 };
  const five = mg([0, 1, 2, 3, 4].map((u) => neuron(u)));

  it("random: samples without replacement and clamps the size to the candidates", async () => {
    const s = new MinerSampler(
      { fixed: selectCandidates(five, base) },
      { ...opts, mode: "random" },
      new VirtualClock(),
      seededRng(1),
    );
    const got = await s.sample(50);
    expect(got).toHaveLength(5);
    expect(new Set(got.map((m) => m.uid)).size).toBe(5);
    expect(await s.sample(2)).toHaveLength(2);
  });

  it("sequential: one shuffled deque shared by both roles visits every miner once per epoch", async () => {
    const s = new MinerSampler(
      { fixed: selectCandidates(five, base) },
      { ...opts, mode: "sequential" },
      new VirtualClock(),
      seededRng(2),
    );
    const gen = await s.sample(1);
    const disc = await s.sample(2);
    const rest = await s.sample(2);
    expect(new Set([...gen, ...disc, ...rest].map((m) => m.uid))).toEqual(new Set([0, 1, 2, 3, 4]));
    // A refill mid-sample never repeats a miner inside one sample, and the size is clamped.
    for (let i = 0; i < 10; i++) {
      const all = await s.sample(99);
      expect(new Set(all.map((m) => m.uid)).size).toBe(5);
    }
  });

  it("EpochDeque drops entries that stopped being candidates", () => {
    const d = new EpochDeque();
    const all = selectCandidates(five, base);
    d.take(all, 1, seededRng(3));
    const fewer = all.slice(0, 2);
    const next = d.take(fewer, 2, seededRng(3));
    expect(next.every((m) => fewer.includes(m))).toBe(true);
  });

  it("caches the metagraph (600 s) and the candidates (300 s) on the injected clock", async () => {
    const clock = new VirtualClock();
    let reads = 0;
    const source = {
      metagraph: async () => {
        reads++;
        return five;
      },
    };
    const s = new MinerSampler(source, { ...opts, mode: "random" }, clock, seededRng(4));
    await s.sample(1);
    await s.sample(1);
    expect(reads).toBe(1);
    clock.advance(301_000);
    await s.sample(1); // candidates expired, metagraph still cached
    expect(reads).toBe(1);
    clock.advance(300_000);
    await s.sample(1);
    expect(reads).toBe(2);
  });
});

describe("stake measure for the validator cut-off", () => {
  it("total counts root TAO at the chain's TAO weight; alpha does not", () => {
    // 20 000 alpha + 40 000 TAO × 0.18 = 27 200 total: a miner by alpha, a validator by total.
    const m = mg([neuron(0, { stake: 20_000, taoStake: 40_000 }), neuron(1)]);
    expect(selectCandidates(m, { ...base, stakeMeasure: "alpha" }).map((c) => c.uid)).toEqual([0, 1]);
    expect(selectCandidates(m, { ...base, stakeMeasure: "total" }).map((c) => c.uid)).toEqual([1]);
    expect(selectCandidates(m, base).map((c) => c.uid)).toEqual([0, 1]);
  });
});
