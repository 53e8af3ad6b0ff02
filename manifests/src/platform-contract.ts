/**
 * The values the Pulumi platform and the release manifests must agree on. Each side owns its objects; both
 * read these numbers and names from here, and a test on each side checks its own objects against them.
 */

/** How long the ALB keeps sending to a target being removed; every pod's preStop must last at least this long. */
export const albDeregistrationDelaySeconds = 30;

/** Namespaces Pulumi creates; the release path deploys RTC's workloads into `workloads`. */
export const platformNamespaces = {
  workloads: 'rtc',
  monitoring: 'monitoring',
  jenkins: 'jenkins',
} as const;

/** The label that makes the AWS Load Balancer Controller inject pod readiness gates into a namespace's pods. */
export const podReadinessGateLabel = 'elbv2.k8s.aws/pod-readiness-gate-inject';

/** The Secrets Manager secret holding the shared runtime secrets of one stack (keys below). */
export function platformSecretName(stack: string): string {
  return `rtc/${stack}/platform`;
}

/** The keys of the platform secret; services read them as environment variables of the same names. */
export const platformSecretKeys = ['JWT_SECRET', 'INTERNAL_TOKEN', 'REDIS_URL'] as const;

/** The Secrets Manager secret of one subgraph's database connection (keys `DATABASE_URL`, `migrationUrl`). */
export function databaseSecretName(stack: string, service: string): string {
  return `rtc/${stack}/${service}/database`;
}

/** CPU and memory, as Kubernetes requests count them. */
export interface ComputeAmount {
  cpuMillicores: number;
  memoryMiB: number;
}

/**
 * What one stack's nodes can hold at most (the node pool's limit, allocatable), and how much of it the
 * platform's own pods request (add-ons, DaemonSets, monitoring). RTC's pods, every autoscaler at its
 * maximum and one surge pod per Deployment rolling, must fit in the rest; a test of the rendered overlays
 * checks it. Dev: up to 4 nodes of 2 vCPU and 8 GiB; prod: up to 9 of 2 vCPU and 8 GiB.
 */
export const nodeCapacity: Record<'dev' | 'prod', { node: ComputeAmount; maxNodes: number; platformReserved: ComputeAmount }> = {
  dev: { node: { cpuMillicores: 1930, memoryMiB: 7100 }, maxNodes: 4, platformReserved: { cpuMillicores: 2500, memoryMiB: 8192 } },
  prod: { node: { cpuMillicores: 1930, memoryMiB: 7100 }, maxNodes: 9, platformReserved: { cpuMillicores: 3000, memoryMiB: 12288 } },
};

/**
 * The ServiceAccounts of the Jenkins agent pods in the jenkins namespace: builds of any branch run as `build`,
 * which carries no IAM role; releases of main run as `deploy`, which carries the deploy role.
 */
export const ciServiceAccounts = { build: 'jenkins-agent', deploy: 'jenkins-deploy' } as const;

/** The ECR repository, `rtc-<stack>/<this>`, where the image builds keep their layer cache. */
export const buildCacheRepositoryName = 'build-cache';
