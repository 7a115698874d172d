// One scenario suite for every chain: the same steps must succeed or fail with the same error names on SimChain and
// on a real subtensor runtime.
import type { Signer } from "@apex/protocol";
import { Keyring } from "@polkadot/keyring";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { type BootstrapResult, bootstrapSubnet, resolveAdvanceBlocks, waitBlocks } from "../bootstrap.js";
import { commitHash } from "../commit.js";
import { blocksUntilNextEpoch } from "../epoch.js";
import { type ChainClient, ChainError } from "../types.js";
import type {
  IncentiveResult,
  ScenarioName,
  ScenarioOptions,
  ScenarioReport,
  ScenarioStep,
  YumaSplitResult,
} from "./report.js";
import { SCENARIOS } from "./report.js";

export * from "./compare.js";
export * from "./expectations.js";
export * from "./report.js";

interface Keys {
  sudo: Signer;
  ownerCold: Signer;
  ownerHot: Signer;
  valCold: Signer;
  valHot: Signer;
  minerCold: Signer;
  minerHot: Signer;
  val2Hot: Signer;
  miner2Hot: Signer;
  stranger: Signer;
}

async function keysFor(opts: ScenarioOptions, scenario: string): Promise<Keys> {
  await cryptoWaitReady();
  const kr = new Keyring({ type: "sr25519", ss58Format: 42 });
  const tag = opts.runTag ?? Math.random().toString(36).slice(2, 10);
  const hot = (role: string) => kr.addFromUri(`//Apex//${scenario}//${tag}//${role}`);
  return {
    sudo: opts.sudo ?? kr.addFromUri("//Alice"),
    ownerCold: opts.coldkeys?.owner ?? kr.addFromUri("//Alice"),
    valCold: opts.coldkeys?.validator ?? kr.addFromUri("//Bob"),
    minerCold: opts.coldkeys?.miner ?? kr.addFromUri("//Charlie"),
    ownerHot: hot("owner"),
    valHot: hot("validator"),
    minerHot: hot("miner"),
    val2Hot: hot("validator2"),
    miner2Hot: hot("miner2"),
    stranger: hot("stranger"),
  };
}

class Recorder {
  readonly steps: ScenarioStep[] = [];

  /** Run one step; returns its value, or undefined when it failed. Non-chain errors propagate. */
  async step<T>(name: string, fn: () => Promise<T>, expected: string | null = null): Promise<T | undefined> {
    try {
      const v = await fn();
      this.steps.push({ name, ok: true, error: null, expected });
      return v;
    } catch (err) {
      if (!(err instanceof ChainError)) throw err;
      this.steps.push({ name, ok: false, error: err.chainError, expected });
      return undefined;
    }
  }

  get passed(): boolean {
    return this.steps.every((s) => (s.expected === null ? s.ok : !s.ok && s.error === s.expected));
  }
}

const AXON = {
  version: 1,
  ip: "10.0.0.2",
  port: 8091,
  ipType: 4 as const,
  protocol: 4,
  placeholder1: 0,
  placeholder2: 0,
};

async function setup(
  chain: ChainClient,
  rec: Recorder,
  k: Keys,
  opts: ScenarioOptions,
  extra: { commitReveal: boolean; weightsRateLimit: number },
): Promise<BootstrapResult | undefined> {
  return rec.step("bootstrap subnet (owner, 1 staked validator, 1 miner)", () =>
    bootstrapSubnet(chain, {
      sudo: k.sudo,
      owner: { coldkey: k.ownerCold, hotkey: k.ownerHot },
      validators: [{ coldkey: k.valCold, hotkey: k.valHot, stakeRao: opts.stakeRao ?? 1_000_000_000_000n }],
      miners: [{ coldkey: k.minerCold, hotkey: k.minerHot }],
      tempo: opts.tempo ?? 10,
      commitReveal: extra.commitReveal,
      weightsRateLimit: extra.weightsRateLimit,
      advanceBlocks: opts.advanceBlocks,
    }),
  );
}

/** The uids of the one validator and the one miner that setup() registers. */
function soleUids(boot: BootstrapResult): { validator: number; miner: number } {
  const [validator] = boot.uids.validators;
  const [miner] = boot.uids.miners;
  if (validator === undefined || miner === undefined)
    throw new Error("the bootstrap registered no validator or no miner");
  return { validator, miner };
}

async function incentive(
  chain: ChainClient,
  rec: Recorder,
  k: Keys,
  opts: ScenarioOptions,
): Promise<IncentiveResult | null> {
  const boot = await setup(chain, rec, k, opts, { commitReveal: false, weightsRateLimit: 0 });
  if (!boot) return null;
  const { netuid } = boot;
  const { validator: v, miner: m } = soleUids(boot);
  await rec.step("miner serves its axon", () => chain.serveAxon(k.minerHot, { netuid, ...AXON }));
  const set = await rec.step("validator sets weights on the miner", () =>
    chain.setWeights(k.valHot, { netuid, uids: [m], weights: [65_535], versionKey: 0 }),
  );
  if (!set) return null;
  const { tempo } = await chain.hyperparameters(netuid);
  await waitBlocks(chain, 2 * (tempo + 1), opts);
  const mg = await chain.metagraph(netuid);
  const neurons = mg.neurons.map((n) => ({
    uid: n.uid,
    incentive: n.incentive,
    dividends: n.dividends,
    consensus: n.consensus,
    validator_trust: n.validatorTrust,
    emission: n.emission,
  }));
  return { netuid, uids: { owner: 0, validator: v, miner: m }, block: mg.block, neurons };
}

/** Short enough to wait out once on a real runtime, long enough that an immediate second call is too fast. */
const ERRORS_RATE_LIMIT = 20;

async function errors(chain: ChainClient, rec: Recorder, k: Keys, opts: ScenarioOptions): Promise<unknown> {
  const boot = await setup(chain, rec, k, opts, { commitReveal: false, weightsRateLimit: ERRORS_RATE_LIMIT });
  if (!boot) return null;
  const { netuid } = boot;
  const { validator, miner: m } = soleUids(boot);
  // Registration counts as a weights update (spec 293 pushes the registration block into LastUpdate), so the rate
  // limit first runs out from the validator's registration; the first set_weights waits for that.
  const registeredAt = (await chain.metagraph(netuid)).neurons[validator]?.registeredAt ?? 0;
  const wait = registeredAt + ERRORS_RATE_LIMIT + 1 - (await chain.currentBlock());
  const weights = (versionKey: number) => ({ netuid, uids: [m], weights: [65_535], versionKey });
  await rec.step(
    "serve axon on 127.0.0.1",
    () => chain.serveAxon(k.minerHot, { netuid, ...AXON, ip: "127.0.0.1" }),
    "InvalidIpAddress",
  );
  await waitBlocks(chain, wait, opts);
  await rec.step("first set_weights", () => chain.setWeights(k.valHot, weights(0)));
  await rec.step(
    "set_weights again at once",
    () => chain.setWeights(k.valHot, weights(0)),
    "SettingWeightsTooFast",
  );
  await rec.step("sudo weights_version_key 5", () =>
    chain.sudo(k.sudo, { call: "weights_version_key", netuid, value: 5 }),
  );
  await rec.step(
    "set_weights with stale version key 4",
    () => chain.setWeights(k.valHot, weights(4)),
    "IncorrectWeightVersionKey",
  );
  await rec.step(
    "set_weights from an unregistered hotkey",
    () => chain.setWeights(k.stranger, weights(5)),
    "HotKeyNotRegisteredInSubNet",
  );
  await rec.step("sudo commit_reveal_weights_enabled on", () =>
    chain.sudo(k.sudo, { call: "commit_reveal_weights_enabled", netuid, value: true }),
  );
  await rec.step(
    "set_weights while commit-reveal is on",
    () => chain.setWeights(k.valHot, weights(5)),
    "CommitRevealEnabled",
  );
  return { netuid };
}

async function commitReveal(
  chain: ChainClient,
  rec: Recorder,
  k: Keys,
  opts: ScenarioOptions,
): Promise<unknown> {
  const boot = await setup(chain, rec, k, opts, { commitReveal: true, weightsRateLimit: 0 });
  if (!boot) return null;
  const { netuid } = boot;
  const { miner: m } = soleUids(boot);
  const uids = [m];
  const values = [65_535];
  const salt = [7, 1, 2, 3, 4, 5, 6, 8];
  const hash = commitHash(k.valHot.publicKey, netuid, uids, values, salt, 0);
  const committed = await rec.step("commit_weights", () => chain.commitWeights(k.valHot, netuid, hash));
  if (!committed) return { netuid, hash };
  const reveal = () => chain.revealWeights(k.valHot, { netuid, uids, values, salt, versionKey: 0 });
  await rec.step("reveal in the same epoch", reveal, "RevealTooEarly");
  // Move into the next epoch: past the next epoch block.
  const { tempo } = await chain.hyperparameters(netuid);
  const untilEpoch = blocksUntilNextEpoch(netuid, tempo, await chain.currentBlock());
  await waitBlocks(chain, untilEpoch + 1, opts);
  await rec.step("reveal in the next epoch", reveal);
  return { netuid, hash, committedAt: committed.block };
}

/**
 * Two validators with different stakes disagree on two miners (3:1 and 1:3), so consensus clips the smaller
 * validator's weights and incentive, dividends and validator trust come out strictly between 0 and 1: a Yuma check
 * that a one-validator run (all 0s and 1s) cannot give.
 */
async function yumaSplit(
  chain: ChainClient,
  rec: Recorder,
  k: Keys,
  opts: ScenarioOptions,
): Promise<YumaSplitResult | null> {
  const [stakeA, stakeB] = opts.splitStakesRao ?? [1_000_000_000_000n, 500_000_000_000n];
  const boot = await rec.step("bootstrap subnet (owner, 2 staked validators, 2 miners)", () =>
    bootstrapSubnet(chain, {
      sudo: k.sudo,
      owner: { coldkey: k.ownerCold, hotkey: k.ownerHot },
      validators: [
        { coldkey: k.valCold, hotkey: k.valHot, stakeRao: stakeA },
        { coldkey: k.valCold, hotkey: k.val2Hot, stakeRao: stakeB },
      ],
      miners: [
        { coldkey: k.minerCold, hotkey: k.minerHot },
        { coldkey: k.minerCold, hotkey: k.miner2Hot },
      ],
      tempo: opts.tempo ?? 10,
      commitReveal: false,
      weightsRateLimit: 0,
      advanceBlocks: opts.advanceBlocks,
    }),
  );
  if (!boot) return null;
  const { netuid } = boot;
  const [va, vb] = boot.uids.validators as [number, number];
  const [ma, mb] = boot.uids.miners as [number, number];
  if (opts.matchStakes) {
    const now = await chain.metagraph(netuid);
    for (const nr of now.neurons) {
      const missing = Math.round(((opts.matchStakes[nr.uid] ?? 0) - nr.stake) * 1e9);
      const cold = nr.hotkey === k.ownerHot.address ? k.ownerCold : k.valCold;
      if (missing > 0) await chain.addStake(cold, nr.hotkey, netuid, BigInt(missing));
    }
  }
  const stakesAtWeights = (await chain.metagraph(netuid)).neurons.map((n) => n.stake);
  const set = async (hot: Signer, weights: [number, number]) =>
    chain.setWeights(hot, { netuid, uids: [ma, mb], weights, versionKey: 0 });
  const a = await rec.step("validator A weights the miners 3:1", () => set(k.valHot, [65_535, 21_845]));
  const b = await rec.step("validator B weights the miners 1:3", () => set(k.val2Hot, [21_845, 65_535]));
  if (!a || !b) return null;
  const { tempo } = await chain.hyperparameters(netuid);
  await waitBlocks(chain, 2 * (tempo + 1), opts);
  const mg = await chain.metagraph(netuid);
  return {
    netuid,
    uids: { owner: 0, validator: va, validator2: vb, miner: ma, miner2: mb },
    block: mg.block,
    stakesAtWeights,
    stakes: mg.neurons.map((n) => n.stake),
    neurons: mg.neurons.map((n) => ({
      uid: n.uid,
      incentive: n.incentive,
      dividends: n.dividends,
      consensus: n.consensus,
      validator_trust: n.validatorTrust,
      emission: n.emission,
    })),
  };
}

export async function runScenario(
  name: string,
  chain: ChainClient,
  given: ScenarioOptions = {},
): Promise<ScenarioReport> {
  if (!(SCENARIOS as readonly string[]).includes(name))
    throw new Error(`unknown scenario "${name}"; choose one of ${SCENARIOS.join(", ")}`);
  const scenario = name as ScenarioName;
  // A node that builds blocks only on request (chopsticks) is asked for them, as bootstrap does.
  const opts = { ...given, advanceBlocks: await resolveAdvanceBlocks(chain, given) };
  const keys = await keysFor(opts, scenario);
  const rec = new Recorder();
  const run = { incentive, errors, "commit-reveal": commitReveal, "yuma-split": yumaSplit }[scenario];
  const result = await run(chain, rec, keys, opts);
  return {
    scenario,
    network: chain.network,
    runtime: opts.runtime ?? chain.network,
    steps: rec.steps,
    passed: rec.passed,
    result,
  };
}
