import { describe, expect, it } from 'vitest';
import { createServiceServer } from './http-server';
import { createLogger } from './logger';
import { createServiceMetrics } from './metrics';
import { drainHttp } from './shutdown';

const logger = createLogger({ service: 'test', level: 'silent' });

async function serve() {
  const http = createServiceServer({
    logger,
    metrics: createServiceMetrics('test', { defaults: false }),
    ready: async () => true,
    routes: { '/hello': (_req, res) => void res.end('hi') },
  });
  return { http, url: await http.listen(0, '127.0.0.1') };
}

const statusOf = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    (response) => response.status,
    (error: { cause?: { code?: string } }) => error.cause?.code ?? 'failed',
  );

describe('draining the HTTP server on a signal', () => {
  it('on SIGTERM stays up unready, still serving, for the delay, then stops taking connections', async () => {
    const { http, url } = await serve();
    let alongside = 0;
    const drained = drainHttp({
      http,
      logger,
      signal: 'SIGTERM',
      deadline: Date.now() + 10_000,
      delayMs: 500,
      alongsideClose: async () => void (alongside = Date.now()),
    });
    const signalled = Date.now();
    expect(await statusOf(`${url}/readyz`)).toBe(503);
    expect(await statusOf(`${url}/hello`)).toBe(200);
    expect(alongside).toBe(0);
    await drained;
    expect(alongside - signalled).toBeGreaterThanOrEqual(450);
    expect(await statusOf(`${url}/healthz`)).toBe('ECONNREFUSED');
  });

  it('on SIGINT skips the delay', async () => {
    const { http, url } = await serve();
    const started = Date.now();
    await drainHttp({ http, logger, signal: 'SIGINT', deadline: Date.now() + 10_000, delayMs: 5_000 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await statusOf(`${url}/healthz`)).toBe('ECONNREFUSED');
  });
});
