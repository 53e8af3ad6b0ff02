// Commits an order's outbox row and dies at once, before any relay could publish it:
// the crash the outbox exists for. Used by outbox-recovery.test.ts.
import { drizzle } from 'drizzle-orm/mysql2';
import { ordersSchema } from '@rtc/orders';
import { appendToOutbox, createMysqlPool, runnerOnDrizzle } from '@rtc/service-kit';

const [databaseUrl, orderId] = process.argv.slice(2);
if (!databaseUrl || !orderId) throw new Error('usage: commit-then-die <database-url> <order-id>');

const pool = createMysqlPool({ url: databaseUrl, connectionLimit: 1 });
await drizzle(pool).transaction(async (tx) => {
  await appendToOutbox(runnerOnDrizzle(tx), ordersSchema.outbox, [
    {
      type: 'OrderPlaced',
      aggregateType: 'Order',
      aggregateId: orderId,
      payload: { orderId, userId: '1', total: { amount: 1_000, currency: 'USD' }, units: 1, lines: [], placedAt: new Date().toISOString() },
    },
  ]);
});
process.kill(process.pid, 'SIGKILL');
