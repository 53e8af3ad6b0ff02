import { existsSync, readFileSync } from 'node:fs';
import { callerPath, parseOptions, required, runMain, writeOutput } from '../src/cli';
import type { ChangedServices } from '../src/changed-services';
import { parseDeployed, planDeployment } from '../src/deploy-plan';

// The deployment plan: what to build, and the image tag of every service afterwards.
//   npm run ci:plan -w @rtc/ci -- --changed changed.json --deployed deployed.json --tag <commit> --out plan.json
// deployed.json is `kubectl get deployments -o json` of the namespace; missing or empty means nothing runs yet.
runMain(() => {
  const options = parseOptions({ changed: { type: 'string' }, deployed: { type: 'string' }, tag: { type: 'string' }, out: { type: 'string' } });
  const changed = JSON.parse(readFileSync(callerPath(required(options.changed, 'changed')), 'utf8')) as ChangedServices;
  const deployedFile = options.deployed ? callerPath(options.deployed) : undefined;
  const deployedJson = deployedFile && existsSync(deployedFile) ? readFileSync(deployedFile, 'utf8').trim() : '';
  const plan = planDeployment(required(options.tag, 'tag'), changed, deployedJson ? parseDeployed(deployedJson) : {});
  writeOutput(required(options.out, 'out'), `${JSON.stringify(plan, null, 2)}\n`);
  console.log(`build: ${plan.build.join(' ') || 'nothing'}`);
  for (const [service, tag] of Object.entries(plan.images)) console.log(`${service} -> ${tag}`);
});
