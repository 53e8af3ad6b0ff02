// Generates the dashboard's operation types (dashboard/codegen.ts), then bundles the dashboard into dist/: app.js (graphql-ws and uPlot inlined), app.css, and the static files.
// Runs as the gateway's `codegen` step; the gateway serves dist/ and never bundles at run time.
// Also registers the dashboard's operations as trusted documents, the only ones a production gateway runs.
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { build } from 'esbuild';
import { writeClientManifest } from '../src/trusted-document-files';
import { createDashboardCodegenConfig } from './codegen';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const dist = here('./dist/');

await generate(createDashboardCodegenConfig(), true);
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
// Imported only now: the operations module imports what codegen has just generated.
const dashboardOperations = await import('./src/api/operations');
const manifest = writeClientManifest('dashboard', dashboardOperations);
console.log(`dashboard operations registered as trusted documents: ${manifest.operations.length}`);
