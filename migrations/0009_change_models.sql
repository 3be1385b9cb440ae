CREATE TABLE `rfc_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rfc_key` text NOT NULL,
	`number` integer NOT NULL,
	`title` text NOT NULL,
	`team` text,
	`assignee` text,
	`due_at` integer,
	`state` text DEFAULT 'open' NOT NULL,
	`note` text,
	`done_by` text,
	`done_at` integer,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rfc_tasks_number_idx` ON `rfc_tasks` (`rfc_key`,`number`);--> statement-breakpoint
CREATE TABLE `team_members` (
	`team` text NOT NULL,
	`person_id` text NOT NULL,
	`added_by` text NOT NULL,
	`added_at` integer NOT NULL,
	PRIMARY KEY(`team`, `person_id`),
	FOREIGN KEY (`team`) REFERENCES `teams`(`name`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `team_members_person_idx` ON `team_members` (`person_id`);--> statement-breakpoint
CREATE TABLE `teams` (
	`name` text PRIMARY KEY NOT NULL,
	`slack_usergroup` text,
	`teams_channel` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `template_versions` (
	`template_name` text NOT NULL,
	`version` integer NOT NULL,
	`title_pattern` text NOT NULL,
	`description` text,
	`services` text DEFAULT '[]' NOT NULL,
	`plan` text,
	`backout` text,
	`test` text,
	`max_duration_minutes` integer,
	`allowed_windows` text DEFAULT 'maintenance' NOT NULL,
	`tasks` text DEFAULT '[]' NOT NULL,
	`checklist` text DEFAULT '[]' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`template_name`, `version`),
	FOREIGN KEY (`template_name`) REFERENCES `templates`(`name`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `templates` (
	`name` text PRIMARY KEY NOT NULL,
	`current_version` integer NOT NULL,
	`retired_at` integer,
	`retired_by` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `rfcs` ADD `template_name` text;--> statement-breakpoint
ALTER TABLE `rfcs` ADD `template_version` integer;