import { readFileSync } from 'node:fs';
import { parseObjects, workloadNamespace } from '@rtc/manifests';
import { callerPath, parseOptions, required, runMain, writeOutput } from '../src/cli';
import { migrationScript } from '../src/kubectl-scripts';

// Writes the migration step for the kubectl container: run the rendered Jobs, wait, fail on a failed Job.
//   npm run ci:migrate -w @rtc/ci -- --manifest build/release/migrations.yaml --out build/migrate.sh
runMain(() => {
  const options = parseOptions({
    manifest: { type: 'string' },
    namespace: { type: 'string', default: workloadNamespace },
    timeout: { type: 'string', default: '600' },
    out: { type: 'string' },
  });
  const manifest = required(options.manifest, 'manifest');
  const jobs = parseObjects(manifest, readFileSync(callerPath(manifest), 'utf8'))
    .filter((object) => object.kind === 'Job')
    .map((job) => job.metadata.name);
  const script = migrationScript({ namespace: options.namespace!, timeoutSeconds: Number(options.timeout) }, manifest, jobs);
  console.log(`migrations: ${jobs.join(' ') || 'none'} -> ${writeOutput(required(options.out, 'out'), script, 0o755)}`);
});
