CREATE TABLE `variant_sales_by_minute` (
	`currency` char(3) NOT NULL,
	`minute` datetime NOT NULL,
	`variant_id` bigint unsigned NOT NULL,
	`product_id` bigint unsigned NOT NULL,
	`orders` int NOT NULL,
	`units` int NOT NULL,
	`revenue` bigint NOT NULL,
	`gross_orders` int NOT NULL DEFAULT 0,
	`gross_units` int NOT NULL DEFAULT 0,
	`gross_revenue` bigint NOT NULL DEFAULT 0,
	`net_orders` int NOT NULL DEFAULT 0,
	`net_units` int NOT NULL DEFAULT 0,
	`net_revenue` bigint NOT NULL DEFAULT 0,
	CONSTRAINT `variant_sales_by_minute_currency_minute_variant_id_pk` PRIMARY KEY(`currency`,`minute`,`variant_id`)
);
--> statement-breakpoint
-- Reordered by hand: the columns first, filled with the product's id (the id of its default variant, which every
-- line written before variants existed bought), then the wider keys; the variant rollups start from the product ones.
ALTER TABLE `cart_lines` ADD `variant_id` bigint unsigned NOT NULL;--> statement-breakpoint
ALTER TABLE `guest_cart_lines` ADD `variant_id` bigint unsigned NOT NULL;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `variant_id` bigint unsigned NOT NULL;--> statement-breakpoint
UPDATE `cart_lines` SET `variant_id` = `product_id`;--> statement-breakpoint
UPDATE `guest_cart_lines` SET `variant_id` = `product_id`;--> statement-breakpoint
UPDATE `order_lines` SET `variant_id` = `product_id`;--> statement-breakpoint
ALTER TABLE `cart_lines` DROP PRIMARY KEY, ADD PRIMARY KEY(`user_id`,`variant_id`);--> statement-breakpoint
ALTER TABLE `guest_cart_lines` DROP PRIMARY KEY, ADD PRIMARY KEY(`cart_id`,`variant_id`);--> statement-breakpoint
ALTER TABLE `order_lines` DROP PRIMARY KEY, ADD PRIMARY KEY(`order_id`,`variant_id`);--> statement-breakpoint
INSERT INTO `variant_sales_by_minute` (`currency`, `minute`, `variant_id`, `product_id`, `orders`, `units`, `revenue`, `gross_orders`, `gross_units`, `gross_revenue`, `net_orders`, `net_units`, `net_revenue`)
SELECT `currency`, `minute`, `product_id`, `product_id`, `orders`, `units`, `revenue`, `gross_orders`, `gross_units`, `gross_revenue`, `net_orders`, `net_units`, `net_revenue` FROM `product_sales_by_minute`;
