// The default mix of miner strategies: strong and weak generators crossed with strong and naive
// discriminators, so the incentive spread of a run means something.

export interface MinerStrategy {
  generator: string;
  discriminator: string;
}

export const DEFAULT_MIX: MinerStrategy[] = [
  { generator: "offline", discriminator: "learned" },
  { generator: "dummy", discriminator: "random" },
  { generator: "offline", discriminator: "heuristic" },
  { generator: "dummy", discriminator: "constant-0" },
  { generator: "offline", discriminator: "random" },
  { generator: "dummy", discriminator: "constant-1" },
  { generator: "dummy", discriminator: "learned" },
  { generator: "dummy", discriminator: "heuristic" },
];

/** `--strategies gen/disc,gen/disc,…` cycles over the given pairs; otherwise the default mix. */
export function strategyFor(index: number, custom: string[] | null): MinerStrategy {
  const list = custom
    ? custom.map((s) => {
        const [generator, discriminator, ...rest] = s.split("/");
        if (!generator || !discriminator || rest.length > 0) {
          throw new Error(
            `--strategies: each entry is GENERATOR/DISCRIMINATOR (e.g. offline/learned), got "${s}"`,
          );
        }
        return { generator, discriminator };
      })
    : DEFAULT_MIX;
  const strategy = list[index % list.length];
  if (!strategy) throw new Error("no miner strategies to hand out");
  return strategy;
}

export const strategyLabel = (s: MinerStrategy) => `${s.generator}/${s.discriminator}`;
