ALTER TABLE `rfcs` ADD `resources` text;--> statement-breakpoint
ALTER TABLE `rfcs` ADD `vote_opened_at` integer;--> statement-breakpoint
ALTER TABLE `rfcs` ADD `cab_members` text;--> statement-breakpoint
ALTER TABLE `rfcs` ADD `approved_start` integer;--> statement-breakpoint
ALTER TABLE `rfcs` ADD `approved_end` integer;--> statement-breakpoint
ALTER TABLE `rfcs` ADD `approved_at` integer;--> statement-breakpoint
ALTER TABLE `rfcs` ADD `review_outcome` text;--> statement-breakpoint
ALTER TABLE `rfcs` ADD `caused_incident` integer;--> statement-breakpoint
ALTER TABLE `rfcs` ADD `cloned_from` text;--> statement-breakpoint
-- RFCs approved before this migration: the approval is taken to cover the window they hold now.
-- (approved_at stays unset: no "still unscheduled" reminder for approvals older than the feature.)
UPDATE `rfcs` SET `approved_start` = `window_start`, `approved_end` = `window_end`
  WHERE `state` IN ('approved', 'scheduled', 'implementing', 'implemented', 'failed', 'backed_out', 'in_review', 'closed');
