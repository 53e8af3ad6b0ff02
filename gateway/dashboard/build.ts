// Bundles the dashboard into dist/: app.js (graphql-ws and uPlot inlined), app.css, and the static files.
// Runs as the gateway's `codegen` step; the gateway serves dist/ and never bundles at run time.
// Also registers the dashboard's operations as trusted documents, the only ones a production gateway runs.
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeClientManifest } from '../src/trusted-document-files';
import * as dashboardOperations from './src/api/operations';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const dist = here('./dist/');

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await build({
  entryPoints: [
    { in: here('./src/main.ts'), out: 'app' },
    { in: here('./src/styles.css'), out: 'app' },
  ],
  outdir: dist,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome109', 'edge109', 'firefox115', 'safari16'],
  legalComments: 'eof',
  logLevel: 'warning',
});
for (const file of await readdir(here('./static/'))) await copyFile(here(`./static/${file}`), `${dist}${file}`);
console.log(`dashboard built: ${(await readdir(dist)).sort().join(', ')}`);
const manifest = writeClientManifest('dashboard', dashboardOperations);
console.log(`dashboard operations registered as trusted documents: ${manifest.operations.length}`);
