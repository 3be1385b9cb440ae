CREATE TABLE `rfc_checklist` (
	`rfc_key` text NOT NULL,
	`item` text NOT NULL,
	`ticked_by` text NOT NULL,
	`ticked_at` integer NOT NULL,
	`note` text,
	PRIMARY KEY(`rfc_key`, `item`)
);
