import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ServiceName } from '@rtc/manifests';
import { callerPath, parseOptions, required, runMain, writeOutput } from '../src/cli';
import { readPlan } from '../src/plan-file';
import { pinRelease } from '../src/release';

// The release: every service's image digest, from the pushes of the built ones and the plan's kept ones:
//   npm run ci:pin -w @rtc/ci -- --plan plan.json --digests build/release/digests --out release.json
runMain(() => {
  const options = parseOptions({ plan: { type: 'string' }, digests: { type: 'string' }, out: { type: 'string' } });
  const plan = readPlan(required(options.plan, 'plan'));
  const directory = callerPath(required(options.digests, 'digests'));
  const built = Object.fromEntries(
    plan.build.flatMap((service) => {
      const file = path.join(directory, service);
      return existsSync(file) ? [[service, readFileSync(file, 'utf8').trim()]] : [];
    }),
  ) as Partial<Record<ServiceName, string>>;
  const release = pinRelease(plan, built);
  writeOutput(required(options.out, 'out'), `${JSON.stringify(release, null, 2)}\n`);
  for (const [service, digest] of Object.entries(release.images)) console.log(`${service} ${digest}`);
});
