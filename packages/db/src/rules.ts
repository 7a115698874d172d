// Pure rules applied on the write path, so the read path can stay one indexed SUM.
import type { RoundRecord } from "./types.js";

/** The pseudo-hotkey reference rounds are stored under; never paid (same literal as @apex/protocol). */
export const VALIDATOR_HOTKEY = "Validator";

/**
 * Which discriminator entries of one round count toward window totals under upstream's per-row rule
 * (docs/upstream.md § Window aggregation): per row a dict is filled with every discriminator's d_i, then
 * overwritten by the generator's g unless the generator is "Validator". So an entry counts unless its hotkey
 * is the (real) generator, or the same hotkey appears again later in the list (the later value overwrote it).
 */
export function countedFlags(generatorHotkey: string, discriminatorHotkeys: readonly string[]): boolean[] {
  const lastIndex = new Map<string, number>();
  discriminatorHotkeys.forEach((h, i) => {
    lastIndex.set(h, i);
  });
  return discriminatorHotkeys.map(
    (h, i) => lastIndex.get(h) === i && (generatorHotkey === VALIDATOR_HOTKEY || h !== generatorHotkey),
  );
}

function fail(round: RoundRecord, what: string): never {
  throw new Error(`invalid round ${JSON.stringify(round.id)}: ${what}`);
}

function finite(round: RoundRecord, name: string, v: number): void {
  if (typeof v !== "number" || !Number.isFinite(v)) fail(round, `${name} must be a finite number, got ${v}`);
}

/** Throws a message that says which field is wrong, before anything touches the DB. */
export function validateRound(round: RoundRecord): void {
  if (typeof round.id !== "string" || round.id.length === 0) fail(round, "id must be a non-empty string");
  if (!Number.isSafeInteger(round.createdAt) || round.createdAt < 0)
    fail(round, `createdAt must be a non-negative integer of ms since the epoch, got ${round.createdAt}`);
  if (round.kind !== "reference" && round.kind !== "generator")
    fail(round, `kind must be "reference" or "generator", got ${JSON.stringify(round.kind)}`);
  if (round.groundTruth !== 0 && round.groundTruth !== 1)
    fail(round, `groundTruth must be 0 or 1, got ${round.groundTruth}`);
  if (typeof round.query !== "string") fail(round, "query must be a string");
  if (typeof round.shownText !== "string") fail(round, "shownText must be a string");
  if (typeof round.generatorHotkey !== "string" || round.generatorHotkey.length === 0)
    fail(
      round,
      `generatorHotkey must be a non-empty string (use "${VALIDATOR_HOTKEY}" for reference rounds)`,
    );
  finite(round, "generatorScore", round.generatorScore);
  if (round.generatorLatencyMs !== null) finite(round, "generatorLatencyMs", round.generatorLatencyMs);
  if (!Array.isArray(round.discriminators)) fail(round, "discriminators must be an array");
  round.discriminators.forEach((d, i) => {
    if (typeof d.hotkey !== "string" || d.hotkey.length === 0)
      fail(round, `discriminators[${i}].hotkey must be a non-empty string`);
    if (!Number.isInteger(d.uid)) fail(round, `discriminators[${i}].uid must be an integer, got ${d.uid}`);
    if (d.answer !== null && typeof d.answer !== "string")
      fail(round, `discriminators[${i}].answer must be a string or null`);
    finite(round, `discriminators[${i}].score`, d.score);
    finite(round, `discriminators[${i}].latencyMs`, d.latencyMs);
  });
}
