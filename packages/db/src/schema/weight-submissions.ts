import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

// Every weight-setting attempt and its outcome, including skips and chain errors.
export const weightSubmissions = sqliteTable(
  "weight_submissions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    createdAt: integer("created_at").notNull(),
    block: integer("block"),
    netuid: integer("netuid").notNull(),
    /** JSON array of numbers. */
    uids: text("uids").notNull(),
    /** JSON array of numbers. */
    weights: text("weights").notNull(),
    versionKey: integer("version_key").notNull(),
    mode: text("mode", { enum: ["set", "commit", "reveal"] }).notNull(),
    outcome: text("outcome", { enum: ["ok", "error", "skipped"] }).notNull(),
    error: text("error"),
  },
  (t) => [index("weight_submissions_created_at_idx").on(t.createdAt)],
);
