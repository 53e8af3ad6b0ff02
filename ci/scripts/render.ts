import path from 'node:path';
import { isOverlay, toYaml } from '@rtc/manifests';
import { callerPath, parseOptions, required, runMain, UsageError, writeOutput } from '../src/cli';
import { readPlan } from '../src/plan-file';
import { renderRelease } from '../src/release-manifests';

// Renders an overlay at the plan's image tags into migrations.yaml (Jobs to run first) and workloads.yaml:
//   AWS_ACCOUNT_ID=123456789012 npm run ci:render -w @rtc/ci -- --overlay dev --plan plan.json --out-dir build/release
// ${NAME} placeholders take their values from the environment, or from --set NAME=value.
runMain(() => {
  const options = parseOptions({
    overlay: { type: 'string' },
    plan: { type: 'string' },
    'out-dir': { type: 'string' },
    set: { type: 'string', multiple: true, default: [] },
  });
  const overlay = required(options.overlay, 'overlay');
  if (!isOverlay(overlay)) throw new UsageError(`unknown overlay ${overlay}`);
  const values: Record<string, string | undefined> = { ...process.env };
  for (const pair of options.set!) {
    const [name, ...rest] = pair.split('=');
    if (!name || rest.length === 0) throw new UsageError(`--set takes NAME=value, got ${pair}`);
    values[name] = rest.join('=');
  }
  const release = renderRelease(overlay, readPlan(required(options.plan, 'plan')), values);
  const outDir = callerPath(required(options['out-dir'], 'out-dir'));
  writeOutput(path.join(outDir, 'migrations.yaml'), toYaml(release.migrations));
  writeOutput(path.join(outDir, 'workloads.yaml'), toYaml(release.workloads));
  console.log(`${overlay}: ${release.migrations.length} migration jobs, ${release.workloads.length} objects -> ${outDir}`);
});
