// Miner strategies: what answers a generator request and what answers a discriminator request.
// A user plugs in their own by writing a module that exports one function (see load.ts and docs/miner.md).
import type { DiscriminatorLabel } from "@apex/protocol";

export interface StrategyContext {
  /** Aborted when the budget runs out; long-running strategies should pass it on (e.g. to fetch). */
  signal: AbortSignal;
  /** What is left of the budget when the strategy starts, in ms. */
  budgetMs: number;
}

export interface Generator {
  readonly name: string;
  /** Answers the validator's query with bare prose (no JSON envelope): it is shown verbatim to discriminators. */
  generate(query: string, ctx: StrategyContext): Promise<string> | string;
}

export interface Discriminator {
  readonly name: string;
  /** "0": the text is the validator's reference; "1": a miner wrote it. */
  classify(
    query: string,
    text: string,
    ctx: StrategyContext,
  ): Promise<DiscriminatorLabel> | DiscriminatorLabel;
}

/** Seeded 32-bit PRNG (mulberry32, shared through @apex/protocol): strategies are reproducible from a seed. */
export { mulberry32 } from "@apex/protocol";
