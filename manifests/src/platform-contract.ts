/**
 * The values the Pulumi platform and the release manifests must agree on. Each side owns its objects; both
 * read these numbers and names from here, and a test on each side checks its own objects against them.
 */

/** How long the ALB keeps sending to a target being removed; every pod's preStop must last at least this long. */
export const albDeregistrationDelaySeconds = 30;

/**
 * Namespaces Pulumi creates; the release path deploys RTC's workloads into `workloads` and the NetworkPolicies of
 * every one of them (namespaces/ of the manifests). `jenkins` holds the build agents, `jenkinsDeploy` main's deploy
 * step, `operations` Pulumi's database bootstrap Job.
 */
export const platformNamespaces = {
  workloads: 'rtc',
  monitoring: 'monitoring',
  jenkins: 'jenkins',
  jenkinsDeploy: 'jenkins-deploy',
  operations: 'rtc-ops',
} as const;

/**
 * The pod label Pulumi's SecurityGroupPolicies select on (value: the service's name, as in `services`): every pod
 * that reaches RDS or Redis, migration Jobs included, must carry it, or the VPC's security groups drop its packets.
 */
export const securityGroupPolicyLabel = 'app.kubernetes.io/name';

/** The pod selector of the SecurityGroupPolicy that gives these services' pods their security groups. */
export function securityGroupPolicySelector(serviceNames: readonly string[]): {
  matchExpressions: { key: string; operator: 'In'; values: string[] }[];
} {
  return { matchExpressions: [{ key: securityGroupPolicyLabel, operator: 'In', values: [...serviceNames] }] };
}

/** The label that makes the AWS Load Balancer Controller inject pod readiness gates into a namespace's pods. */
export const podReadinessGateLabel = 'elbv2.k8s.aws/pod-readiness-gate-inject';

/** The Secrets Manager secret holding the shared runtime secrets of one stack (keys below). */
export function platformSecretName(stack: string): string {
  return `rtc/${stack}/platform`;
}

/** The keys of the platform secret; services read them as environment variables of the same names. */
export const platformSecretKeys = ['JWT_SECRET', 'INTERNAL_TOKEN', 'REDIS_URL'] as const;

/**
 * The keys of a subgraph's database secret: `runtime` is the service's own account (the env variable of the same name),
 * `migration` the account its migration Job runs as. The SecretProviderClasses read exactly these.
 */
export const databaseSecretKeys = { runtime: 'DATABASE_URL', migration: 'migrationUrl' } as const;

/** The Secrets Manager secret of one subgraph's database connection (keys: `databaseSecretKeys`). */
export function databaseSecretName(stack: string, service: string): string {
  return `rtc/${stack}/${service}/database`;
}

/** Where every image carries the RDS CA bundle; the DATABASE_URL Pulumi stores names it as `ssl-ca`. */
export const rdsCaBundlePath = '/etc/ssl/rds/global-bundle.pem';

/** A Kubernetes ServiceAccount the pipeline runs as. */
export interface PipelineIdentity {
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * Who the pipeline runs as. Builds of any branch run as `build`, which holds no cloud rights; only main's deploy step
 * runs as `deploy`, whose namespace alone may assume the deploy role (ECR push, RTC's namespace of the cluster).
 */
export const pipelineIdentities = {
  build: { namespace: platformNamespaces.jenkins, serviceAccount: 'jenkins-agent' },
  deploy: { namespace: platformNamespaces.jenkinsDeploy, serviceAccount: 'rtc-deployer' },
} as const satisfies Record<string, PipelineIdentity>;

/** What the nodes of one stack can hold at most, once the autoscaler has grown the node group to its maximum. */
export interface NodeCapacity {
  /** The node group's maximum size (Pulumi.<stack>.yaml). */
  readonly maxNodes: number;
  /** Per node: what the kubelet offers pods, less the DaemonSets every node runs (CNI, CSI, logs, node exporter). */
  readonly cpuMillisPerNode: number;
  readonly memoryMiPerNode: number;
  /**
   * Over the whole cluster: what the platform's own Deployments request (CoreDNS, the load balancer controller,
   * metrics-server, the autoscaler, kube-prometheus-stack, the collector): an estimate from the charts' requests.
   */
  readonly platformReserved: { readonly cpuMillis: number; readonly memoryMi: number };
}

/**
 * Per stack; a Pulumi test checks them against the node groups, a manifests test checks that RTC's pods, every
 * autoscaler at its maximum and one surge pod per Deployment rolling, fit in what is left after `platformReserved`.
 */
export const nodeCapacity = {
  // t3.large / t3a.large: 2 vCPU, 8 GiB.
  dev: { maxNodes: 4, cpuMillisPerNode: 1_400, memoryMiPerNode: 5_800, platformReserved: { cpuMillis: 1_500, memoryMi: 6_144 } },
  // m6i.large: 2 vCPU, 8 GiB.
  prod: { maxNodes: 12, cpuMillisPerNode: 1_400, memoryMiPerNode: 5_800, platformReserved: { cpuMillis: 2_000, memoryMi: 10_240 } },
} as const satisfies Record<string, NodeCapacity>;

/** The ECR repository, `rtc-<stack>/<this>`, where the image builds keep their layer cache. */
export const buildCacheRepositoryName = 'build-cache';
