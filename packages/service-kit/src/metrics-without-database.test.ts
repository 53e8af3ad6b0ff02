import { describe, expect, it } from 'vitest';
import { createInProcessBus } from './bus';
import { createServiceServer } from './http-server';
import { createLogger } from './logger';
import { createScrapeReading, createServiceMetrics } from './metrics';
import { createMysqlPool, pingDatabase } from './mysql';
import { createOutboxRelay } from './outbox';

describe('metrics when the database is gone', () => {
  it('still answers /metrics, with rtc_db_up 0, and reports not ready', async () => {
    const logger = createLogger({ service: 'test', level: 'silent' });
    const metrics = createServiceMetrics('test', { defaults: false });
    // Nothing listens on port 9: every query fails at once.
    const pool = createMysqlPool({ url: 'mysql://root@127.0.0.1:9/nothing', metrics, connectionLimit: 1 });
    createOutboxRelay({ pool, bus: createInProcessBus(), logger, metrics });
    const server = createServiceServer({ logger, metrics, ready: () => pingDatabase(pool), routes: {} });
    const url = await server.listen(0, '127.0.0.1');
    try {
      const scrape = await fetch(`${url}/metrics`);
      expect(scrape.status).toBe(200);
      const text = await scrape.text();
      expect(text).toMatch(/^rtc_db_up\{service="test"\} 0$/m);
      expect(text).toMatch(/^rtc_outbox_pending_events\{service="test"\} 0$/m);
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
    } finally {
      await server.close();
      await pool.end();
    }
  });
});

describe('a shared scrape reading', () => {
  it('reads once for the gauges of one scrape and keeps the last value when a read fails', async () => {
    let calls = 0;
    let fail = false;
    const read = createScrapeReading(async () => {
      calls += 1;
      if (fail) throw new Error('database gone');
      return calls;
    }, 20);
    expect(await Promise.all([read(), read()])).toEqual([1, 1]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    fail = true;
    expect(await read()).toBe(1);
    expect(calls).toBe(2);
  });
});
