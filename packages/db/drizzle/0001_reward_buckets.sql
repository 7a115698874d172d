CREATE TABLE `reward_buckets` (
	`bucket` integer NOT NULL,
	`hotkey` text NOT NULL,
	`reward` real NOT NULL,
	PRIMARY KEY(`bucket`, `hotkey`)
);
--> statement-breakpoint
-- Backfill from the rounds already stored, by the same per-row rule the window query uses.
INSERT INTO `reward_buckets` (`bucket`, `hotkey`, `reward`)
SELECT `bucket`, `hotkey`, SUM(`v`) FROM (
	SELECT `created_at` / 600000 AS `bucket`, `generator_hotkey` AS `hotkey`, `generator_score` AS `v`
		FROM `rounds` WHERE `generator_hotkey` <> 'Validator'
	UNION ALL
	SELECT `created_at` / 600000, `hotkey`, `score` FROM `discriminator_results` WHERE `counted` = 1
) GROUP BY `bucket`, `hotkey`;
