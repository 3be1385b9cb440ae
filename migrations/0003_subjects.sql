-- Everything keyed to an RFC is keyed by a subject ({type, key}) so releases can use the same
-- outbox, deliveries, chat messages and change log. Every row is kept: its subject comes from
-- the RFC it pointed to. Recreating change_log drops its append-only triggers: they are made again.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_change_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject_type` text,
	`subject_key` text,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`from_state` text,
	`to_state` text,
	`reason` text,
	`detail` text
);
--> statement-breakpoint
INSERT INTO `__new_change_log`("id", "subject_type", "subject_key", "at", "actor", "action", "from_state", "to_state", "reason", "detail") SELECT c."id", CASE WHEN c."rfc_id" IS NULL THEN NULL ELSE 'rfc' END, r."key", c."at", c."actor", c."action", c."from_state", c."to_state", c."reason", c."detail" FROM `change_log` c LEFT JOIN `rfcs` r ON r."id" = c."rfc_id";--> statement-breakpoint
DROP TABLE `change_log`;--> statement-breakpoint
ALTER TABLE `__new_change_log` RENAME TO `change_log`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `change_log_subject_idx` ON `change_log` (`subject_type`,`subject_key`);--> statement-breakpoint
CREATE TRIGGER `change_log_no_update` BEFORE UPDATE ON `change_log`
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;--> statement-breakpoint
CREATE TRIGGER `change_log_no_delete` BEFORE DELETE ON `change_log`
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;--> statement-breakpoint
CREATE TABLE `__new_chat_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject_type` text NOT NULL,
	`subject_key` text NOT NULL,
	`platform` text NOT NULL,
	`kind` text NOT NULL,
	`conversation` text NOT NULL,
	`message_id` text NOT NULL,
	`thread` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_chat_messages`("id", "subject_type", "subject_key", "platform", "kind", "conversation", "message_id", "thread", "created_at") SELECT m."id", 'rfc', r."key", m."platform", m."kind", m."conversation", m."message_id", m."thread", m."created_at" FROM `chat_messages` m JOIN `rfcs` r ON r."id" = m."rfc_id";--> statement-breakpoint
DROP TABLE `chat_messages`;--> statement-breakpoint
ALTER TABLE `__new_chat_messages` RENAME TO `chat_messages`;--> statement-breakpoint
CREATE UNIQUE INDEX `chat_messages_unique` ON `chat_messages` (`subject_type`,`subject_key`,`platform`,`kind`,`conversation`);--> statement-breakpoint
CREATE TABLE `__new_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notification_key` text NOT NULL,
	`recipient` text NOT NULL,
	`subject_type` text,
	`subject_key` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`message_ref` text,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
INSERT INTO `__new_deliveries`("id", "notification_key", "recipient", "subject_type", "subject_key", "status", "attempts", "last_error", "message_ref", "created_at", "sent_at") SELECT d."id", d."notification_key", d."recipient", CASE WHEN d."rfc_id" IS NULL THEN NULL ELSE 'rfc' END, r."key", d."status", d."attempts", d."last_error", d."message_ref", d."created_at", d."sent_at" FROM `deliveries` d LEFT JOIN `rfcs` r ON r."id" = d."rfc_id";--> statement-breakpoint
DROP TABLE `deliveries`;--> statement-breakpoint
ALTER TABLE `__new_deliveries` RENAME TO `deliveries`;--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_notification_recipient` ON `deliveries` (`notification_key`,`recipient`);--> statement-breakpoint
CREATE INDEX `deliveries_subject_idx` ON `deliveries` (`subject_type`,`subject_key`);--> statement-breakpoint
CREATE TABLE `__new_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject_type` text NOT NULL,
	`subject_key` text NOT NULL,
	`event` text NOT NULL,
	`notification` text NOT NULL,
	`created_at` integer NOT NULL,
	`dispatched_at` integer
);
--> statement-breakpoint
INSERT INTO `__new_outbox`("id", "subject_type", "subject_key", "event", "notification", "created_at", "dispatched_at") SELECT "id", 'rfc', "rfc_key", "event", json_set(json_remove("notification", '$.rfcKey'), '$.subject', json_object('type', 'rfc', 'key', "rfc_key")), "created_at", "dispatched_at" FROM `outbox`;--> statement-breakpoint
DROP TABLE `outbox`;--> statement-breakpoint
ALTER TABLE `__new_outbox` RENAME TO `outbox`;--> statement-breakpoint
CREATE INDEX `outbox_pending_idx` ON `outbox` (`dispatched_at`);