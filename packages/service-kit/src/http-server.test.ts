import { describe, expect, it } from 'vitest';
import { createServiceServer } from './http-server';
import { createLogger } from './logger';
import { createServiceMetrics } from './metrics';

describe('the service HTTP surface', () => {
  it('serves /metrics inside the cluster and not to requests that came through the load balancer', async () => {
    const metrics = createServiceMetrics('test', { defaults: false });
    const server = createServiceServer({ logger: createLogger({ service: 'test', level: 'silent' }), metrics, ready: async () => true, routes: {} });
    const url = await server.listen(0, '127.0.0.1');
    try {
      expect((await fetch(`${url}/metrics`)).status).toBe(200);
      const forwarded = await fetch(`${url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
      expect(forwarded.status).toBe(404);
      expect(await forwarded.text()).not.toContain('rtc_');
    } finally {
      await server.close();
    }
  });
});
