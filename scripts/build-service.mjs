// Bundles a service's entry points into dist/ with esbuild: RTC's own workspace packages are inlined,
// npm packages stay external and come from the image's production node_modules.
import { existsSync } from 'node:fs';
import { build } from 'esbuild';

const entries = ['src/main.ts', 'src/migrate.ts'].filter((entry) => existsSync(entry));
if (entries.length === 0) {
  console.error('build-service: no src/main.ts in', process.cwd());
  process.exit(1);
}

const externalNpmPackages = {
  name: 'external-npm-packages',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@rtc/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

await build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [externalNpmPackages],
});
console.log(`built ${entries.map((entry) => entry.replace('src/', 'dist/').replace('.ts', '.js')).join(', ')}`);
