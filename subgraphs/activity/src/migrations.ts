import { fileURLToPath } from 'node:url';

/** The committed drizzle-kit migrations of this subgraph. */
export const activityMigrations = fileURLToPath(new URL('../drizzle', import.meta.url));
