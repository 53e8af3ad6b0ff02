import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isServiceName } from '@rtc/manifests';
import { callerPath, parseOptions, required, runMain, UsageError } from '../src/cli';
import { rehearseDockerfile } from '../src/dockerfile-rehearsal';

// Builds a service the way Dockerfile.base does, without Docker, and prints where the image's files are:
//   npm run ci:rehearse-image -w @rtc/ci -- --service catalog
runMain(async () => {
  const options = parseOptions({ service: { type: 'string' }, context: { type: 'string' }, 'out-dir': { type: 'string' } });
  const service = required(options.service, 'service');
  if (!isServiceName(service)) throw new UsageError(`unknown service ${service}`);
  const context = callerPath(options.context ?? path.resolve(import.meta.dirname, '..', '..'));
  const root = options['out-dir'] ? callerPath(options['out-dir']) : mkdtempSync(path.join(os.tmpdir(), `rtc-image-${service}-`));
  const started = Date.now();
  const image = await rehearseDockerfile({
    dockerfile: path.join(context, 'Dockerfile.base'),
    context,
    buildArgs: { SERVICE: service },
    root,
    runEnv: { npm_config_prefer_offline: 'true' },
    log: (line) => console.log(line),
  });
  console.log(`built ${service} in ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(`image files: ${image.root}`);
  console.log(`run: cd ${image.workdir} && ${image.cmd.join(' ')}`);
});
