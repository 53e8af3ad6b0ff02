import { subgraphs, workloadNamespace } from '@rtc/manifests';
import { parseOptions, required, runMain, writeOutput } from '../src/cli';
import { migrationScript } from '../src/kubectl-scripts';
import { readPlan } from '../src/plan-file';

// Writes the migration step for the kubectl container: run the rendered Jobs, wait, fail on a failed Job.
//   npm run ci:migrate -w @rtc/ci -- --plan plan.json --manifest build/release/migrations.yaml --out build/migrate.sh
runMain(() => {
  const options = parseOptions({
    plan: { type: 'string' },
    manifest: { type: 'string' },
    namespace: { type: 'string', default: workloadNamespace },
    timeout: { type: 'string', default: '600' },
    out: { type: 'string' },
  });
  const plan = readPlan(required(options.plan, 'plan'));
  const jobs = subgraphs.filter((service) => plan.build.includes(service.name)).map((service) => `${service.name}-migrate`);
  const script = migrationScript({ namespace: options.namespace!, timeoutSeconds: Number(options.timeout) }, required(options.manifest, 'manifest'), jobs);
  console.log(`migrations: ${jobs.join(' ') || 'none'} -> ${writeOutput(required(options.out, 'out'), script, 0o755)}`);
});
