import { serviceNames, workloadNamespace } from '@rtc/manifests';
import { parseOptions, required, runMain, writeOutput } from '../src/cli';
import { revisionsOf } from '../src/deploy-plan';
import { readDeployed } from '../src/deployed-file';
import { rollbackScript } from '../src/kubectl-scripts';

// Decides the rollback of a failed release from what ran before it: every Deployment whose revision moved
// goes back to the one it ran. Prints the kubectl commands, and writes them for the kubectl container with --out:
//   npm run ci:rollback -w @rtc/ci -- --deployed deployed.json --out build/rollback.sh
runMain(() => {
  const options = parseOptions({
    deployed: { type: 'string' },
    namespace: { type: 'string', default: workloadNamespace },
    timeout: { type: 'string', default: '300' },
    out: { type: 'string' },
  });
  const script = rollbackScript(
    { namespace: options.namespace!, timeoutSeconds: Number(options.timeout) },
    revisionsOf(readDeployed(required(options.deployed, 'deployed'))),
    serviceNames,
  );
  console.log(script);
  if (options.out) writeOutput(options.out, script, 0o755);
});
