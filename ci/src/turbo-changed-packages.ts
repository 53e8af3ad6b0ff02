import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

interface TurboLsOutput {
  packages: { items: { name: string; path: string }[] };
}

// The repository's own turbo, resolved from here: a repository under test may have no node_modules of its own.
const turboBin = createRequire(import.meta.url).resolve('turbo/bin/turbo');

/**
 * The workspace packages Turborepo sees changed between two commits (`turbo ls --filter=[base...head]`):
 * its own file-to-package mapping, lockfile included. Dependents are left to the caller (see ci/README.md).
 */
export function turboChangedPackages(repository: string, base: string, head: string): string[] {
  const output = execFileSync(process.execPath, [turboBin, 'ls', `--filter=[${base}...${head}]`, '--output=json'], {
    cwd: repository,
    encoding: 'utf8',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const listed = JSON.parse(output.slice(output.indexOf('{'))) as TurboLsOutput;
  return listed.packages.items.map((item) => item.name);
}
