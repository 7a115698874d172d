import type {
  DashboardEvent,
  DashboardRound,
  DashboardSnapshot,
  DashboardSource,
} from "../src/dashboard/index.js";

// An in-test DashboardSource whose state the test changes and pushes, standing in for the localnet run at
// this edge (the real source is tested with the run itself).

export const HOSTILE = `<img src=x onerror="document.body.setAttribute('data-pwned','1')">`;

export function makeRound(id: string, overrides: Partial<DashboardRound> = {}): DashboardRound {
  return {
    id,
    createdAt: Date.UTC(2026, 0, 1, 12, 0, 0),
    kind: "generator",
    groundTruth: 1,
    query: `What is a volcano? (${id})`,
    shownText: "A volcano is a fissure in the earth's crust through which molten lava and gases erupt.",
    generatorHotkey: "5GeneratorHotkeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    generatorScore: 0.5,
    discriminators: [
      { hotkey: "5Disc1", uid: 2, answer: "1", correct: true, score: 0.5, latencyMs: 120 },
      { hotkey: "5Disc2", uid: 3, answer: "0", correct: false, score: 0, latencyMs: 340 },
      { hotkey: "5Disc3", uid: 4, answer: null, correct: false, score: 0, latencyMs: 20000 },
    ],
    ...overrides,
  };
}

export function makeSnapshot(block = 120): DashboardSnapshot {
  const strategies = ["learned", "heuristic", "offline", "random", "constant-1", "dummy"];
  const neurons: DashboardSnapshot["neurons"] = [
    {
      uid: 0,
      hotkey: "5OwnerHotkeyBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
      role: "owner",
      stake: 0,
      incentive: 0,
      dividends: 0,
      emission: 0,
      weight: 0,
      windowReward: 0,
    },
    {
      uid: 1,
      hotkey: "5ValidatorHotkeyCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC",
      role: "validator",
      stake: 10_000,
      incentive: 0,
      dividends: 1,
      emission: 41.0,
      weight: 0,
      windowReward: 0,
    },
  ];
  const incentives = [0.3, 0.25, 0.2, 0.1, 0.1, 0.05];
  strategies.forEach((strategy, i) => {
    neurons.push({
      uid: i + 2,
      hotkey: `5Miner${i}Hotkey${"D".repeat(36)}`,
      role: i === 5 ? "external" : "miner",
      ...(i === 5 ? {} : { strategy }),
      stake: 0,
      incentive: incentives[i]!,
      dividends: 0,
      emission: incentives[i]! * 41,
      weight: incentives[i]!,
      windowReward: 40 - i * 6,
      axon: `10.0.0.${i + 2}:${8091 + i}`,
    });
  });
  const history = Array.from({ length: 12 }, (_, e) => {
    const ramp = Math.min(1, (e + 1) / 6);
    return {
      block: 11 * (e + 1),
      time: Date.UTC(2026, 0, 1) + e * 2750,
      incentive: Object.fromEntries(incentives.map((v, i) => [i + 2, v * ramp + (1 - ramp) / 6])),
      weights: Object.fromEntries(incentives.map((v, i) => [i + 2, v])),
    };
  });
  return {
    network: "sim",
    netuid: 2,
    block,
    tempo: 10,
    blocksUntilEpoch: 7,
    neurons,
    rounds: [makeRound("r-2", { kind: "reference", groundTruth: 0, generatorHotkey: "" }), makeRound("r-1")],
    history,
  };
}

export class FakeSource implements DashboardSource {
  state: DashboardSnapshot;
  readonly listeners = new Set<(event: DashboardEvent) => void>();
  constructor(state: DashboardSnapshot = makeSnapshot()) {
    this.state = state;
  }
  async snapshot(): Promise<DashboardSnapshot> {
    return structuredClone(this.state);
  }
  subscribe(listener: (event: DashboardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  push(event: DashboardEvent): void {
    if (event.type === "round") this.state.rounds = [event.round, ...this.state.rounds].slice(0, 50);
    if (event.type === "block") {
      this.state.block = event.block;
      this.state.blocksUntilEpoch = event.blocksUntilEpoch;
    }
    if (event.type === "snapshot") this.state = event.snapshot;
    for (const l of this.listeners) l(structuredClone(event));
  }
}
