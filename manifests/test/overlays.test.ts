import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kubernetesVersion, validateObjects } from '../src/kubernetes-schemas';
import {
  albDeregistrationDelaySeconds,
  databaseSecretKeys,
  databaseSecretName,
  nodeCapacity,
  pipelineIdentities,
  platformNamespaces,
  platformSecretName,
  securityGroupPolicyLabel,
  securityGroupPolicySelector,
} from '../src/platform-contract';
import { awsAccountOf, isMigrationJob, manifestsDirectory, overlays, renderOverlay, type Overlay } from '../src/render-overlay';
import { services, subgraphs, workloadNamespace, type ServiceName } from '../src/services';
import { allows, type Peer } from './network-paths';
import { byKind, containersOf, find, selects, workloads, type LabelSelector } from './workloads';

// Releases pin digests; a tag works too (the first image of a service may be addressed by its commit).
const digestOf = (name: string) => `sha256:${Buffer.from(name.padEnd(32, '.')).toString('hex').slice(0, 64)}`;
const images = Object.fromEntries(services.map((service) => [service.name, service.name === 'users' ? 'commit-users' : digestOf(service.name)])) as Record<
  ServiceName,
  string
>;
const imageSuffix = (service: ServiceName) => (images[service].startsWith('sha256:') ? `@${images[service]}` : `:${images[service]}`);
const secretVariables = ['DATABASE_URL', 'REDIS_URL', 'INTERNAL_TOKEN', 'JWT_SECRET'];

/** What each overlay must agree with: its Pulumi stack (VPC, region) and its scale. */
const environments: Record<Overlay, { vpcCidr: string; region: string; minReplicas: number }> = {
  dev: { vpcCidr: '10.40.0.0/16', region: 'eu-west-1', minReplicas: 1 },
  prod: { vpcCidr: '10.50.0.0/16', region: 'eu-west-1', minReplicas: 3 },
};

function render(overlay: Overlay) {
  return renderOverlay({ overlay, images });
}

describe.each(overlays)('the %s overlay', (overlay) => {
  const rendered = render(overlay);
  // RTC's own objects; the overlay also carries the policies of the monitoring and jenkins namespaces.
  const objects = rendered.filter((object) => object.metadata.namespace === workloadNamespace);
  const environment = environments[overlay];
  // The overlay names its account (an example id until an operator sets theirs); all else must agree with it.
  const accountId = awsAccountOf(objects);
  const pods = workloads(objects);
  const deployments = pods.filter((pod) => pod.object.kind === 'Deployment');

  it(`is valid against the Kubernetes ${kubernetesVersion}, prometheus-operator and add-on schemas, without unknown fields`, () => {
    expect(validateObjects(rendered)).toEqual([]);
  });

  it("puts everything in the platform's namespaces, RTC's own in rtc, and leaves nothing for the overlay to set", () => {
    expect(new Set(rendered.map((object) => object.metadata.namespace))).toEqual(new Set(Object.values(platformNamespaces)));
    expect(objects.length).toBeGreaterThan(rendered.length / 2);
    expect(JSON.stringify(rendered)).not.toMatch(/\$\{|set-by-overlay/);
  });

  it('names one AWS account, in every image, IAM role and the target group', () => {
    expect(accountId).toMatch(/^\d{12}$/);
  });

  it('runs every service and a migration Job for every subgraph', () => {
    expect(deployments.map((pod) => pod.object.metadata.name).sort()).toEqual(services.map((service) => service.name).sort());
    const jobs = objects.filter(isMigrationJob);
    expect(jobs.map((job) => job.metadata.name).sort()).toEqual(subgraphs.map((service) => `${service.name}-migrate`).sort());
  });

  it('gives every container requests, limits and a locked-down security context', () => {
    for (const pod of pods) {
      expect(pod.podSpec.securityContext?.runAsNonRoot, pod.object.metadata.name).toBe(true);
      expect(pod.podSpec.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
      expect(pod.podSpec.automountServiceAccountToken).toBe(false);
      for (const container of containersOf(pod)) {
        const where = `${pod.object.metadata.name}/${container.name}`;
        expect(Object.keys(container.resources?.requests ?? {}).sort(), where).toEqual(['cpu', 'memory']);
        expect(Object.keys(container.resources?.limits ?? {}).sort(), where).toEqual(['cpu', 'memory']);
        expect(container.securityContext, where).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
        expect(container.securityContext?.capabilities?.drop, where).toEqual(['ALL']);
        expect(container.securityContext?.privileged ?? false, where).toBe(false);
        expect(container.securityContext?.runAsUser ?? pod.podSpec.securityContext?.runAsUser, where).toBeGreaterThan(0);
      }
    }
  });

  it("runs each service's own image from this environment's ECR at the given digest or tag", () => {
    for (const pod of pods) {
      const service = pod.podLabels['app.kubernetes.io/name'] as ServiceName;
      for (const container of containersOf(pod)) {
        expect(container.image).toBe(`${accountId}.dkr.ecr.${environment.region}.amazonaws.com/rtc-${overlay}/${service}${imageSuffix(service)}`);
      }
    }
  });

  it('probes liveness on /healthz and readiness on /readyz of the service port', () => {
    for (const pod of deployments) {
      const service = services.find((candidate) => candidate.name === pod.object.metadata.name)!;
      const [container] = pod.podSpec.containers;
      expect(container!.ports).toEqual([{ name: 'http', containerPort: service.port, protocol: 'TCP' }]);
      expect(container!.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container!.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(container!.env).toContainEqual({ name: 'PORT', value: String(service.port) });
    }
  });

  it('gives every service its whole shutdown grace after the preStop pause before Kubernetes kills it', () => {
    const config = find(objects, 'ConfigMap', 'rtc-config')?.data as Record<string, string> | undefined;
    const graceSeconds = Number(config?.['SHUTDOWN_GRACE_SECONDS']);
    expect(graceSeconds).toBeGreaterThan(0);
    for (const pod of deployments) {
      const [container] = pod.podSpec.containers;
      const pauseSeconds = container!.lifecycle?.preStop?.sleep?.seconds ?? 0;
      expect(container!.envFrom).toContainEqual({ configMapRef: { name: 'rtc-config' } });
      // A margin for the container runtime to deliver the signal and reap the process.
      expect(pauseSeconds + graceSeconds + 3, pod.object.metadata.name).toBeLessThanOrEqual(pod.podSpec.terminationGracePeriodSeconds ?? 30);
    }
  });

  describe('rollouts behind the load balancer', () => {
    const gateway = deployments.find((pod) => pod.object.metadata.name === 'gateway')!;
    const preStopOf = (pod: typeof gateway) => pod.podSpec.containers[0]!.lifecycle?.preStop?.sleep?.seconds ?? 0;

    it("keeps the gateway serving through the ALB's deregistration delay, then gives it its whole shutdown grace", () => {
      const graceSeconds = Number((find(objects, 'ConfigMap', 'rtc-config')?.data as Record<string, string>)['SHUTDOWN_GRACE_SECONDS']);
      expect(preStopOf(gateway)).toBeGreaterThanOrEqual(albDeregistrationDelaySeconds);
      expect(preStopOf(gateway) + graceSeconds).toBeLessThanOrEqual(gateway.podSpec.terminationGracePeriodSeconds!);
    });

    it('keeps every other service up while the endpoints stop sending to it (kube-proxy propagation)', () => {
      for (const pod of deployments) expect(preStopOf(pod), pod.object.metadata.name).toBeGreaterThanOrEqual(5);
    });

    it("registers the gateway pods, by IP, in the stack's target group through a TargetGroupBinding", () => {
      const bindings = byKind(objects, 'TargetGroupBinding');
      expect(bindings.map((binding) => binding.metadata.name)).toEqual(['gateway']);
      const spec = bindings[0]!.spec as { serviceRef: { name: string; port: number }; targetType: string; targetGroupARN: string };
      expect(spec.serviceRef).toEqual({ name: 'gateway', port: 4000 });
      expect(spec.targetType).toBe('ip');
      expect(spec.targetGroupARN).toMatch(new RegExp(`^arn:aws:elasticloadbalancing:${environment.region}:${accountId}:targetgroup/rtc-${overlay}-gateway/`));
      expect(find(objects, 'Service', 'gateway')).toBeDefined();
    });
  });

  it("fits every service at its autoscaler's maximum, plus one surge pod each and the migrations, in the stack's nodes", () => {
    const capacity = nodeCapacity[overlay];
    const cpu = (value: string) => (value.endsWith('m') ? Number(value.slice(0, -1)) : Number(value) * 1000);
    const memoryMiB = (value: string) => (value.endsWith('Gi') ? Number(value.slice(0, -2)) * 1024 : Number(value.replace(/Mi$/, '')));
    const requestsOf = (pod: (typeof pods)[number]) =>
      containersOf(pod).reduce(
        (sum, container) => ({
          cpuMillicores: sum.cpuMillicores + cpu(String(container.resources!.requests!.cpu)),
          memoryMiB: sum.memoryMiB + memoryMiB(String(container.resources!.requests!.memory)),
        }),
        { cpuMillicores: 0, memoryMiB: 0 },
      );
    const total = { cpuMillicores: 0, memoryMiB: 0 };
    for (const pod of pods) {
      const requests = requestsOf(pod);
      // One pod must fit a node, or the autoscaler's maximum is never reached.
      expect(requests.cpuMillicores, pod.object.metadata.name).toBeLessThanOrEqual(capacity.cpuMillisPerNode);
      expect(requests.memoryMiB, pod.object.metadata.name).toBeLessThanOrEqual(capacity.memoryMiPerNode);
      const count =
        pod.object.kind === 'Job' ? 1 : (find(objects, 'HorizontalPodAutoscaler', pod.object.metadata.name)!.spec as { maxReplicas: number }).maxReplicas + 1;
      total.cpuMillicores += count * requests.cpuMillicores;
      total.memoryMiB += count * requests.memoryMiB;
    }
    expect(total.cpuMillicores).toBeLessThanOrEqual(capacity.cpuMillisPerNode * capacity.maxNodes - capacity.platformReserved.cpuMillis);
    expect(total.memoryMiB).toBeLessThanOrEqual(capacity.memoryMiPerNode * capacity.maxNodes - capacity.platformReserved.memoryMi);
  });

  it('spreads the replicas of each service over zones and nodes', () => {
    for (const pod of deployments) {
      const constraints = pod.podSpec.topologySpreadConstraints ?? [];
      expect(constraints.map((constraint) => constraint.topologyKey).sort()).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
      for (const constraint of constraints) expect(selects(constraint.labelSelector as LabelSelector, pod.podLabels)).toBe(true);
    }
  });

  it('takes secrets from Kubernetes Secrets only, never as literal values', () => {
    expect(byKind(rendered, 'Secret')).toEqual([]);
    for (const pod of pods) {
      for (const container of containersOf(pod)) {
        for (const variable of container.env ?? []) {
          if (secretVariables.includes(variable.name)) {
            expect(variable.value, variable.name).toBeUndefined();
            expect(variable.valueFrom?.secretKeyRef?.key).toBe(variable.name);
          }
        }
      }
    }
  });

  it("syncs every secret a pod reads from this stack's Secrets Manager entries, through the class the pod mounts", () => {
    for (const pod of pods) {
      const where = `${pod.object.kind} ${pod.object.metadata.name}`;
      const service = pod.podLabels['app.kubernetes.io/name']!;
      const migration = pod.podLabels['app.kubernetes.io/component'] === 'migration';
      const volume = pod.podSpec.volumes?.find((candidate) => candidate.csi);
      const className = migration ? `${service}-migration` : service;
      expect(volume?.csi, where).toMatchObject({ driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: className } });
      const container = containersOf(pod)[0]!;
      expect(
        container.volumeMounts?.some((mount) => mount.name === volume!.name && mount.readOnly),
        where,
      ).toBe(true);
      const spec = find(objects, 'SecretProviderClass', className)?.spec as {
        provider: string;
        parameters: { region: string; objects: string };
        secretObjects: { secretName: string; data: { objectName: string; key: string }[] }[];
      };
      expect(spec.provider).toBe('aws');
      expect(spec.parameters.region).toBe(environment.region);
      const fetched = parse(spec.parameters.objects) as { objectName: string; objectType: string; jmesPath: { path: string; objectAlias: string }[] }[];
      const aliases = new Map(fetched.flatMap((object) => object.jmesPath.map((entry) => [entry.objectAlias, `${object.objectName}#${entry.path}`] as const)));
      const references = (container.env ?? []).flatMap((variable) => (variable.valueFrom?.secretKeyRef ? [variable.valueFrom.secretKeyRef] : []));
      expect(references.length, where).toBeGreaterThan(0);
      for (const reference of references) {
        const synced = spec.secretObjects.find((secret) => secret.secretName === reference.name);
        const item = synced?.data.find((entry) => entry.key === reference.key);
        expect(item, `${where}: ${reference.name}/${reference.key}`).toBeDefined();
        // Where each value comes from, by the names both the Pulumi stack and this overlay read from the contract.
        const source = aliases.get(item!.objectName);
        if (reference.key === databaseSecretKeys.runtime) {
          // The keys Pulumi writes into the secret, from the same contract.
          expect(source).toBe(`${databaseSecretName(overlay, service)}#${migration ? databaseSecretKeys.migration : databaseSecretKeys.runtime}`);
        } else {
          expect(source).toBe(`${platformSecretName(overlay)}#${reference.key}`);
        }
      }
    }
    // A service's pods never see the migration account's password, which the migration class alone fetches.
    for (const service of services) {
      const runtime = find(objects, 'SecretProviderClass', service.name)?.spec as { parameters: { objects: string } };
      expect(runtime.parameters.objects, service.name).not.toContain(databaseSecretKeys.migration);
    }
  });

  it('leaves the replica count to an autoscaler and keeps one replica at most out during disruptions', () => {
    for (const pod of deployments) {
      const name = pod.object.metadata.name;
      expect((pod.object.spec as { replicas?: number }).replicas, name).toBeUndefined();
      const autoscaler = find(objects, 'HorizontalPodAutoscaler', name)?.spec as { scaleTargetRef: object; minReplicas: number; maxReplicas: number };
      expect(autoscaler.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
      expect(autoscaler.minReplicas).toBe(environment.minReplicas);
      expect(autoscaler.maxReplicas).toBeGreaterThan(autoscaler.minReplicas);
      expect((pod.object.spec as { strategy: { rollingUpdate: object } }).strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
      const budget = find(objects, 'PodDisruptionBudget', name)?.spec as { selector: LabelSelector; maxUnavailable: number };
      expect(selects(budget.selector, pod.podLabels)).toBe(true);
      expect(budget.maxUnavailable).toBe(1);
    }
  });

  it("labels every pod that reaches RDS or Redis, migration Jobs included, as Pulumi's SecurityGroupPolicies select", () => {
    // The selectors of the Pulumi stack's policies (pulumi/components/release-target.ts), from the shared contract.
    const databaseClients = securityGroupPolicySelector(subgraphs.map((service) => service.name));
    const cacheClients = [securityGroupPolicySelector(['gateway']), databaseClients];
    let checked = 0;
    for (const pod of pods) {
      const where = `${pod.object.kind} ${pod.object.metadata.name}`;
      const variables = containersOf(pod).flatMap((container) => (container.env ?? []).map((variable) => variable.name));
      expect(pod.podLabels[securityGroupPolicyLabel], where).toBe(pod.podSpec.serviceAccountName);
      if (variables.includes(databaseSecretKeys.runtime)) {
        expect(selects(databaseClients, pod.podLabels), where).toBe(true);
        checked += 1;
      }
      if (variables.includes('REDIS_URL'))
        expect(
          cacheClients.some((selector) => selects(selector, pod.podLabels)),
          where,
        ).toBe(true);
    }
    // Every subgraph's Deployment and migration Job.
    expect(checked).toBe(subgraphs.length * 2);
  });

  it('gives each service a ServiceAccount bound to its IAM role in this stack', () => {
    for (const service of services) {
      const account = find(objects, 'ServiceAccount', service.name);
      expect(account?.metadata.annotations?.['eks.amazonaws.com/role-arn']).toBe(`arn:aws:iam::${accountId}:role/rtc-${overlay}-svc-${service.name}`);
    }
    for (const pod of pods) expect(pod.podSpec.serviceAccountName).toBe(pod.podLabels['app.kubernetes.io/name']);
  });

  it('serves each service on its port, to its Deployment pods alone', () => {
    for (const service of services) {
      const spec = find(objects, 'Service', service.name)?.spec as { selector: Record<string, string>; ports: object[] };
      expect(spec.ports).toEqual([{ name: 'http', port: service.port, targetPort: 'http', protocol: 'TCP' }]);
      const selected = pods.filter((pod) => selects({ matchLabels: spec.selector }, pod.podLabels));
      expect(selected.map((pod) => `${pod.object.kind}/${pod.object.metadata.name}`)).toEqual([`Deployment/${service.name}`]);
    }
  });

  it('has kube-prometheus-stack scrape /metrics through a ServiceMonitor per service', () => {
    for (const service of services) {
      const monitor = find(objects, 'ServiceMonitor', service.name);
      expect(monitor?.metadata.labels?.release).toBe('kube-prometheus-stack');
      const spec = monitor!.spec as { selector: LabelSelector; endpoints: { port: string; path: string }[] };
      expect(spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
      const target = find(objects, 'Service', service.name)!;
      expect(selects(spec.selector, target.metadata.labels ?? {})).toBe(true);
      expect(byKind(objects, 'Service').filter((candidate) => selects(spec.selector, candidate.metadata.labels ?? {}))).toHaveLength(1);
    }
  });

  it('runs each migration Job with its subgraph image and node dist/migrate.js, without retrying forever', () => {
    for (const job of objects.filter(isMigrationJob)) {
      const spec = job.spec as {
        backoffLimit: number;
        activeDeadlineSeconds: number;
        template: { spec: { restartPolicy: string; containers: { command: string[]; image: string }[] } };
      };
      const service = job.metadata.name.replace(/-migrate$/, '') as ServiceName;
      expect(spec.template.spec.restartPolicy).toBe('Never');
      expect(spec.template.spec.containers[0]!.command).toEqual(['node', 'dist/migrate.js']);
      expect(spec.template.spec.containers[0]!.image.endsWith(`/rtc-${overlay}/${service}${imageSuffix(service)}`)).toBe(true);
      expect(spec.backoffLimit).toBeLessThanOrEqual(3);
      expect(spec.activeDeadlineSeconds).toBeGreaterThan(0);
    }
  });

  describe('network policies', () => {
    const podOf = (name: ServiceName): Peer => {
      const pod = deployments.find((candidate) => candidate.object.metadata.name === name)!;
      const ports = Object.fromEntries((pod.podSpec.containers[0]!.ports ?? []).map((port) => [port.name!, port.containerPort]));
      return { pod: { namespace: workloadNamespace, labels: pod.podLabels, ports } };
    };
    const migrationPods: Peer[] = pods
      .filter((pod) => pod.object.kind === 'Job')
      .map((pod) => ({ pod: { namespace: workloadNamespace, labels: pod.podLabels } }));
    const insideVpc = environment.vpcCidr.replace(/\.0\.0\/16$/, '.7.9');

    it('deny everything by default', () => {
      const deny = find(objects, 'NetworkPolicy', 'default-deny-all')?.spec;
      expect(deny).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    });

    it("allow exactly the design's paths between services", () => {
      const allowed: string[] = [];
      for (const client of services) {
        for (const server of services) {
          if (client !== server && allows(rendered, { from: podOf(client.name), to: podOf(server.name), port: server.port })) {
            allowed.push(`${client.name}->${server.name}`);
          }
        }
      }
      const designed = services.flatMap((client) => client.calls.map((server) => `${client.name}->${server}`));
      expect(allowed.sort()).toEqual(designed.sort());
    });

    it('let the load balancer reach the gateway from inside the VPC, and nothing else from outside', () => {
      expect(allows(rendered, { from: { ip: insideVpc }, to: podOf('gateway'), port: 4000 })).toBe(true);
      expect(allows(rendered, { from: { ip: '198.51.100.7' }, to: podOf('gateway'), port: 4000 })).toBe(false);
      for (const subgraph of subgraphs) {
        expect(allows(rendered, { from: { ip: insideVpc }, to: podOf(subgraph.name), port: subgraph.port })).toBe(false);
      }
    });

    it('let every service and migration reach MySQL and Redis in the VPC, and nothing else outside the cluster', () => {
      for (const from of [...services.map((service) => podOf(service.name)), ...migrationPods]) {
        expect(allows(rendered, { from, to: { ip: insideVpc }, port: 3306 })).toBe(true);
        expect(allows(rendered, { from, to: { ip: insideVpc }, port: 6379 })).toBe(true);
        expect(allows(rendered, { from, to: { ip: '198.51.100.7' }, port: 3306 })).toBe(false);
        expect(allows(rendered, { from, to: { ip: '198.51.100.7' }, port: 443 })).toBe(false);
        const dns: Peer = { pod: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } } };
        expect(allows(rendered, { from, to: dns, port: 53, protocol: 'UDP' })).toBe(true);
      }
    });

    it('let Prometheus in the monitoring namespace scrape every service, and no other namespace', () => {
      const prometheus: Peer = { pod: { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } } };
      const stranger: Peer = { pod: { namespace: 'default', labels: { 'app.kubernetes.io/name': 'prometheus' } } };
      for (const service of services) {
        expect(allows(rendered, { from: prometheus, to: podOf(service.name), port: service.port })).toBe(true);
        expect(allows(rendered, { from: stranger, to: podOf(service.name), port: service.port })).toBe(false);
      }
    });

    it('let every service export spans to the OpenTelemetry collector in the monitoring namespace, and no other', () => {
      const collector: Peer = { pod: { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'opentelemetry-collector' } } };
      const impostor: Peer = { pod: { namespace: 'default', labels: { 'app.kubernetes.io/name': 'opentelemetry-collector' } } };
      for (const service of services) {
        expect(allows(rendered, { from: podOf(service.name), to: collector, port: 4318 })).toBe(true);
        expect(allows(rendered, { from: podOf(service.name), to: impostor, port: 4318 })).toBe(false);
      }
      expect((find(objects, 'ConfigMap', 'rtc-config')?.data as Record<string, string> | undefined)?.['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe(
        'http://otel-collector.monitoring.svc.cluster.local:4318',
      );
    });

    it("deny everything by default in every namespace the overlay covers, Jenkins's included", () => {
      for (const namespace of Object.values(platformNamespaces)) {
        const deny = rendered.find(
          (object) => object.kind === 'NetworkPolicy' && object.metadata.namespace === namespace && object.metadata.name === 'default-deny-all',
        );
        expect(deny?.spec, namespace).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      }
    });

    it("let build agents reach their controller and HTTPS, never the data stores nor RTC's services", () => {
      const agent: Peer = { pod: { namespace: platformNamespaces.jenkins, labels: { 'app.kubernetes.io/part-of': 'rtc-ci' } } };
      expect(allows(rendered, { from: agent, to: { ip: insideVpc }, port: 8080 })).toBe(true);
      expect(allows(rendered, { from: agent, to: { ip: '198.51.100.7' }, port: 443 })).toBe(true);
      expect(allows(rendered, { from: agent, to: { ip: insideVpc }, port: 3306 })).toBe(false);
      expect(allows(rendered, { from: agent, to: { ip: insideVpc }, port: 6379 })).toBe(false);
      for (const service of services) expect(allows(rendered, { from: agent, to: podOf(service.name), port: service.port })).toBe(false);
      // Nothing reaches into an agent pod.
      expect(allows(rendered, { from: { ip: insideVpc }, to: agent, port: 8080 })).toBe(false);
    });

    it("let main's deploy pod reach the controller and HTTPS (EKS API, ECR, STS), never the data stores nor RTC's services", () => {
      const deployer: Peer = { pod: { namespace: pipelineIdentities.deploy.namespace, labels: { 'app.kubernetes.io/part-of': 'rtc-ci' } } };
      expect(allows(rendered, { from: deployer, to: { ip: insideVpc }, port: 50000 })).toBe(true);
      expect(allows(rendered, { from: deployer, to: { ip: insideVpc }, port: 443 })).toBe(true);
      for (const port of [3306, 6379]) expect(allows(rendered, { from: deployer, to: { ip: insideVpc }, port })).toBe(false);
      for (const service of services) expect(allows(rendered, { from: deployer, to: podOf(service.name), port: service.port })).toBe(false);
    });

    it("let Pulumi's database bootstrap reach MySQL in this VPC alone", () => {
      const bootstrap: Peer = { pod: { namespace: platformNamespaces.operations, labels: { [securityGroupPolicyLabel]: 'db-bootstrap' } } };
      expect(allows(rendered, { from: bootstrap, to: { ip: insideVpc }, port: 3306 })).toBe(true);
      expect(allows(rendered, { from: bootstrap, to: { ip: '10.99.0.1' }, port: 3306 })).toBe(false);
      for (const port of [443, 6379]) expect(allows(rendered, { from: bootstrap, to: { ip: insideVpc }, port })).toBe(false);
      for (const service of services) expect(allows(rendered, { from: bootstrap, to: podOf(service.name), port: service.port })).toBe(false);
    });

    it('let Prometheus scrape the services and nodes, and keep the monitoring namespace off the data stores', () => {
      const prometheus: Peer = { pod: { namespace: platformNamespaces.monitoring, labels: { 'app.kubernetes.io/name': 'prometheus' } } };
      const grafana: Peer = { pod: { namespace: platformNamespaces.monitoring, labels: { 'app.kubernetes.io/name': 'grafana' } } };
      for (const service of services) expect(allows(rendered, { from: prometheus, to: podOf(service.name), port: service.port })).toBe(true);
      expect(allows(rendered, { from: prometheus, to: { ip: insideVpc }, port: 10250 })).toBe(true);
      expect(allows(rendered, { from: prometheus, to: grafana, port: 3000 })).toBe(true);
      expect(allows(rendered, { from: { ip: insideVpc }, to: grafana, port: 3000 })).toBe(true);
      expect(allows(rendered, { from: { ip: '198.51.100.7' }, to: grafana, port: 3000 })).toBe(false);
      for (const port of [3306, 6379]) expect(allows(rendered, { from: prometheus, to: { ip: insideVpc }, port })).toBe(false);
    });

    it('keep migration pods out of the services', () => {
      for (const from of migrationPods) {
        for (const service of services) expect(allows(rendered, { from, to: podOf(service.name), port: service.port })).toBe(false);
      }
    });
  });

  it("matches its Pulumi stack's VPC and region", () => {
    const stackFile = path.resolve(manifestsDirectory, '..', 'pulumi', `Pulumi.${overlay}.yaml`);
    if (!existsSync(stackFile)) return;
    const config = (parse(readFileSync(stackFile, 'utf8')) as { config: Record<string, unknown> }).config;
    expect((config['rtc:network'] as { cidrBlock: string }).cidrBlock).toBe(environment.vpcCidr);
    expect(config['aws:region']).toBe(environment.region);
  });
});

describe('the AWS account of an overlay', () => {
  it('is refused when two accounts or a non-ECR image are mixed', () => {
    const objects = renderOverlay({ overlay: 'dev' });
    const account = objects.find((object) => object.kind === 'ServiceAccount')!;
    const other = { ...account, metadata: { ...account.metadata, annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::999999999999:role/x' } } };
    expect(() => awsAccountOf([...objects, other])).toThrow(/expected one AWS account, found \d{12}, 999999999999/);
    const deployment = structuredClone(objects.find((object) => object.kind === 'Deployment')!);
    (deployment.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image = 'docker.io/library/nginx:1.27';
    expect(() => awsAccountOf([deployment])).toThrow(/nginx:1.27 is not an ECR image/);
  });
});

describe('validating rendered objects', () => {
  it('reports schema errors and unknown pod fields by object', () => {
    const [deployment] = renderOverlay({ overlay: 'dev' }).filter((object) => object.kind === 'Deployment');
    const broken = structuredClone(deployment!);
    const spec = broken.spec as { replicas?: unknown; template: { spec: { containers: Record<string, unknown>[] } } };
    spec.replicas = 'two';
    spec.template.spec.containers[0]!.readinesProbe = {};
    const problems = validateObjects([broken]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^Deployment \w+: .*replicas must be integer/);
    expect(problems[1]).toMatch(/unknown field readinesProbe$/);
    expect(validateObjects([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }])).toEqual([
      'Widget w: no schema for example.com/v1 Widget',
    ]);
  });

  it("checks the add-ons' custom resources against their CRD schemas", () => {
    const objects = renderOverlay({ overlay: 'prod' });
    const binding = structuredClone(objects.find((object) => object.kind === 'TargetGroupBinding')!);
    (binding.spec as Record<string, unknown>).targetType = 'pod';
    delete (binding.spec as Record<string, unknown>).targetGroupARN;
    const providerClass = structuredClone(objects.find((object) => object.kind === 'SecretProviderClass')!);
    (providerClass.spec as { secretObjects: Record<string, unknown>[] }).secretObjects[0]!.secretname = 'typo';
    const problems = validateObjects([binding, providerClass]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^TargetGroupBinding gateway: \/spec must have required property 'targetGroupARN'/),
        expect.stringMatching(/^TargetGroupBinding gateway: \/spec\/targetType must be equal to one of the allowed values/),
        expect.stringMatching(/^SecretProviderClass \w+: \/spec\/secretObjects\/0 must NOT have additional properties/),
      ]),
    );
  });
});
