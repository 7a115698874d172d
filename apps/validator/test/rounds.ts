// A stored round for tests that only need window totals: each hotkey's discriminator score is exactly `scores`.
import type { RoundRecord } from "@apex/db";

/** One reference round whose discriminator scores make the window totals exactly `scores` (uid: from `uidOf`, else
 * the hotkey's position). */
export function roundWith(
  id: string,
  at: number,
  scores: Record<string, number>,
  uidOf?: Record<string, number>,
): RoundRecord {
  return {
    id,
    createdAt: at,
    kind: "reference",
    groundTruth: 0,
    query: "q",
    shownText: "t",
    generatorHotkey: "Validator",
    generatorUid: null,
    generatorLatencyMs: null,
    generatorScore: 0,
    referenceFailed: false,
    discriminators: Object.entries(scores).map(([hotkey, score], i) => ({
      hotkey,
      uid: uidOf ? (uidOf[hotkey] ?? 0) : i,
      answer: "0",
      correct: true,
      score,
      latencyMs: 1,
    })),
  };
}
