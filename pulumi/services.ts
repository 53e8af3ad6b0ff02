import { platformNamespaces } from '@rtc/manifests';

/** The RTC services that run in the cluster, as the service contract names them. */
export interface RtcService {
  /** Service, ECR repository, Kubernetes ServiceAccount and IAM role all share this name. */
  readonly name: 'gateway' | 'users' | 'catalog' | 'orders' | 'inventory' | 'activity';
  /** HTTP port serving /graphql, /healthz, /readyz and /metrics. */
  readonly port: number;
  /** The MySQL database the service owns alone; the gateway owns none. */
  readonly database?: string;
}

export const services: readonly RtcService[] = [
  { name: 'gateway', port: 4000 },
  { name: 'users', port: 4001, database: 'rtc_users' },
  { name: 'catalog', port: 4002, database: 'rtc_catalog' },
  { name: 'orders', port: 4003, database: 'rtc_orders' },
  { name: 'inventory', port: 4004, database: 'rtc_inventory' },
  { name: 'activity', port: 4005, database: 'rtc_activity' },
];

/** The subgraphs: the services with a database of their own (their images also run the migration job). */
export const databaseServices = services.filter((service): service is RtcService & { database: string } => service.database !== undefined);

/** The Kubernetes namespace of RTC's workloads (the manifests overlays deploy into it). */
export const workloadNamespace = platformNamespaces.workloads;

/** The gateway is the only service the load balancer reaches. */
export const gatewayService = services.find((service) => service.name === 'gateway')!;
