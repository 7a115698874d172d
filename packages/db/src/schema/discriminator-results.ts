import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { rounds } from "./rounds.js";

// One row per sampled discriminator per round (normalised, so window totals are a plain indexed SUM).
export const discriminatorResults = sqliteTable(
  "discriminator_results",
  {
    roundId: text("round_id")
      .notNull()
      .references(() => rounds.id, { onDelete: "cascade" }),
    /** Position in the round's sample (0-based), so a round reads back in the order it was played. */
    position: integer("position").notNull(),
    /** Copy of the round's created_at: lets the window query use one index without a join. */
    createdAt: integer("created_at").notNull(),
    hotkey: text("hotkey").notNull(),
    uid: integer("uid").notNull(),
    answer: text("answer"),
    correct: integer("correct", { mode: "boolean" }).notNull(),
    score: real("score").notNull(),
    latencyMs: real("latency_ms").notNull(),
    /**
     * 1 when this row's score counts toward window totals under upstream's per-row rule: a hotkey that is
     * also the round's (non-Validator) generator gets the generator value only, and a hotkey listed twice
     * counts once (its last entry), as a per-row dict overwrite would.
     */
    counted: integer("counted", { mode: "boolean" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.roundId, t.position] }),
    index("discriminator_results_window_idx").on(t.createdAt, t.counted, t.hotkey, t.score),
  ],
);
