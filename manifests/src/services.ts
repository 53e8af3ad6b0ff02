/** The services RTC deploys, as the service contract names them; manifests, CI and tests read this one list. */
export type ServiceName = 'gateway' | 'users' | 'catalog' | 'orders' | 'inventory' | 'activity';

export interface RtcService {
  /** Kubernetes Deployment, Service, ServiceAccount and container name; also the ECR repository's last segment. */
  readonly name: ServiceName;
  readonly workspace: `@rtc/${ServiceName}`;
  /** The workspace folder, relative to the repository root. */
  readonly directory: string;
  /** HTTP port of /graphql, /healthz, /readyz and /metrics. */
  readonly port: number;
  /** The MySQL database the service owns alone; the gateway owns none. */
  readonly database?: string;
  /** The services it calls over the network (the design's allowed paths). */
  readonly calls: readonly ServiceName[];
}

export const services: readonly RtcService[] = [
  {
    name: 'gateway',
    workspace: '@rtc/gateway',
    directory: 'gateway',
    port: 4000,
    calls: ['users', 'catalog', 'orders', 'inventory', 'activity'],
  },
  { name: 'users', workspace: '@rtc/users', directory: 'subgraphs/users', port: 4001, database: 'rtc_users', calls: [] },
  // Orders' units sold rank BEST_SELLING listings.
  { name: 'catalog', workspace: '@rtc/catalog', directory: 'subgraphs/catalog', port: 4002, database: 'rtc_catalog', calls: ['orders'] },
  {
    name: 'orders',
    workspace: '@rtc/orders',
    directory: 'subgraphs/orders',
    port: 4003,
    database: 'rtc_orders',
    calls: ['catalog', 'inventory'],
  },
  { name: 'inventory', workspace: '@rtc/inventory', directory: 'subgraphs/inventory', port: 4004, database: 'rtc_inventory', calls: [] },
  // Storefront behaviour; it reads the event log from Redis and calls no other service.
  { name: 'activity', workspace: '@rtc/activity', directory: 'subgraphs/activity', port: 4005, database: 'rtc_activity', calls: [] },
];

/** The subgraphs: each owns a database and ships `dist/migrate.js`, run by a Job before a rollout. */
export const subgraphs = services.filter((service): service is RtcService & { database: string } => service.database !== undefined);

export const serviceNames: readonly ServiceName[] = services.map((service) => service.name);

export function isServiceName(value: string): value is ServiceName {
  return (serviceNames as readonly string[]).includes(value);
}

export function getService(name: ServiceName): RtcService {
  const service = services.find((candidate) => candidate.name === name);
  if (!service) throw new Error(`unknown service ${name}`);
  return service;
}

/** The image name the base manifests use; overlays point it at the environment's ECR repository. */
export function baseImageName(name: ServiceName): string {
  return `rtc/${name}`;
}

/** The Kubernetes namespace of RTC's workloads. */
export const workloadNamespace = 'rtc';
