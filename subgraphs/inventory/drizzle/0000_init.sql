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
CREATE TABLE `reservation_lines` (
	`reservation_id` bigint unsigned NOT NULL,
	`product_id` bigint unsigned NOT NULL,
	`quantity` int NOT NULL,
	CONSTRAINT `reservation_lines_pk` PRIMARY KEY(`reservation_id`,`product_id`),
	CONSTRAINT `reservation_lines_quantity_positive` CHECK(`reservation_lines`.`quantity` > 0)
);
--> statement-breakpoint
CREATE TABLE `reservations` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`reference` varchar(100) NOT NULL,
	`status` enum('HELD','COMMITTED','RELEASED','EXPIRED') NOT NULL,
	`release_reason` enum('CANCELLED','EXPIRED','FAILED'),
	`expires_at` datetime(3) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `reservations_id` PRIMARY KEY(`id`),
	CONSTRAINT `reservations_reference_unique` UNIQUE(`reference`)
);
--> statement-breakpoint
CREATE TABLE `stock` (
	`product_id` bigint unsigned NOT NULL,
	`on_hand` int NOT NULL DEFAULT 0,
	`reserved` int NOT NULL DEFAULT 0,
	`available` int NOT NULL DEFAULT 0,
	`low_stock_threshold` int NOT NULL DEFAULT 10,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `stock_product_id` PRIMARY KEY(`product_id`),
	CONSTRAINT `stock_not_negative` CHECK(`stock`.`on_hand` >= 0 AND `stock`.`reserved` >= 0 AND `stock`.`available` >= 0),
	CONSTRAINT `stock_balanced` CHECK(`stock`.`on_hand` = `stock`.`available` + `stock`.`reserved`),
	CONSTRAINT `stock_threshold_not_negative` CHECK(`stock`.`low_stock_threshold` >= 0)
);
--> statement-breakpoint
CREATE TABLE `stock_ledger` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`product_id` bigint unsigned NOT NULL,
	`kind` enum('RESERVATION','RELEASE','SALE','CANCELLATION','RESTOCK','ADJUSTMENT','EXPIRY') NOT NULL,
	`delta_on_hand` int NOT NULL,
	`delta_available` int NOT NULL,
	`reference` varchar(100),
	`reason` varchar(255),
	`actor` varchar(100) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `stock_ledger_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
ALTER TABLE `reservation_lines` ADD CONSTRAINT `reservation_lines_reservation_id_reservations_id_fk` FOREIGN KEY (`reservation_id`) REFERENCES `reservations`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `outbox_pending_idx` ON `outbox` (`published_at`,`id`);--> statement-breakpoint
CREATE INDEX `reservations_expiry_idx` ON `reservations` (`status`,`expires_at`);--> statement-breakpoint
CREATE INDEX `stock_ledger_product_idx` ON `stock_ledger` (`product_id`,`id`);