import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createServiceMetrics, createServiceServer, type RouteHandler } from '@rtc/service-kit';
import { createDashboardRoute, dashboardDistDirectory } from './dashboard-route';

const script = `console.log(${JSON.stringify('x'.repeat(4_000))});`;
const template = '<!doctype html><link rel="stylesheet" href="{{asset:app.css}}"><script type="module" src="{{asset:app.js}}"></script>';

async function serve(routes: Record<string, RouteHandler>) {
  const server = createServiceServer({
    logger: createLogger({ service: 'dashboard-test', level: 'silent' }),
    metrics: createServiceMetrics('dashboard-test', { defaults: false }),
    ready: async () => true,
    routes,
  });
  const url = await server.listen(0, '127.0.0.1');
  return { url, close: () => server.close() };
}

describe('dashboard route', () => {
  let directory: string;
  let server: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'rtc-dashboard-'));
    await writeFile(join(directory, 'index.html'), template);
    await writeFile(join(directory, 'app.js'), script);
    await writeFile(join(directory, 'app.css'), 'body{color:red}');
    server = await serve(createDashboardRoute({ directory: pathToFileURL(`${directory}/`) }));
  });

  afterAll(async () => {
    await server.close();
    await rm(directory, { recursive: true, force: true });
  });

  const pageAssetUrls = async () => {
    const html = await (await fetch(`${server.url}/dashboard`)).text();
    return [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((match) => match[1]!);
  };

  it('serves the page as revalidated HTML under a content security policy', async () => {
    const response = await fetch(`${server.url}/dashboard`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self' ws: wss:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('names each asset in the page with the hash of its content', async () => {
    const urls = await pageAssetUrls();
    expect(urls).toHaveLength(2);
    for (const url of urls) expect(url).toMatch(/^\/dashboard\/app\.(css|js)\?v=[\w-]{16}$/);
  });

  it('lets browsers keep an asset for good only under its current version', async () => {
    const scriptUrl = (await pageAssetUrls()).find((url) => url.includes('app.js'))!;
    const versioned = await fetch(`${server.url}${scriptUrl}`);
    expect(versioned.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(versioned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await versioned.text()).toBe(script);
    const stale = await fetch(`${server.url}/dashboard/app.js?v=old`);
    expect(stale.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers a matching If-None-Match with 304 and no body', async () => {
    const first = await fetch(`${server.url}/dashboard/app.css`);
    const again = await fetch(`${server.url}/dashboard/app.css`, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('sends larger text files gzipped to clients that accept it', async () => {
    const { request } = await import('node:http');
    const { statusCode, headers, body } = await new Promise<{ statusCode: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      request(`${server.url}/dashboard/app.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ statusCode: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
    expect(statusCode).toBe(200);
    expect(headers['content-encoding']).toBe('gzip');
    expect(body.length).toBeLessThan(script.length);
    expect(gunzipSync(body).toString()).toBe(script);
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await fetch(`${server.url}/dashboard`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('redirects the trailing-slash address to the page', async () => {
    const response = await fetch(`${server.url}/dashboard/`, { redirect: 'manual' });
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('/dashboard');
  });
});

describe('dashboard route without a build', () => {
  it('answers 503 saying how to build, instead of stopping the gateway', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'rtc-dashboard-empty-'));
    const server = await serve(createDashboardRoute({ directory: pathToFileURL(`${empty}/`) }));
    try {
      const response = await fetch(`${server.url}/dashboard`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run codegen -w @rtc/gateway');
    } finally {
      await server.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('the built dashboard', () => {
  it('is the bundle codegen wrote: a page naming app.js and app.css that exist', async () => {
    const server = await serve(createDashboardRoute({ directory: dashboardDistDirectory }));
    try {
      const html = await (await fetch(`${server.url}/dashboard`)).text();
      const urls = [...html.matchAll(/(?:href|src)="(\/dashboard\/[^"]+)"/g)].map((match) => match[1]!);
      expect(urls.map((url) => url.split('?')[0])).toEqual(expect.arrayContaining(['/dashboard/app.js', '/dashboard/app.css']));
      for (const url of urls) expect((await fetch(`${server.url}${url}`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
