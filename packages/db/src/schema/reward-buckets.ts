import { integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Width of a reward bucket: ten minutes of round time. */
export const BUCKET_MS = 600_000;

// Running sums of what each hotkey earned per ten minutes, kept in the same transaction as the round they come
// from. A 22 h window then reads 132 rows per hotkey plus the rows of at most ten minutes, not every result.
export const rewardBuckets = sqliteTable(
  "reward_buckets",
  {
    /** floor(created_at / BUCKET_MS). */
    bucket: integer("bucket").notNull(),
    hotkey: text("hotkey").notNull(),
    /** Sum of g (as generator, "Validator" excluded) and counted d_i in this bucket. */
    reward: real("reward").notNull(),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.hotkey] })],
);
