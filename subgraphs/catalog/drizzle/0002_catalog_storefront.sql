CREATE TABLE `product_images` (
	`product_id` bigint unsigned NOT NULL,
	`position` smallint unsigned NOT NULL,
	`url` varchar(2048) NOT NULL,
	`alt_text` varchar(500) NOT NULL DEFAULT '',
	CONSTRAINT `product_images_product_id_position_pk` PRIMARY KEY(`product_id`,`position`)
);
--> statement-breakpoint
ALTER TABLE `categories` ADD `parent_id` bigint unsigned;--> statement-breakpoint
ALTER TABLE `products` ADD `handle` varchar(200) NOT NULL;--> statement-breakpoint
-- Existing products get `<name as a handle>-<id>`: the id after the last dash keeps every handle unique.
UPDATE `products` SET `handle` = CONCAT(
	COALESCE(NULLIF(TRIM(BOTH '-' FROM LEFT(TRIM(BOTH '-' FROM REGEXP_REPLACE(LOWER(`name`), '[^a-z0-9]+', '-')), 170)), ''), 'product'),
	'-', `id`);--> statement-breakpoint
ALTER TABLE `products` ADD `compare_at_amount` int unsigned;--> statement-breakpoint
ALTER TABLE `products` ADD CONSTRAINT `products_handle_unique` UNIQUE(`handle`);--> statement-breakpoint
ALTER TABLE `product_images` ADD CONSTRAINT `product_images_product_id_products_id_fk` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `products` ADD CONSTRAINT `products_compare_at_above_price` CHECK (compare_at_amount IS NULL OR compare_at_amount > price_amount);--> statement-breakpoint
ALTER TABLE `categories` ADD CONSTRAINT `categories_parent_id_categories_id_fk` FOREIGN KEY (`parent_id`) REFERENCES `categories`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `categories_parent_idx` ON `categories` (`parent_id`,`name`,`id`);