// Attack 1 (security.md §6): a generator answers a text whose discriminator body passes the miners' 1 MiB limit
// (long, control characters escaped to 6 bytes, astral characters to 12). Every honest discriminator then answers
// 413, and upstream's g = 1 − Σd pays the generator as if it had fooled them all. Real miners (buildMinerApp) over
// real HTTP; the validator's round (playRound with MinerClient) decides.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMinerApp, trustedSetPolicy } from "../../apps/miner/src/index.js";
import {
  MinerClient,
  type MinerInfo,
  type MinerSampler,
  playRound,
  type RoundContext,
  type RoundSettings,
  STORED_ANSWER_CHARS,
  silentLogger,
  toStatusJson,
  type ValidatorStatus,
} from "../../apps/validator/src/index.js";
import { openResultsStore } from "../../packages/db/src/index.js";
import {
  discriminatorBodyBytes,
  epistulaReady,
  MINER_MAX_BODY_BYTES,
  mulberry32,
  systemClock,
} from "../../packages/protocol/src/index.js";
import { devKeypair } from "../../packages/wallet/src/index.js";

const DISCRIMINATORS = 7;
const QUERY = `Explain the history of ${"the Byzantine empire ".repeat(40)}`;

// Three generations that fit in the 1 MiB reply cap but not in a 1 MiB discriminator body.
const ATTACKS: Record<string, string> = {
  long: "x".repeat(1_048_000),
  control: "\u0001".repeat(180_000),
  emoji: "\u{1F600}".repeat(90_000),
};

let validatorKey: Awaited<ReturnType<typeof devKeypair>>;
const apps: ReturnType<typeof buildMinerApp>[] = [];
const discriminators: MinerInfo[] = [];
let generatorServer: http.Server;
let generatorText = "";
let generatorInfo: MinerInfo;
let verboseServer: http.Server;
let verboseInfo: MinerInfo;

beforeAll(async () => {
  await epistulaReady();
  validatorKey = await devKeypair("//UndeliverableValidator");
  for (let i = 0; i < DISCRIMINATORS; i++) {
    const key = await devKeypair(`//UndeliverableDisc${i}`);
    const app = buildMinerApp({
      hotkey: key.address,
      verify: trustedSetPolicy([validatorKey.address]),
      generator: { name: "unused", generate: () => "unused" },
      // An honest discriminator: the validator never shows a reference in these rounds, so "1" is right.
      discriminator: { name: "honest", classify: () => "1" },
    });
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    apps.push(app);
    discriminators.push({ uid: i + 1, hotkey: key.address, coldkey: "", address });
  }
  const genKey = await devKeypair("//UndeliverableGenerator");
  generatorServer = http.createServer((req, res) => {
    req.resume();
    req.on("end", () =>
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end(generatorText),
    );
  });
  await new Promise<void>((r) => generatorServer.listen(0, "127.0.0.1", r));
  const { port } = generatorServer.address() as AddressInfo;
  generatorInfo = { uid: 0, hotkey: genKey.address, coldkey: "", address: `http://127.0.0.1:${port}` };
  // A discriminator that answers a label followed by a megabyte: only the label matters, little may be kept.
  const verboseKey = await devKeypair("//UndeliverableVerbose");
  verboseServer = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200).end(`1${"x".repeat(1_000_000)}`));
  });
  await new Promise<void>((r) => verboseServer.listen(0, "127.0.0.1", r));
  const vport = (verboseServer.address() as AddressInfo).port;
  verboseInfo = { uid: 9, hotkey: verboseKey.address, coldkey: "", address: `http://127.0.0.1:${vport}` };
}, 30_000);

afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await new Promise((r) => generatorServer.close(r));
  await new Promise((r) => verboseServer.close(r));
});

async function round(
  text: string,
  maxDiscriminatorBodyBytes: number | null,
  judges: MinerInfo[] = discriminators,
) {
  generatorText = text;
  const store = openResultsStore(":memory:");
  const client = new MinerClient(validatorKey, systemClock, {
    timeoutMs: 10_000,
    maxResponseBytes: MINER_MAX_BODY_BYTES,
    maxConcurrency: 16,
  });
  // The sampler picks the generator, then the seven discriminators; everything else is the real round.
  const sampler = {
    candidates: async () => [generatorInfo, ...judges],
    sample: async (n: number) => (n === 1 ? [generatorInfo] : judges.slice(0, n)),
  } as unknown as MinerSampler;
  const settings: RoundSettings = {
    referenceRate: 0,
    redundancyRate: 0,
    generatorSampleSize: 1,
    discriminatorSampleSize: judges.length,
    referenceTimeoutMs: 1_000,
    maxDiscriminatorBodyBytes,
  };
  const ctx: RoundContext = {
    settings,
    sampler,
    client,
    makeQuery: async () => QUERY,
    research: async () => "unused",
    store,
    clock: systemClock,
    rng: mulberry32(1),
    logger: silentLogger,
  };
  try {
    const event = await playRound(ctx, { query: QUERY });
    return { round: event.round, stored: store.recentRounds(1)[0]! };
  } finally {
    client.close();
    store.close();
  }
}

describe("an undeliverable generation is not paid", () => {
  it("each attack text fits the reply cap and passes the miners' body limit once encoded", () => {
    for (const text of Object.values(ATTACKS)) {
      expect(Buffer.byteLength(text)).toBeLessThan(MINER_MAX_BODY_BYTES);
      expect(discriminatorBodyBytes(QUERY, text)).toBeGreaterThan(MINER_MAX_BODY_BYTES);
    }
  });

  for (const [name, text] of Object.entries(ATTACKS)) {
    it(`${name}: upstream's rule pays it as a perfect generator; ours pays 0 and stores no answer`, async () => {
      // Upstream behaviour (pipeline.deliverability_check: false): every discriminator gets 413, g = 1.
      const upstream = await round(text, null);
      expect(upstream.round.discriminators.every((d) => d.answer === null)).toBe(true);
      expect(upstream.round.generatorScore).toBe(1);

      // Safe default: refused before the round, shown as a failed generation, the generator earns nothing.
      const safe = await round(text, 512 * 1024);
      expect(safe.round.generatorScore).toBe(0);
      expect(safe.stored.generatorScore).toBe(0);
      expect(safe.round.shownText).toBe("");
      // The discriminators were reached (an empty text is deliverable) and answered.
      expect(safe.round.discriminators.every((d) => d.answer === "1")).toBe(true);
    }, 60_000);
  }

  it("a round most discriminators refused as too large pays its generator 0, even past the cap check", async () => {
    // A cap above the miners' limit lets the body through; the 413s then decide.
    const r = await round(ATTACKS.control!, 4 * MINER_MAX_BODY_BYTES);
    expect(r.round.discriminators.every((d) => d.answer === null)).toBe(true);
    expect(r.round.generatorScore).toBe(0);
  }, 60_000);

  it("an ordinary generation is still paid by the game's rule", async () => {
    const r = await round("A short, ordinary answer.", 512 * 1024);
    expect(r.round.discriminators.every((d) => d.answer === "1")).toBe(true);
    expect(r.round.generatorScore).toBeCloseTo(0, 12);
  }, 60_000);

  it("a discriminator's megabyte answer is stored as a clipped sample, and served clipped", async () => {
    const r = await round("A short, ordinary answer.", 512 * 1024, [
      verboseInfo,
      ...discriminators.slice(0, 2),
    ]);
    const stored = r.stored.discriminators.find((d) => d.hotkey === verboseInfo.hotkey)!;
    expect(stored.answer!.length).toBeLessThanOrEqual(STORED_ANSWER_CHARS + 1);
    expect(stored.answer!.startsWith("1x")).toBe(true);
    expect(stored.correct).toBe(false); // never credited: not exactly "1"
    // A round stored before the clip (a megabyte answer) is still served clipped.
    const old = { ...r.stored, discriminators: [{ ...stored, answer: `1${"x".repeat(1_000_000)}` }] };
    const json = toStatusJson({ recentRounds: [old] } as unknown as ValidatorStatus);
    expect(JSON.stringify(json.recentRounds).length).toBeLessThan(10_000);
  }, 60_000);
});
