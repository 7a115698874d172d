// What the localnet knows about its subnet at any moment: the chain's metagraph joined with the first validator's
// results DB. Feeds the epoch tables, the report and the dashboard (it is the dashboard's DashboardSource).
import { blocksUntilNextEpoch, type ChainClient, type Metagraph, type NeuronInfo } from "@apex/chain";
import type { RoundRecord, SqliteResultsStore } from "@apex/db";
import type { Clock } from "@apex/protocol";
import type { Validator } from "@apex/validator";
import type {
  DashboardEvent,
  DashboardHistoryPoint,
  DashboardRound,
  DashboardSnapshot,
  DashboardSource,
} from "./dashboard/types.js";
import type { EpochReport, NeuronReport, Role } from "./report.js";

export interface LocalnetStateOptions {
  chain: ChainClient;
  netuid: number;
  tempo: number;
  meta: Map<string, { role: Role; strategy: string | null }>;
  validators: Validator[];
  stores: SqliteResultsStore[];
  clock: Clock;
}

export function toDashboardRound(r: RoundRecord): DashboardRound {
  return {
    id: r.id,
    createdAt: r.createdAt,
    kind: r.kind,
    groundTruth: r.groundTruth,
    query: r.query,
    shownText: r.shownText,
    generatorHotkey: r.kind === "reference" ? "" : r.generatorHotkey,
    generatorScore: r.generatorScore,
    discriminators: r.discriminators.map((d) => ({ ...d })),
  };
}

export class LocalnetState implements DashboardSource {
  readonly epochs: EpochReport[] = [];
  private readonly listeners = new Set<(e: DashboardEvent) => void>();
  private readonly epochListeners = new Set<(block: number) => Promise<void> | void>();
  private readonly unsubscribers: Array<() => void> = [];
  private pending: Promise<void> = Promise.resolve();
  /** Answers that did not arrive this run, by hotkey and reason, from every validator. */
  private readonly missing = new Map<string, Record<string, number>>();

  constructor(private readonly o: LocalnetStateOptions) {}

  attach(): void {
    const { chain, netuid, tempo } = this.o;
    this.unsubscribers.push(
      chain.onBlock((block) => {
        const until = blocksUntilNextEpoch(netuid, tempo, block);
        this.emit({ type: "block", block, blocksUntilEpoch: until });
        if (until === 0) {
          // The epoch ran inside this block: record it after the block's listeners are done.
          this.pending = this.pending.then(() => this.recordEpoch(block)).catch(() => undefined);
        }
      }),
    );
    for (const v of this.o.validators) {
      this.unsubscribers.push(
        v.onRound((e) => {
          for (const m of e.missing) {
            const byReason = this.missing.get(m.hotkey) ?? {};
            byReason[m.reason] = (byReason[m.reason] ?? 0) + 1;
            this.missing.set(m.hotkey, byReason);
          }
          this.emit({ type: "round", round: toDashboardRound(e.round) });
        }),
      );
    }
  }

  detach(): void {
    for (const u of this.unsubscribers.splice(0)) u();
    this.listeners.clear();
  }

  onEpoch(listener: (block: number) => Promise<void> | void): void {
    this.epochListeners.add(listener);
  }

  /** Waits until every epoch seen so far is recorded (and its listeners ran). */
  flushEpochs(): Promise<void> {
    return this.pending;
  }

  subscribe(listener: (e: DashboardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: DashboardEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a broken dashboard client must not stop the subnet
      }
    }
  }

  private async recordEpoch(block: number): Promise<void> {
    const mg = await this.o.chain.metagraph(this.o.netuid);
    const store = this.o.stores[0];
    const totals = store ? store.windowTotals(this.windowStart()) : new Map<string, number>();
    const n = mg.neurons.length;
    const incentive = new Array<number>(n).fill(0);
    const dividends = new Array<number>(n).fill(0);
    const rewards = new Array<number>(n).fill(0);
    for (const x of mg.neurons) {
      incentive[x.uid] = x.incentive;
      dividends[x.uid] = x.dividends;
      rewards[x.uid] = totals.get(x.hotkey) ?? 0;
    }
    this.epochs.push({
      block,
      time: this.o.clock.now(),
      incentive,
      dividends,
      rewards,
      weights: this.lastWeights(n),
    });
    for (const l of this.epochListeners) await l(block);
  }

  private windowStart(): number {
    const hours = this.o.validators[0]?.config.miner_scorer.window_hours ?? 22;
    return this.o.clock.now() - hours * 3_600_000;
  }

  /** The first validator's last successful weights, normalised to sum 1, by uid. */
  private lastWeights(n: number): number[] {
    const w = new Array<number>(n).fill(0);
    const last = this.o.stores[0]
      ?.recentWeightSubmissions(50)
      .find((x) => x.outcome === "ok" && x.mode !== "commit");
    if (!last) return w;
    const sum = last.weights.reduce((a, b) => a + b, 0);
    last.uids.forEach((uid, i) => {
      if (uid < n) w[uid] = sum > 0 ? (last.weights[i] ?? 0) / sum : 0;
    });
    return w;
  }

  async neuronReports(metagraph?: Metagraph): Promise<NeuronReport[]> {
    const mg = metagraph ?? (await this.o.chain.metagraph(this.o.netuid));
    const store = this.o.stores[0];
    const stats = new Map((store?.windowStats(this.windowStart()) ?? []).map((s) => [s.hotkey, s]));
    const weights = this.lastWeights(mg.neurons.length);
    return mg.neurons.map((x: NeuronInfo) => {
      const m = this.o.meta.get(x.hotkey);
      const s = stats.get(x.hotkey);
      return {
        uid: x.uid,
        hotkey: x.hotkey,
        role: m?.role ?? "external",
        strategy: m?.strategy ?? null,
        roundsAsGenerator: s?.roundsAsGenerator ?? 0,
        roundsAsDiscriminator: s?.roundsAsDiscriminator ?? 0,
        discriminatorAccuracy: s && s.roundsAsDiscriminator > 0 ? s.correct / s.roundsAsDiscriminator : null,
        rewardAsGenerator: s?.generatorReward ?? 0,
        rewardAsDiscriminator: s?.discriminatorReward ?? 0,
        windowReward: s?.total ?? 0,
        weight: weights[x.uid] ?? 0,
        incentive: x.incentive,
        dividends: x.dividends,
        emission: x.emission,
        stake: x.stake,
        missing: { ...this.missing.get(x.hotkey) },
      };
    });
  }

  async snapshot(): Promise<DashboardSnapshot> {
    const mg = await this.o.chain.metagraph(this.o.netuid);
    const block = mg.block;
    const neurons = await this.neuronReports(mg);
    const axons = new Map(mg.neurons.map((x) => [x.uid, x.axon]));
    const rounds = (this.o.stores[0]?.recentRounds(50) ?? []).map(toDashboardRound);
    const history: DashboardHistoryPoint[] = this.epochs.map((e) => ({
      block: e.block,
      time: e.time,
      incentive: Object.fromEntries(e.incentive.map((v, uid) => [uid, v])),
      weights: Object.fromEntries((e.weights ?? []).map((v, uid) => [uid, v])),
    }));
    return {
      network: this.o.chain.network,
      netuid: this.o.netuid,
      block,
      tempo: this.o.tempo,
      blocksUntilEpoch: blocksUntilNextEpoch(this.o.netuid, this.o.tempo, block),
      neurons: neurons.map((n) => {
        const axon = axons.get(n.uid);
        return {
          uid: n.uid,
          hotkey: n.hotkey,
          role: n.role,
          ...(n.strategy ? { strategy: n.strategy } : {}),
          stake: n.stake,
          incentive: n.incentive,
          dividends: n.dividends,
          emission: n.emission,
          weight: n.weight,
          windowReward: n.windowReward,
          missing: n.missing,
          ...(axon && axon.port !== 0 ? { axon: `${axon.ip}:${axon.port}` } : {}),
        };
      }),
      rounds,
      history,
    };
  }
}
