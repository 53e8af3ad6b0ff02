import path from 'node:path';
import { isOverlay, toYaml } from '@rtc/manifests';
import { callerPath, parseOptions, required, runMain, UsageError, writeOutput } from '../src/cli';
import { readDeployed } from '../src/deployed-file';
import { readRelease } from '../src/release';
import { renderRelease } from '../src/release-manifests';

// Renders an overlay at the release's digests into migrations.yaml (Jobs to run first, for the subgraphs
// whose digest changes there) and workloads.yaml, after checking that the overlay names the AWS account
// being deployed to:
//   npm run ci:render -w @rtc/ci -- --overlay dev --release release.json --deployed deployed.json --account-id 123456789012 --out-dir build/release
runMain(() => {
  const options = parseOptions({
    overlay: { type: 'string' },
    release: { type: 'string' },
    deployed: { type: 'string' },
    'out-dir': { type: 'string' },
    'account-id': { type: 'string' },
  });
  const overlay = required(options.overlay, 'overlay');
  if (!isOverlay(overlay)) throw new UsageError(`unknown overlay ${overlay}`);
  const release = renderRelease(
    overlay,
    readRelease(required(options.release, 'release')),
    readDeployed(options.deployed),
    required(options['account-id'], 'account-id'),
  );
  const outDir = callerPath(required(options['out-dir'], 'out-dir'));
  writeOutput(path.join(outDir, 'migrations.yaml'), toYaml(release.migrations));
  writeOutput(path.join(outDir, 'workloads.yaml'), toYaml(release.workloads));
  console.log(`${overlay}: ${release.migrations.length} migration jobs, ${release.workloads.length} objects -> ${outDir}`);
});
