CREATE TABLE `activity_minutes` (
	`minute` datetime NOT NULL,
	`kind` enum('SESSION_STARTED','PRODUCT_VIEWED','SEARCHED','ADDED_TO_CART','CHECKOUT_STARTED') NOT NULL,
	`events` int unsigned NOT NULL,
	CONSTRAINT `activity_minutes_minute_kind_pk` PRIMARY KEY(`minute`,`kind`)
);
--> statement-breakpoint
CREATE TABLE `behaviour_events` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`event_id` varchar(64) NOT NULL,
	`session_id` varchar(64) NOT NULL,
	`user_id` bigint unsigned,
	`kind` enum('SESSION_STARTED','PRODUCT_VIEWED','SEARCHED','ADDED_TO_CART','CHECKOUT_STARTED') NOT NULL,
	`occurred_at` datetime(3) NOT NULL,
	`product_id` bigint unsigned,
	`quantity` int,
	`search_query` varchar(200),
	`cart_amount` bigint,
	`cart_currency` char(3),
	`path` varchar(512),
	`received_at` datetime(3) NOT NULL,
	CONSTRAINT `behaviour_events_id` PRIMARY KEY(`id`),
	CONSTRAINT `behaviour_events_event_id_unique` UNIQUE(`event_id`)
);
--> statement-breakpoint
CREATE TABLE `order_facts` (
	`order_id` bigint unsigned NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`placed_at` datetime(3) NOT NULL,
	`total_amount` bigint NOT NULL,
	`currency` char(3) NOT NULL,
	`status` enum('PENDING','PAID','SHIPPED','DELIVERED','CANCELLED') NOT NULL,
	`paid` boolean NOT NULL DEFAULT false,
	CONSTRAINT `order_facts_order_id` PRIMARY KEY(`order_id`)
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`session_id` varchar(64) NOT NULL,
	`user_id` bigint unsigned,
	`started_at` datetime(3) NOT NULL,
	`last_seen_at` datetime(3) NOT NULL,
	`furthest_stage` tinyint unsigned NOT NULL,
	`last_cart_at` datetime(3),
	CONSTRAINT `sessions_session_id` PRIMARY KEY(`session_id`)
);
--> statement-breakpoint
CREATE INDEX `behaviour_events_occurred_idx` ON `behaviour_events` (`occurred_at`);--> statement-breakpoint
CREATE INDEX `behaviour_events_session_idx` ON `behaviour_events` (`session_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `behaviour_events_kind_idx` ON `behaviour_events` (`kind`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `order_facts_user_idx` ON `order_facts` (`user_id`,`placed_at`);--> statement-breakpoint
CREATE INDEX `order_facts_placed_idx` ON `order_facts` (`placed_at`);--> statement-breakpoint
CREATE INDEX `sessions_last_seen_idx` ON `sessions` (`last_seen_at`);--> statement-breakpoint
CREATE INDEX `sessions_started_idx` ON `sessions` (`started_at`);--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`,`last_seen_at`);