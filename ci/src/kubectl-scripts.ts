import type { ServiceName } from '@rtc/manifests';
import { command, quote, shellScript } from './shell';

export interface ClusterTarget {
  namespace: string;
  /** Seconds to wait for each Job or rollout before giving up. */
  timeoutSeconds: number;
}

/**
 * Runs the migration Jobs and waits for each to complete. A finished Job cannot take a new image, so the
 * old one is deleted first; a failed Job prints its logs and fails the script, before anything rolls.
 */
export function migrationScript(target: ClusterTarget, manifest: string, jobs: readonly string[]): string {
  if (jobs.length === 0) return shellScript('No subgraph changed: no migration to run.', ['echo "no migration to run"']);
  const kubectl = (...words: string[]) => command('kubectl', '--namespace', target.namespace, ...words);
  const namespace = quote(target.namespace);
  const condition = (type: string) => quote(`jsonpath={.status.conditions[?(@.type=="${type}")].status}`);
  return shellScript(`Migrates ${jobs.join(', ')}.`, [
    'wait_for_job() {',
    `  deadline=$(( $(date +%s) + ${target.timeoutSeconds} ))`,
    '  while :; do',
    `    complete=$(kubectl --namespace ${namespace} get job "$1" -o ${condition('Complete')})`,
    `    failed=$(kubectl --namespace ${namespace} get job "$1" -o ${condition('Failed')})`,
    '    if [ "$complete" = "True" ]; then echo "$1 complete"; return 0; fi',
    '    if [ "$failed" = "True" ] || [ "$(date +%s)" -ge "$deadline" ]; then',
    '      echo "$1 did not complete" >&2',
    `      kubectl --namespace ${namespace} logs "job/$1" --all-containers --tail=200 >&2 || true`,
    '      return 1',
    '    fi',
    '    sleep 5',
    '  done',
    '}',
    '',
    kubectl('delete', 'job', ...jobs, '--ignore-not-found', '--wait=true'),
    kubectl('apply', '-f', manifest),
    ...jobs.map((job) => `wait_for_job ${quote(job)}`),
  ]);
}

/**
 * Applies the rendered workloads and waits until every Deployment has rolled. The objects of the monitoring
 * and jenkins namespaces (their network policies) carry their own namespace, which kubectl keeps.
 */
export function rolloutScript(target: ClusterTarget, manifest: string, deployments: readonly ServiceName[]): string {
  const kubectl = (...words: string[]) => command('kubectl', '--namespace', target.namespace, ...words);
  return shellScript(`Rolls out ${deployments.join(', ')}.`, [
    // Each object names its namespace: the manifest also holds the monitoring and jenkins network policies.
    command('kubectl', 'apply', '-f', manifest),
    ...deployments.map((deployment) => kubectl('rollout', 'status', `deployment/${deployment}`, `--timeout=${target.timeoutSeconds}s`)),
  ]);
}

/**
 * Returns each Deployment that changed revision during this deployment to the revision it ran before.
 * Migrations stay: they are written to be compatible with the previous release (expand, then contract).
 */
export function rollbackScript(target: ClusterTarget, revisionsBefore: Partial<Record<ServiceName, number>>, deployments: readonly ServiceName[]): string {
  const kubectl = (...words: string[]) => command('kubectl', '--namespace', target.namespace, ...words);
  const body = deployments.flatMap((deployment) => {
    const before = revisionsBefore[deployment];
    if (before === undefined) return [`echo ${quote(`${deployment} has no earlier revision to return to`)} >&2`];
    return [
      `current=$(${kubectl('get', `deployment/${deployment}`, '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}')})`,
      `if [ "$current" != ${quote(String(before))} ]; then`,
      `  ${kubectl('rollout', 'undo', `deployment/${deployment}`, `--to-revision=${before}`)}`,
      `  ${kubectl('rollout', 'status', `deployment/${deployment}`, `--timeout=${target.timeoutSeconds}s`)}`,
      'fi',
    ];
  });
  return shellScript(`Rolls ${deployments.join(', ')} back to the revisions they ran before this release.`, body);
}
