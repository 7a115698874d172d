import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

// One row per played round. `created_at` is the clock time (ms) the round was stored; windows are measured on it.
export const rounds = sqliteTable(
  "rounds",
  {
    id: text("id").primaryKey(),
    createdAt: integer("created_at").notNull(),
    kind: text("kind", { enum: ["reference", "generator"] }).notNull(),
    groundTruth: integer("ground_truth").notNull(),
    query: text("query").notNull(),
    shownText: text("shown_text").notNull(),
    generatorHotkey: text("generator_hotkey").notNull(),
    generatorUid: integer("generator_uid"),
    generatorLatencyMs: real("generator_latency_ms"),
    generatorScore: real("generator_score").notNull(),
    referenceFailed: integer("reference_failed", { mode: "boolean" }).notNull().default(false),
    discriminatorCount: integer("discriminator_count").notNull(),
  },
  (t) => [
    // Window totals and pruning both scan by time; the covering columns keep the generator half index-only.
    index("rounds_created_at_idx").on(t.createdAt, t.generatorHotkey, t.generatorScore),
  ],
);
