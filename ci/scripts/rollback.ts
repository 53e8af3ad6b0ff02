import { serviceNames, workloadNamespace } from '@rtc/manifests';
import { parseOptions, required, runMain, writeOutput } from '../src/cli';
import { rollbackScript } from '../src/kubectl-scripts';
import { readPlan } from '../src/plan-file';

// Decides the rollback of a failed release: every Deployment whose revision moved goes back to the one
// it ran before. Prints the kubectl commands, and writes them for the kubectl container with --out:
//   npm run ci:rollback -w @rtc/ci -- --plan plan.json --out build/rollback.sh
runMain(() => {
  const options = parseOptions({
    plan: { type: 'string' },
    namespace: { type: 'string', default: workloadNamespace },
    timeout: { type: 'string', default: '300' },
    out: { type: 'string' },
  });
  const script = rollbackScript(
    { namespace: options.namespace!, timeoutSeconds: Number(options.timeout) },
    readPlan(required(options.plan, 'plan')),
    serviceNames,
  );
  console.log(script);
  if (options.out) writeOutput(options.out, script, 0o755);
});
