-- Custom SQL migration: every existing product gets its default variant, with the product's id, SKU, price and
-- compare-at price and no options, so the stock and order rows that name the product name this variant without being
-- rewritten. Variants added later are numbered from 10^12 (firstAddedVariantId), a range product ids never reach.
ALTER TABLE `product_variants` AUTO_INCREMENT = 1000000000000;--> statement-breakpoint
INSERT INTO `product_variants` (`id`, `product_id`, `sku`, `selected_options`, `price_amount`, `compare_at_amount`, `position`, `removed_at`, `created_at`)
SELECT `id`, `id`, `sku`, '[]', `price_amount`, `compare_at_amount`, 0, NULL, `created_at` FROM `products`;
