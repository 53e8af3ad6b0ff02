import * as pulumi from '@pulumi/pulumi';

/** Every stack difference lives in Pulumi.<stack>.yaml under these keys; the program has no `if (prod)`. */
export interface NetworkSettings {
  readonly cidrBlock: string;
  /** `Single` (one NAT for the VPC) or `OnePerAz` (survives the loss of an availability zone). */
  readonly natGateways: 'Single' | 'OnePerAz';
}

export interface NodeGroupSettings {
  readonly name: string;
  readonly instanceTypes: string[];
  readonly capacityType: 'ON_DEMAND' | 'SPOT';
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
  readonly diskSizeGb: number;
}

export interface ClusterSettings {
  /** Kubernetes minor version of the control plane and the node groups; one inside EKS standard support (pulumi/README.md). */
  readonly version: string;
  /** CIDRs allowed on the public API endpoint; empty turns the public endpoint off. */
  readonly publicAccessCidrs: string[];
  readonly nodeGroups: NodeGroupSettings[];
  /** Refuse to delete the cluster until this is turned off. */
  readonly deletionProtection: boolean;
}

export interface DatabaseSettings {
  /** MySQL 8 major.minor, e.g. "8.4"; the parameter group family follows it. */
  readonly engineVersion: string;
  readonly instanceClass: string;
  readonly allocatedStorageGb: number;
  readonly maxAllocatedStorageGb: number;
  readonly multiAz: boolean;
  readonly deletionProtection: boolean;
  readonly backupRetentionDays: number;
  /** Take a final snapshot when the instance is deleted. */
  readonly finalSnapshot: boolean;
}

export interface CacheSettings {
  readonly nodeType: string;
  /** Primary plus replicas; 2 or more turns on Multi-AZ automatic failover. */
  readonly nodes: number;
}

export interface RegistrySettings {
  /** How many tagged images each repository keeps. */
  readonly keepTaggedImages: number;
  readonly untaggedExpiryDays: number;
  /** How long the build cache keeps a layer after its push. */
  readonly buildCacheExpiryDays: number;
}

export interface EdgeSettings {
  /** The public name of the gateway, e.g. api.rtc.example.com. */
  readonly domainName: string;
  /** Where staff reach Grafana (its own login) through the same load balancer, e.g. grafana.rtc.example.com. */
  readonly grafanaDomainName: string;
  /** Days the load balancer's access logs are kept in their S3 bucket. */
  readonly accessLogRetentionDays: number;
  /** The Route 53 hosted zone that holds domainName (DNS validation and the alias record). */
  readonly hostedZoneId: string;
  /** Requests per source IP in any 5 minutes before AWS WAF blocks it. */
  readonly rateLimitPer5Minutes: number;
  readonly albDeletionProtection: boolean;
}

export interface MonitoringSettings {
  readonly logRetentionDays: number;
  /** Addresses subscribed to the alarm topic (each confirms by email); CloudWatch alarms and Alertmanager both publish there. */
  readonly alarmEmails: string[];
  /** Alarm when RDS holds more connections than this (keep it under the instance's max_connections). */
  readonly databaseConnectionsAlarm: number;
  readonly prometheusRetention: string;
  readonly prometheusStorageGb: number;
}

export interface JenkinsSettings {
  readonly instanceType: string;
  readonly volumeSizeGb: number;
}

/** Set on the stack a release is promoted to: the stack whose pipeline promotes into it (dev for prod). */
export interface PromotionSettings {
  /** The source cluster's OIDC issuer without https:// (`pulumi stack output clusterOidcIssuer` of that stack). */
  readonly sourceClusterOidcIssuer: string;
}

export interface StackConfig {
  readonly stack: string;
  /** Prefix of every physical name: rtc-<stack>. */
  readonly prefix: string;
  readonly tags: Record<string, string>;
  readonly network: NetworkSettings;
  readonly cluster: ClusterSettings;
  readonly database: DatabaseSettings;
  readonly cache: CacheSettings;
  readonly registry: RegistrySettings;
  readonly edge: EdgeSettings;
  readonly monitoring: MonitoringSettings;
  readonly jenkins: JenkinsSettings;
  /** Absent on a stack no other stack's pipeline promotes into. */
  readonly promotion: PromotionSettings | undefined;
  /** The folder with prometheus/rules/*.yml and grafana/dashboards/*.json, relative to this project. */
  readonly observabilityDir: string;
}

/** Reads the stack's configuration once, so every component receives typed settings. */
export function loadStackConfig(): StackConfig {
  const config = new pulumi.Config('rtc');
  const stack = pulumi.getStack();
  const prefix = `rtc-${stack}`;
  const database = config.requireObject<DatabaseSettings>('database');
  if (database.backupRetentionDays < 7) {
    throw new Error(`rtc:database.backupRetentionDays must be 7 or more, got ${database.backupRetentionDays}`);
  }
  if (!/^8\.\d+$/.test(database.engineVersion)) {
    throw new Error(`rtc:database.engineVersion must be a MySQL 8 version such as "8.4", got ${database.engineVersion}`);
  }
  return {
    stack,
    prefix,
    tags: { project: 'rtc', stack, 'managed-by': 'pulumi' },
    network: config.requireObject<NetworkSettings>('network'),
    cluster: config.requireObject<ClusterSettings>('cluster'),
    database,
    cache: config.requireObject<CacheSettings>('cache'),
    registry: config.requireObject<RegistrySettings>('registry'),
    edge: config.requireObject<EdgeSettings>('edge'),
    monitoring: config.requireObject<MonitoringSettings>('monitoring'),
    jenkins: config.requireObject<JenkinsSettings>('jenkins'),
    promotion: config.getObject<PromotionSettings>('promotion'),
    observabilityDir: config.get('observabilityDir') ?? '../observability',
  };
}
