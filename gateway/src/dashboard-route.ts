import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { RouteHandler } from '@rtc/service-kit';

/** Where the gateway's `codegen` step writes the bundle; the same path from src/ and from the built dist/. */
export const dashboardDistDirectory = new URL('../dashboard/dist/', import.meta.url);

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

/** The page loads only its own files and talks only to this origin's /graphql (HTTP and WebSocket). */
export const dashboardContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders = {
  'content-security-policy': dashboardContentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

// The page itself is revalidated on every load; assets it names with ?v=<content hash> never change under that name.
const revalidate = 'no-cache';
const immutable = 'public, max-age=31536000, immutable';

interface StaticFile {
  readonly body: Buffer;
  readonly gzipped: Buffer | null;
  readonly contentType: string;
  readonly etag: string;
  readonly version: string;
}

const versionOf = (body: Buffer) => createHash('sha256').update(body).digest('base64url').slice(0, 16);

function staticFile(name: string, body: Buffer): StaticFile {
  const extension = name.slice(name.lastIndexOf('.'));
  const contentType = contentTypes[extension] ?? 'application/octet-stream';
  const version = versionOf(body);
  const compressible = /^(text\/|image\/svg|application\/json)/.test(contentType) && body.length > 1024;
  return { body, gzipped: compressible ? gzipSync(body, { level: 9 }) : null, contentType, etag: `"${version}"`, version };
}

function acceptsGzip(req: IncomingMessage): boolean {
  const accepted = req.headers['accept-encoding'];
  return typeof accepted === 'string' && /\bgzip\b/.test(accepted);
}

function queryParameter(req: IncomingMessage, name: string): string | null {
  return new URL(req.url ?? '/', 'http://dashboard.invalid').searchParams.get(name);
}

function send(req: IncomingMessage, res: ServerResponse, file: StaticFile, cacheControl: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('Method not allowed');
    return;
  }
  const common = { ...securityHeaders, etag: file.etag, 'cache-control': cacheControl, vary: 'accept-encoding' };
  if (req.headers['if-none-match'] === file.etag) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  const gzip = file.gzipped !== null && acceptsGzip(req);
  const body = gzip ? file.gzipped! : file.body;
  res.writeHead(200, {
    ...common,
    'content-type': file.contentType,
    'content-length': body.length,
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Every route answers 503 when the bundle is missing, so the API still serves and the reason is plain. */
function notBuiltRoutes(): Record<string, RouteHandler> {
  const handler: RouteHandler = (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end('The dashboard is not built. Run `npm run codegen -w @rtc/gateway` and restart the gateway.\n');
  };
  return { '/dashboard': handler, '/dashboard/': handler };
}

export interface DashboardRouteOptions {
  /** The built dashboard; the gateway's own dashboard/dist by default. */
  readonly directory?: URL;
}

/**
 * The live dashboard's routes for createServiceServer: the page at /dashboard and its files at /dashboard/<name>.
 * Files are read and compressed once, here; the page names each asset with its content hash so browsers may keep it.
 */
export function createDashboardRoute({ directory = dashboardDistDirectory }: DashboardRouteOptions = {}): Record<string, RouteHandler> {
  if (!existsSync(new URL('index.html', directory))) return notBuiltRoutes();
  const assets = new Map<string, StaticFile>();
  for (const name of readdirSync(directory)) {
    if (name === 'index.html' || name.endsWith('.map')) continue;
    assets.set(name, staticFile(name, readFileSync(new URL(name, directory))));
  }
  const template = readFileSync(new URL('index.html', directory), 'utf8');
  const html = template.replace(/\{\{asset:([\w.-]+)\}\}/g, (_match, name: string) => {
    const asset = assets.get(name);
    if (!asset) throw new Error(`dashboard index.html names ${name}, which the build did not write`);
    return `/dashboard/${name}?v=${asset.version}`;
  });
  const page = staticFile('index.html', Buffer.from(html, 'utf8'));

  const routes: Record<string, RouteHandler> = {
    '/dashboard': (req, res) => send(req, res, page, revalidate),
    '/dashboard/': (req, res) => {
      res.writeHead(308, { location: '/dashboard' });
      res.end();
    },
  };
  for (const [name, asset] of assets) {
    routes[`/dashboard/${name}`] = (req, res) => send(req, res, asset, queryParameter(req, 'v') === asset.version ? immutable : revalidate);
  }
  return routes;
}
