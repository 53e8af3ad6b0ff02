import { readFileSync } from 'node:fs';
import { callerPath, parseOptions, required, runMain, writeOutput } from '../src/cli';
import type { ChangedServices } from '../src/changed-services';
import { planDeployment } from '../src/deploy-plan';
import { readDeployed } from '../src/deployed-file';

// What a release to dev builds, and the digest every other service keeps:
//   npm run ci:plan -w @rtc/ci -- --changed changed.json --deployed deployed.json --tag <commit> --out plan.json
// deployed.json is `kubectl get deployments -o json` of the namespace; missing or empty means nothing runs yet.
runMain(() => {
  const options = parseOptions({ changed: { type: 'string' }, deployed: { type: 'string' }, tag: { type: 'string' }, out: { type: 'string' } });
  const changed = JSON.parse(readFileSync(callerPath(required(options.changed, 'changed')), 'utf8')) as ChangedServices;
  const plan = planDeployment(required(options.tag, 'tag'), changed, readDeployed(options.deployed));
  writeOutput(required(options.out, 'out'), `${JSON.stringify(plan, null, 2)}\n`);
  console.log(`build: ${plan.build.join(' ') || 'nothing'}`);
  for (const [service, digest] of Object.entries(plan.kept)) console.log(`${service} keeps ${digest}`);
});
