import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildahBuildArgs } from '../src/image-builds';
import { runCommand } from './run-script';

// The pipeline's builder, rehearsed with the real buildah (Debian's) on a small recipe: no registry is
// reachable here, so the registry cache flags are checked against buildah's own, and the layer cache
// against local storage.
const work = mkdtempSync(path.join(os.tmpdir(), 'rtc-buildah-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const storage = ['--root', path.join(work, 'storage'), '--runroot', path.join(work, 'run'), '--storage-driver', 'vfs'];
const buildah = (args: readonly string[]) => runCommand('buildah', [...storage, ...args], { env: { ...process.env, BUILDAH_ISOLATION: 'chroot' } });

describe('the buildah builds', () => {
  const args = buildahBuildArgs({
    service: 'catalog',
    tag: 'c0ffee',
    image: 'localhost/rtc-dev/catalog:c0ffee',
    cache: 'registry.example/rtc-dev/build-cache',
    context: '/workspace',
  });

  it('use only options the installed buildah knows', async () => {
    const help = await runCommand('buildah', ['build', '--help']);
    expect(help.code, help.stderr).toBe(0);
    for (const option of args.filter((arg) => arg.startsWith('--')).map((arg) => arg.split('=')[0]!)) {
      expect(help.stdout, option).toMatch(new RegExp(`\\s${option}[\\s=]`));
    }
  }, 60_000);

  it('reuse the cached layers of the steps whose inputs did not change, and push with the digest written down', async () => {
    const context = path.join(work, 'context');
    mkdirSync(context);
    writeFileSync(path.join(context, 'Dockerfile.base'), 'FROM scratch\nARG SERVICE\nCOPY package.json /app/\nCOPY main.js /app/\nLABEL service=${SERVICE}\n');
    writeFileSync(path.join(context, 'package.json'), '{}\n');
    writeFileSync(path.join(context, 'main.js'), 'console.log(1);\n');
    // Without a registry, the layer cache is the local one; the registry cache flags are left out.
    const local = args.filter((arg) => !arg.startsWith('--cache-')).map((arg) => (arg === '/workspace' ? context : arg));
    const first = await buildah(local);
    expect(first.code, first.stderr).toBe(0);
    writeFileSync(path.join(context, 'main.js'), 'console.log(2);\n');
    const second = await buildah(local);
    expect(second.code, second.stderr).toBe(0);
    const steps = second.stdout.split('\n');
    const after = (step: string) => steps[steps.findIndex((line) => line.includes(step)) + 1] ?? '';
    expect(after('COPY package.json /app/')).toMatch(/Using cache/);
    expect(after('COPY main.js /app/')).not.toMatch(/Using cache/);
    const digestFile = path.join(work, 'digest');
    const push = await buildah(['push', `--digestfile=${digestFile}`, 'localhost/rtc-dev/catalog:c0ffee', `oci:${path.join(work, 'pushed')}:c0ffee`]);
    expect(push.code, push.stderr).toBe(0);
    expect(readFileSync(digestFile, 'utf8').trim()).toMatch(/^sha256:[0-9a-f]{64}$/);
  }, 120_000);
});
