CREATE TABLE `guest_cart_lines` (
	`cart_id` bigint unsigned NOT NULL,
	`product_id` bigint unsigned NOT NULL,
	`quantity` int NOT NULL,
	`added_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `guest_cart_lines_cart_id_product_id_pk` PRIMARY KEY(`cart_id`,`product_id`)
);
--> statement-breakpoint
CREATE TABLE `guest_carts` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`token_hash` char(64) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`expires_at` datetime(3) NOT NULL,
	CONSTRAINT `guest_carts_id` PRIMARY KEY(`id`),
	CONSTRAINT `guest_carts_token_unique` UNIQUE(`token_hash`)
);
--> statement-breakpoint
ALTER TABLE `orders` ADD `subtotal_amount` bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `shipping_amount` bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `tax_amount` bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `discount_amount` bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `shipping_address` json;--> statement-breakpoint
CREATE INDEX `guest_carts_expires_idx` ON `guest_carts` (`expires_at`);--> statement-breakpoint
-- Backfill: orders placed before the breakdown were charged the sum of their lines, with no shipping, tax or discount.
UPDATE `orders` SET `subtotal_amount` = `total_amount`;