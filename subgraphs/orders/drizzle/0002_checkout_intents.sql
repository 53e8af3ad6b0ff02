CREATE TABLE `checkout_intents` (
	`reservation_ref` varchar(64) NOT NULL,
	`state` enum('PENDING','ABANDONED') NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`released_at` datetime(3),
	CONSTRAINT `checkout_intents_reservation_ref` PRIMARY KEY(`reservation_ref`)
);
--> statement-breakpoint
CREATE INDEX `checkout_intents_state_idx` ON `checkout_intents` (`state`,`released_at`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_reservation_idx` ON `orders` (`reservation_ref`);