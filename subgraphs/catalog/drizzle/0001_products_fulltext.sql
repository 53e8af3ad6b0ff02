-- Custom SQL migration: drizzle-kit cannot declare FULLTEXT indexes. Product search matches words of name, sku and description here.
ALTER TABLE `products` ADD FULLTEXT INDEX `products_search_idx` (`name`, `sku`, `description`);
