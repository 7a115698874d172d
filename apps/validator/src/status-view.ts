// The status view: what the validator knows about itself, its rounds, its weights and the chain, in one value
// (status.ts serves it as /api/status; `--json` prints a summary of it).
import type { ChainClient } from "@apex/chain";
import type { ResultsStore, RoundRecord } from "@apex/db";
import type { Logger } from "./logger.js";
import type { RoundCounts } from "./round-pipeline.js";
import type { MinerSampler } from "./sampler.js";
import type { WeightOutcome } from "./weight-setter.js";

export interface ValidatorStatus {
  hotkey: string;
  network: string;
  netuid: number;
  noChain: boolean;
  chainHead: number | null;
  running: boolean;
  roundsStored: number;
  roundsThisRun: RoundCounts;
  windowHours: number;
  windowTotals: Record<string, number>;
  lastWeightSubmission: ReturnType<ResultsStore["lastWeightSubmission"]>;
  lastWeightOutcome: WeightOutcome | null;
  /** Answers that did not arrive this run, by miner hotkey and reason (see MissReason). */
  missing: Record<string, Record<string, number>>;
  recentRounds: RoundRecord[];
  tempo: number | null;
  /** The metagraph as last read (null without a chain). */
  neurons: Array<{
    uid: number;
    hotkey: string;
    stake: number;
    validatorPermit: boolean;
    incentive: number;
    dividends: number;
    emission: number;
    axon: { ip: string; port: number };
  }> | null;
}

/** Where each part of the status comes from. */
export interface StatusSources {
  hotkey: string;
  /** The configured network name(s); "none" is shown in --no-chain mode. */
  network: string;
  netuid: number;
  noChain: boolean;
  windowHours: number;
  /** null in --no-chain mode. */
  chain: ChainClient | null;
  store: ResultsStore;
  sampler: MinerSampler;
  logger: Logger;
  chainHead(): number | null;
  /** Told the head the status read from the chain. */
  setChainHead(block: number): void;
  running(): boolean;
  roundsThisRun(): RoundCounts;
  missing(): Record<string, Record<string, number>>;
  windowTotals(): Map<string, number>;
  lastWeightOutcome(): WeightOutcome | null;
}

/** Assembles the status; a chain read that fails is logged at debug level (a status must always answer). */
export async function readStatus(s: StatusSources, recent: number): Promise<ValidatorStatus> {
  let tempo: number | null = null;
  let neurons: ValidatorStatus["neurons"] = null;
  if (s.chain) {
    try {
      s.setChainHead(await s.chain.currentBlock());
      tempo = (await s.chain.hyperparameters(s.netuid)).tempo;
      const mg = await s.sampler.metagraph();
      neurons =
        mg?.neurons.map((n) => ({
          uid: n.uid,
          hotkey: n.hotkey,
          stake: n.stake,
          validatorPermit: n.validatorPermit,
          incentive: n.incentive,
          dividends: n.dividends,
          emission: n.emission,
          axon: { ip: n.axon.ip, port: n.axon.port },
        })) ?? null;
    } catch (err) {
      s.logger.debug({ err }, "status: chain read failed");
    }
  }
  return {
    hotkey: s.hotkey,
    network: s.noChain ? "none" : s.network,
    netuid: s.netuid,
    noChain: s.noChain,
    chainHead: s.chainHead(),
    running: s.running(),
    roundsStored: s.store.roundCount(),
    roundsThisRun: s.roundsThisRun(),
    windowHours: s.windowHours,
    windowTotals: Object.fromEntries(s.windowTotals()),
    lastWeightSubmission: s.store.lastWeightSubmission(),
    lastWeightOutcome: s.lastWeightOutcome(),
    missing: s.missing(),
    recentRounds: s.store.recentRounds(recent),
    tempo,
    neurons,
  };
}
