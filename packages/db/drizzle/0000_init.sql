CREATE TABLE `rounds` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`kind` text NOT NULL,
	`ground_truth` integer NOT NULL,
	`query` text NOT NULL,
	`shown_text` text NOT NULL,
	`generator_hotkey` text NOT NULL,
	`generator_uid` integer,
	`generator_latency_ms` real,
	`generator_score` real NOT NULL,
	`reference_failed` integer DEFAULT false NOT NULL,
	`discriminator_count` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rounds_created_at_idx` ON `rounds` (`created_at`,`generator_hotkey`,`generator_score`);--> statement-breakpoint
CREATE TABLE `discriminator_results` (
	`round_id` text NOT NULL,
	`position` integer NOT NULL,
	`created_at` integer NOT NULL,
	`hotkey` text NOT NULL,
	`uid` integer NOT NULL,
	`answer` text,
	`correct` integer NOT NULL,
	`score` real NOT NULL,
	`latency_ms` real NOT NULL,
	`counted` integer NOT NULL,
	PRIMARY KEY(`round_id`, `position`),
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `discriminator_results_window_idx` ON `discriminator_results` (`created_at`,`counted`,`hotkey`,`score`);--> statement-breakpoint
CREATE TABLE `weight_submissions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`created_at` integer NOT NULL,
	`block` integer,
	`netuid` integer NOT NULL,
	`uids` text NOT NULL,
	`weights` text NOT NULL,
	`version_key` integer NOT NULL,
	`mode` text NOT NULL,
	`outcome` text NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `weight_submissions_created_at_idx` ON `weight_submissions` (`created_at`);