// Built-in discriminators. "0" = the validator's reference, "1" = a miner's text.
import type { DiscriminatorLabel } from "@apex/protocol";
import { textStats } from "./features.js";
import { type LearnedModel, predictProbability } from "./learned.js";
import { type Discriminator, mulberry32 } from "./types.js";

/** The upstream base miner's coin flip; seeded so runs can be reproduced. */
// Date.now() only as the seed of last resort: startMiner always passes --seed or one derived from the hotkey.
export function randomDiscriminator(seed: number = Date.now()): Discriminator {
  const rnd = mulberry32(seed);
  return { name: "random", classify: () => (rnd() < 0.5 ? "0" : "1") };
}

export function constantDiscriminator(label: DiscriminatorLabel): Discriminator {
  return { name: `constant-${label}`, classify: () => label };
}

/**
 * Says "0" when the text has the reference form: most of the five sections (in order), inline citations,
 * a Sources list, report length, no Markdown or JSON. Anything else is "1".
 */
export function heuristicClassify(query: string, text: string): DiscriminatorLabel {
  const s = textStats(query, text);
  let score = 0;
  if (s.sectionsPresent >= 4) score += 2;
  if (s.sectionsInOrder) score += 1;
  if (s.citationMarkers >= 3) score += 1;
  if (s.hasSourcesSection && s.sourceEntries >= 2) score += 2;
  if (s.words >= 150) score += 1;
  if (s.listLines >= 2) score += 0.5;
  if (s.markdownMarkers > 2) score -= 1;
  if (s.startsWithBrace) score -= 3;
  if (s.danglingCitations > 0) score -= 1;
  return score >= 6 ? "0" : "1";
}

export function heuristicDiscriminator(): Discriminator {
  return { name: "heuristic", classify: heuristicClassify };
}

export function learnedDiscriminator(model: LearnedModel): Discriminator {
  return {
    name: "learned",
    classify: (query, text) => (predictProbability(model, query, text) >= model.threshold ? "1" : "0"),
  };
}
