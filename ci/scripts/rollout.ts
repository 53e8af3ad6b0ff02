import { serviceNames, workloadNamespace } from '@rtc/manifests';
import { parseOptions, required, runMain, writeOutput } from '../src/cli';
import { rolloutScript } from '../src/kubectl-scripts';

// Writes the rollout step for the kubectl container: apply the rendered workloads, wait for every Deployment.
//   npm run ci:rollout -w @rtc/ci -- --manifest build/release/workloads.yaml --out build/rollout.sh
runMain(() => {
  const options = parseOptions({
    manifest: { type: 'string' },
    namespace: { type: 'string', default: workloadNamespace },
    timeout: { type: 'string', default: '300' },
    out: { type: 'string' },
  });
  const script = rolloutScript(
    { namespace: options.namespace!, timeoutSeconds: Number(options.timeout) },
    required(options.manifest, 'manifest'),
    serviceNames,
  );
  console.log(`rollout -> ${writeOutput(required(options.out, 'out'), script, 0o755)}`);
});
