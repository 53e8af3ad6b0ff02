import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import type { CacheSettings } from '../config.js';
import type { Network } from './network.js';

export interface CacheArgs {
  readonly prefix: string;
  readonly settings: CacheSettings;
  readonly network: Network;
  readonly logRetentionDays: number;
  readonly tags: Record<string, string>;
}

const redisPort = 6379;

/**
 * ElastiCache Redis for the event bus: isolated subnets, TLS in transit, encryption at rest with its own
 * KMS key, AUTH token required, failover across zones when the stack runs more than one node.
 */
export class Cache extends pulumi.ComponentResource {
  readonly replicationGroup: aws.elasticache.ReplicationGroup;
  readonly primaryEndpoint: pulumi.Output<string>;
  /** REDIS_URL for the services: TLS (rediss://) with the AUTH token; a secret. */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super('rtc:cache:Cache', name, {}, opts);
    const { prefix, settings, network, tags } = args;
    const failover = settings.nodes >= 2;
    // Letters and digits only: ElastiCache refuses some symbols and the token sits in a URL.
    const authToken = new random.RandomPassword(`${name}-auth-token`, { length: 48, special: false }, { parent: this }).result;

    const key = new aws.kms.Key(
      `${name}-key`,
      { description: `${prefix} ElastiCache Redis at-rest encryption`, enableKeyRotation: true, deletionWindowInDays: 30, tags },
      { parent: this },
    );
    const subnetGroup = new aws.elasticache.SubnetGroup(
      `${name}-subnets`,
      { name: `${prefix}-redis`, description: 'RTC Redis: isolated subnets only', subnetIds: network.isolatedSubnetIds, tags },
      { parent: this },
    );
    const slowLog = new aws.cloudwatch.LogGroup(
      `${name}-slow-log`,
      { name: `/rtc/${prefix}/redis/slow-log`, retentionInDays: args.logRetentionDays, tags },
      { parent: this },
    );

    this.replicationGroup = new aws.elasticache.ReplicationGroup(
      `${name}-redis`,
      {
        replicationGroupId: `${prefix}-bus`,
        description: 'RTC event bus (Redis pub/sub)',
        engine: 'redis',
        engineVersion: '7.1',
        parameterGroupName: 'default.redis7',
        nodeType: settings.nodeType,
        numCacheClusters: settings.nodes,
        automaticFailoverEnabled: failover,
        multiAzEnabled: failover,
        port: redisPort,
        subnetGroupName: subnetGroup.name,
        securityGroupIds: [network.cacheSecurityGroup.id],
        transitEncryptionEnabled: true,
        atRestEncryptionEnabled: true,
        kmsKeyId: key.arn,
        authToken,
        // A new token is added beside the old one, so services still on the old one keep working until they restart.
        authTokenUpdateStrategy: 'ROTATE',
        autoMinorVersionUpgrade: true,
        snapshotRetentionLimit: 1,
        logDeliveryConfigurations: [{ destination: slowLog.name, destinationType: 'cloudwatch-logs', logFormat: 'json', logType: 'slow-log' }],
        tags,
      },
      { parent: this },
    );
    this.primaryEndpoint = this.replicationGroup.primaryEndpointAddress;
    this.url = pulumi.secret(pulumi.interpolate`rediss://:${authToken}@${this.primaryEndpoint}:${redisPort}`);

    this.registerOutputs({ primaryEndpoint: this.primaryEndpoint });
  }
}
