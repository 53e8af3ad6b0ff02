import { execFileSync } from 'node:child_process';
import { callerPath, parseOptions, runMain, writeOutput } from '../src/cli';
import { changedServices, everyService, gitChangedFiles } from '../src/changed-services';
import { turboChangedPackages } from '../src/turbo-changed-packages';
import { readWorkspaces } from '../src/workspace-graph';

// Which services need a new image between two commits:
//   npm run --silent ci:changed-services -w @rtc/ci -- --base <commit> --head <commit> [--out changed.json]
// Prints the names on one line; an unknown or empty base (first build) means every service.
runMain(() => {
  const options = parseOptions({ base: { type: 'string' }, head: { type: 'string', default: 'HEAD' }, repo: { type: 'string' }, out: { type: 'string' } });
  const repository = options.repo
    ? callerPath(options.repo)
    : execFileSync('git', ['-C', callerPath('.'), 'rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
  const files = gitChangedFiles(repository, options.base, options.head!);
  const result =
    files === undefined
      ? everyService(`no earlier commit to compare with (${options.base || 'none given'})`)
      : changedServices(files, turboChangedPackages(repository, options.base!, options.head!), readWorkspaces(repository));
  for (const [service, reason] of Object.entries(result.reasons)) console.error(`${service}: ${reason}`);
  if (options.out) writeOutput(options.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(result.services.join(' '));
});
