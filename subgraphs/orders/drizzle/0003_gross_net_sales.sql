ALTER TABLE `product_sales_by_minute` ADD `gross_orders` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `product_sales_by_minute` ADD `gross_units` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `product_sales_by_minute` ADD `gross_revenue` bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `product_sales_by_minute` ADD `net_orders` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `product_sales_by_minute` ADD `net_units` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `product_sales_by_minute` ADD `net_revenue` bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales_by_minute` ADD `gross_orders` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales_by_minute` ADD `gross_revenue` bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales_by_minute` ADD `gross_units` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales_by_minute` ADD `net_orders` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales_by_minute` ADD `net_revenue` bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales_by_minute` ADD `net_units` int DEFAULT 0 NOT NULL;
--> statement-breakpoint
-- Backfill: gross and net of the orders already placed, in the minute each was placed (paid: PAID, SHIPPED, DELIVERED).
INSERT INTO `sales_by_minute` (`currency`, `minute`, `orders`, `revenue`, `units`, `gross_orders`, `gross_revenue`, `gross_units`, `net_orders`, `net_revenue`, `net_units`)
SELECT `currency`, `minute`,
  SUM(`standing`), SUM(`standing` * `total_amount`), SUM(`standing` * `item_count`),
  COUNT(*), SUM(`total_amount`), SUM(`item_count`),
  SUM(`paid`), SUM(`paid` * `total_amount`), SUM(`paid` * `item_count`)
FROM (
  SELECT `currency`, CAST(DATE_FORMAT(`placed_at`, '%Y-%m-%d %H:%i:00') AS DATETIME) AS `minute`, `total_amount`, `item_count`,
    `status` <> 'CANCELLED' AS `standing`, `status` IN ('PAID', 'SHIPPED', 'DELIVERED') AS `paid`
  FROM `orders`
) AS `placed`
GROUP BY `currency`, `minute`
ON DUPLICATE KEY UPDATE
  `gross_orders` = VALUES(`gross_orders`), `gross_revenue` = VALUES(`gross_revenue`), `gross_units` = VALUES(`gross_units`),
  `net_orders` = VALUES(`net_orders`), `net_revenue` = VALUES(`net_revenue`), `net_units` = VALUES(`net_units`);
--> statement-breakpoint
INSERT INTO `product_sales_by_minute` (`currency`, `minute`, `product_id`, `orders`, `units`, `revenue`, `gross_orders`, `gross_units`, `gross_revenue`, `net_orders`, `net_units`, `net_revenue`)
SELECT `currency`, `minute`, `product_id`,
  SUM(`standing`), SUM(`standing` * `quantity`), SUM(`standing` * `line_amount`),
  COUNT(*), SUM(`quantity`), SUM(`line_amount`),
  SUM(`paid`), SUM(`paid` * `quantity`), SUM(`paid` * `line_amount`)
FROM (
  SELECT `o`.`currency`, CAST(DATE_FORMAT(`o`.`placed_at`, '%Y-%m-%d %H:%i:00') AS DATETIME) AS `minute`, `l`.`product_id`, `l`.`quantity`, `l`.`line_amount`,
    `o`.`status` <> 'CANCELLED' AS `standing`, `o`.`status` IN ('PAID', 'SHIPPED', 'DELIVERED') AS `paid`
  FROM `order_lines` AS `l` JOIN `orders` AS `o` ON `o`.`id` = `l`.`order_id`
) AS `placed`
GROUP BY `currency`, `minute`, `product_id`
ON DUPLICATE KEY UPDATE
  `gross_orders` = VALUES(`gross_orders`), `gross_units` = VALUES(`gross_units`), `gross_revenue` = VALUES(`gross_revenue`),
  `net_orders` = VALUES(`net_orders`), `net_units` = VALUES(`net_units`), `net_revenue` = VALUES(`net_revenue`);
