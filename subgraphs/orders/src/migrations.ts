import { fileURLToPath } from 'node:url';

/** The committed drizzle-kit migrations of this subgraph. */
export const ordersMigrations = fileURLToPath(new URL('../drizzle', import.meta.url));
