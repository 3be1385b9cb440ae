CREATE TABLE `release_waves` (
	`release_id` integer NOT NULL,
	`number` integer NOT NULL,
	`pilot` integer DEFAULT false NOT NULL,
	`window_start` integer NOT NULL,
	`window_end` integer NOT NULL,
	`services` text DEFAULT '[]' NOT NULL,
	`audience` text,
	`outage_minutes` integer DEFAULT 0 NOT NULL,
	`state` text NOT NULL,
	`started_by` text,
	`started_at` integer,
	`override` text,
	`outcome_by` text,
	`outcome_note` text,
	`finished_at` integer,
	PRIMARY KEY(`release_id`, `number`),
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `release_waves_window_idx` ON `release_waves` (`window_start`);--> statement-breakpoint
CREATE TABLE `releases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` integer NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`goal` text,
	`manager` text NOT NULL,
	`target_date` integer,
	`testing_coordinator` text,
	`communications_coordinator` text,
	`training_coordinator` text,
	`status_slack` text,
	`status_teams` text,
	`phase` text NOT NULL,
	`suspended_from` text,
	`plan` text NOT NULL,
	`package` text NOT NULL,
	`tests` text DEFAULT '[]' NOT NULL,
	`signoffs` text DEFAULT '[]' NOT NULL,
	`readiness` text DEFAULT '{}' NOT NULL,
	`go_decisions` text DEFAULT '[]' NOT NULL,
	`backout_proven_by` text,
	`pilot_approved_by` text,
	`review` text,
	`reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `releases_number_unique` ON `releases` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `releases_key_unique` ON `releases` (`key`);--> statement-breakpoint
CREATE INDEX `releases_phase_idx` ON `releases` (`phase`);