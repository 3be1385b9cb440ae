ALTER TABLE `change_log` ADD `prev_hash` text;--> statement-breakpoint
ALTER TABLE `change_log` ADD `hash` text;--> statement-breakpoint
ALTER TABLE `inbound_requests` ADD `platform` text;--> statement-breakpoint
ALTER TABLE `inbound_requests` ADD `request` text;--> statement-breakpoint
ALTER TABLE `inbound_requests` ADD `state` text DEFAULT 'done' NOT NULL;--> statement-breakpoint
ALTER TABLE `inbound_requests` ADD `done_at` integer;--> statement-breakpoint
CREATE INDEX `inbound_requests_state_idx` ON `inbound_requests` (`state`);