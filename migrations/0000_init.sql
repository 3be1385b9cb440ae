CREATE TABLE `blackout_windows` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`reason` text
);
--> statement-breakpoint
CREATE TABLE `change_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rfc_id` integer,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`from_state` text,
	`to_state` text,
	`reason` text,
	`detail` text,
	FOREIGN KEY (`rfc_id`) REFERENCES `rfcs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `change_log_rfc_idx` ON `change_log` (`rfc_id`);--> statement-breakpoint
CREATE TABLE `chat_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rfc_id` integer NOT NULL,
	`platform` text NOT NULL,
	`kind` text NOT NULL,
	`conversation` text NOT NULL,
	`message_id` text NOT NULL,
	`thread` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`rfc_id`) REFERENCES `rfcs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `chat_messages_unique` ON `chat_messages` (`rfc_id`,`platform`,`kind`,`conversation`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`platform` text NOT NULL,
	`id` text NOT NULL,
	`kind` text NOT NULL,
	`tenant` text,
	`team` text,
	`person_id` text,
	`reference` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `id`)
);
--> statement-breakpoint
CREATE INDEX `conversations_person_idx` ON `conversations` (`person_id`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notification_key` text NOT NULL,
	`recipient` text NOT NULL,
	`rfc_id` integer,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`message_ref` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`rfc_id`) REFERENCES `rfcs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_notification_recipient` ON `deliveries` (`notification_key`,`recipient`);--> statement-breakpoint
CREATE TABLE `inbound_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `maintenance_windows` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`service` text,
	`rrule` text NOT NULL,
	`duration_minutes` integer NOT NULL,
	`timezone` text NOT NULL,
	FOREIGN KEY (`service`) REFERENCES `services`(`name`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `people` (
	`id` text PRIMARY KEY NOT NULL,
	`display_name` text,
	`timezone` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rfcs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` integer NOT NULL,
	`key` text NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`justification` text,
	`category` text NOT NULL,
	`emergency` integer DEFAULT false NOT NULL,
	`services` text DEFAULT '[]' NOT NULL,
	`impact` text,
	`likelihood` text,
	`urgency` text,
	`plan` text,
	`backout` text,
	`test` text,
	`cost` text,
	`requester` text NOT NULL,
	`owner` text NOT NULL,
	`window_start` integer,
	`window_end` integer,
	`outage_minutes` integer,
	`outage_audience` text,
	`problem` text,
	`release_key` text,
	`state` text NOT NULL,
	`vote_deadline` integer,
	`escalated` integer DEFAULT false NOT NULL,
	`schedule_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rfcs_number_unique` ON `rfcs` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `rfcs_key_unique` ON `rfcs` (`key`);--> statement-breakpoint
CREATE INDEX `rfcs_state_idx` ON `rfcs` (`state`);--> statement-breakpoint
CREATE TABLE `role_grants` (
	`person_id` text NOT NULL,
	`role` text NOT NULL,
	`granted_by` text NOT NULL,
	`granted_at` integer NOT NULL,
	PRIMARY KEY(`person_id`, `role`),
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `sequences` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `services` (
	`name` text PRIMARY KEY NOT NULL,
	`owner` text,
	`audience` text DEFAULT '[]' NOT NULL,
	`depends_on` text DEFAULT '[]' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `votes` (
	`rfc_id` integer NOT NULL,
	`voter` text NOT NULL,
	`capacity` text NOT NULL,
	`choice` text NOT NULL,
	`comment` text,
	`cast_at` integer NOT NULL,
	PRIMARY KEY(`rfc_id`, `voter`, `capacity`),
	FOREIGN KEY (`rfc_id`) REFERENCES `rfcs`(`id`) ON UPDATE no action ON DELETE no action
);
