ALTER TABLE `stock` ADD `parent_product_id` bigint unsigned NOT NULL;--> statement-breakpoint
-- Added by hand: every row written before variants existed is its product's default variant, whose id is the product's.
UPDATE `stock` SET `parent_product_id` = `product_id`;--> statement-breakpoint
CREATE INDEX `stock_parent_product_idx` ON `stock` (`parent_product_id`);
