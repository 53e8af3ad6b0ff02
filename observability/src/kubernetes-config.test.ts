import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { findFreePort } from './free-port';
import { loadPrometheusConfig, type PrometheusConfig } from './prometheus-config';
import { startPrometheus, type RunningPrometheus, type TargetState } from './prometheus-process';
import { observabilityFiles } from './observability-files';
import { runPromtool } from './promtool';

// Debian's Prometheus is built without Kubernetes discovery. File discovery hands the same
// __meta_kubernetes_pod_* labels to the same relabelling, so the config's own logic still runs for real.
function withPodsFromFile(config: PrometheusConfig, podsFile: string): PrometheusConfig {
  return {
    ...config,
    scrape_configs: (config.scrape_configs ?? []).map(({ kubernetes_sd_configs: discovery, ...job }) => {
      expect(discovery).toEqual([{ role: 'pod' }]);
      return { ...job, file_sd_configs: [{ files: [podsFile], refresh_interval: '1s' }] };
    }),
  };
}

interface Pod {
  readonly name: string;
  readonly phase: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

function asDiscoveredTarget(pod: Pod, containerPort: number) {
  const meta: Record<string, string> = {
    __meta_kubernetes_namespace: 'rtc',
    __meta_kubernetes_pod_name: pod.name,
    __meta_kubernetes_pod_phase: pod.phase,
    __meta_kubernetes_pod_node_name: 'node-a',
  };
  for (const [key, value] of Object.entries(pod.labels)) meta[`__meta_kubernetes_pod_label_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`] = value;
  for (const [key, value] of Object.entries(pod.annotations)) {
    meta[`__meta_kubernetes_pod_annotation_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`] = value;
  }
  return { targets: [`127.0.0.1:${containerPort}`], labels: meta };
}

describe('the Kubernetes scrape configuration', () => {
  let prometheus: RunningPrometheus;
  let dir: string;
  let targets: TargetState[];
  let usersPod: Server;
  let usersPort: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rtc-k8s-config-'));
    const podsFile = join(dir, 'pods.json');
    // The users pod: a /metrics endpoint labelled the way every RTC service labels its samples.
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'users' });
    new Counter({ name: 'rtc_user_signups_total', help: 'sign-ups', registers: [registry] }).inc(3);
    usersPod = createServer((_req, res) => {
      void registry.metrics().then((body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body));
    });
    usersPort = await new Promise<number>((resolveListen) =>
      usersPod.listen(0, '127.0.0.1', () => resolveListen((usersPod.address() as { port: number }).port)),
    );
    const unusedPort = await findFreePort();
    const annotated = (port: number, path = '/metrics') => ({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(port),
      'prometheus.io/path': path,
    });
    const pods: Pod[] = [
      { name: 'users-7d9f-abcde', phase: 'Running', labels: { 'app.kubernetes.io/name': 'users' }, annotations: annotated(usersPort) },
      { name: 'catalog-5c4b-fghij', phase: 'Running', labels: { app: 'catalog' }, annotations: annotated(unusedPort, '/internal/metrics') },
      { name: 'mysql-0', phase: 'Running', labels: { 'app.kubernetes.io/name': 'mysql' }, annotations: {} },
      {
        name: 'orders-migrate-xyz',
        phase: 'Succeeded',
        labels: { 'app.kubernetes.io/name': 'orders-migrate' },
        annotations: annotated(unusedPort),
      },
    ];
    await writeFile(podsFile, JSON.stringify(pods.map((pod) => asDiscoveredTarget(pod, unusedPort))));

    const kubernetes = await loadPrometheusConfig(observabilityFiles.prometheusKubernetesConfig);
    const config = withPodsFromFile(kubernetes, podsFile);
    const configFile = join(dir, 'prometheus.yml');
    await writeFile(configFile, stringify(config));
    const check = await runPromtool(['check', 'config', configFile]);
    expect(check.code, check.stdout + check.stderr).toBe(0);

    // Scrape every second so the test sees the first scrape soon.
    const fast = { ...config, global: { ...config.global, scrape_interval: '1s', scrape_timeout: '1s' } };
    prometheus = await startPrometheus({ config: fast });
    targets = await prometheus.waitForScrapes();
  });

  afterAll(async () => {
    await prometheus?.stop();
    usersPod?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('scrapes only running pods annotated prometheus.io/scrape=true', () => {
    expect(targets.map((target) => target.labels.pod).sort()).toEqual(['catalog-5c4b-fghij', 'users-7d9f-abcde']);
  });

  it('scrapes the port and path the annotations name', () => {
    const users = targets.find((target) => target.labels.pod === 'users-7d9f-abcde');
    const catalog = targets.find((target) => target.labels.pod === 'catalog-5c4b-fghij');
    expect(users?.scrapeUrl).toBe(`http://127.0.0.1:${usersPort}/metrics`);
    expect(users?.health).toBe('up');
    expect(catalog?.scrapeUrl).toMatch(/\/internal\/metrics$/);
  });

  it('names the job after the workload, as the local config does, and keeps namespace, pod and node', () => {
    const byPod = Object.fromEntries(targets.map((target) => [target.labels.pod, target.labels]));
    expect(byPod['users-7d9f-abcde']).toMatchObject({ job: 'users', namespace: 'rtc', node: 'node-a' });
    expect(byPod['catalog-5c4b-fghij']).toMatchObject({ job: 'catalog', namespace: 'rtc' });
  });

  it("keeps the service's own service label untouched beside the target labels", async () => {
    for (const target of targets) expect(target.labels).not.toHaveProperty('service');
    const signups = await prometheus.vector('rtc_user_signups_total');
    expect(signups.map((sample) => sample.metric)).toEqual([
      expect.objectContaining({ service: 'users', job: 'users', namespace: 'rtc', pod: 'users-7d9f-abcde' }),
    ]);
    expect(signups[0]?.metric).not.toHaveProperty('exported_service');
  });
});
