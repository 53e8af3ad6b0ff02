CREATE TABLE `cart_lines` (
	`user_id` bigint unsigned NOT NULL,
	`product_id` bigint unsigned NOT NULL,
	`quantity` int NOT NULL,
	`added_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `cart_lines_user_id_product_id_pk` PRIMARY KEY(`user_id`,`product_id`)
);
--> statement-breakpoint
CREATE TABLE `customer_stats` (
	`user_id` bigint unsigned NOT NULL,
	`first_order_at` datetime(3),
	`orders` int NOT NULL,
	CONSTRAINT `customer_stats_user_id` PRIMARY KEY(`user_id`)
);
--> statement-breakpoint
CREATE TABLE `order_lines` (
	`order_id` bigint unsigned NOT NULL,
	`product_id` bigint unsigned NOT NULL,
	`quantity` int NOT NULL,
	`unit_amount` bigint NOT NULL,
	`line_amount` bigint NOT NULL,
	CONSTRAINT `order_lines_order_id_product_id_pk` PRIMARY KEY(`order_id`,`product_id`)
);
--> statement-breakpoint
CREATE TABLE `orders` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`idempotency_key` varchar(64) NOT NULL,
	`reservation_ref` varchar(64) NOT NULL,
	`status` enum('PENDING','PAID','SHIPPED','DELIVERED','CANCELLED') NOT NULL,
	`currency` char(3) NOT NULL,
	`total_amount` bigint NOT NULL,
	`item_count` int NOT NULL,
	`placed_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`paid_at` datetime(3),
	`shipped_at` datetime(3),
	`delivered_at` datetime(3),
	`cancelled_at` datetime(3),
	`cancel_reason` enum('CANCELLED','EXPIRED'),
	`payment_id` varchar(64),
	`stock_released_at` datetime(3),
	CONSTRAINT `orders_id` PRIMARY KEY(`id`),
	CONSTRAINT `orders_user_idempotency_unique` UNIQUE(`user_id`,`idempotency_key`)
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`event_id` char(36) NOT NULL,
	`type` varchar(64) NOT NULL,
	`aggregate_type` varchar(64) NOT NULL,
	`aggregate_id` varchar(64) NOT NULL,
	`payload` json NOT NULL,
	`occurred_at` datetime(3) NOT NULL,
	`published_at` datetime(3),
	CONSTRAINT `outbox_id` PRIMARY KEY(`id`),
	CONSTRAINT `outbox_event_id_unique` UNIQUE(`event_id`)
);
--> statement-breakpoint
CREATE TABLE `product_sales_by_minute` (
	`currency` char(3) NOT NULL,
	`minute` datetime NOT NULL,
	`product_id` bigint unsigned NOT NULL,
	`orders` int NOT NULL,
	`units` int NOT NULL,
	`revenue` bigint NOT NULL,
	CONSTRAINT `product_sales_by_minute_currency_minute_product_id_pk` PRIMARY KEY(`currency`,`minute`,`product_id`)
);
--> statement-breakpoint
CREATE TABLE `sales_by_minute` (
	`currency` char(3) NOT NULL,
	`minute` datetime NOT NULL,
	`orders` int NOT NULL,
	`revenue` bigint NOT NULL,
	`units` int NOT NULL,
	CONSTRAINT `sales_by_minute_currency_minute_pk` PRIMARY KEY(`currency`,`minute`)
);
--> statement-breakpoint
CREATE INDEX `orders_user_placed_idx` ON `orders` (`user_id`,`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_placed_idx` ON `orders` (`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_status_placed_idx` ON `orders` (`status`,`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_stock_release_idx` ON `orders` (`status`,`stock_released_at`);--> statement-breakpoint
CREATE INDEX `outbox_pending_idx` ON `outbox` (`published_at`,`id`);--> statement-breakpoint
CREATE INDEX `product_sales_minute_idx` ON `product_sales_by_minute` (`minute`,`product_id`);