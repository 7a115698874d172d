// What a run prints while it plays, on SimChain (run.ts) and on a real runtime (real-run.ts) alike: a line per
// round and a table per epoch.
import type { Validator } from "@apex/validator";
import { renderEpochTable, renderRoundLine } from "./report.js";
import type { LocalnetState } from "./state.js";

/**
 * Prints every validator's rounds (unless quiet) and each epoch's table; calls `afterRound` after each round.
 * Returns the number of rounds played so far.
 */
export function printRunProgress(
  validators: readonly Validator[],
  state: LocalnetState,
  o: { quiet: boolean; out: (line: string) => void; afterRound?: () => void },
): () => number {
  let rounds = 0;
  for (const [vi, v] of validators.entries()) {
    v.onRound((e) => {
      rounds++;
      const r = e.round;
      if (!o.quiet) {
        o.out(
          renderRoundLine(
            {
              index: rounds,
              kind: r.kind,
              groundTruth: r.groundTruth,
              generatorUid: r.generatorUid,
              generatorScore: r.generatorScore,
              answered: r.discriminators.filter((d) => d.answer !== null).length,
              correct: r.discriminators.filter((d) => d.correct).length,
              sampled: r.discriminators.length,
              referenceFailed: r.referenceFailed,
            },
            validators.length > 1 ? `[v${vi}] ` : "",
          ),
        );
      }
      o.afterRound?.();
    });
  }
  state.onEpoch(async (block) => {
    if (!o.quiet) o.out(renderEpochTable(block, await state.neuronReports()));
  });
  return () => rounds;
}
