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
