import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { databaseSecretKeys, databaseSecretName, rdsCaBundlePath } from '@rtc/manifests';
import type { DatabaseSettings } from '../config.js';
import type { RtcService } from '../services.js';
import type { Network } from './network.js';

export interface DatabaseArgs {
  readonly prefix: string;
  readonly stack: string;
  readonly settings: DatabaseSettings;
  readonly network: Network;
  /** The subgraphs: each gets its own database, MySQL user and secret. */
  readonly services: readonly (RtcService & { database: string })[];
  readonly logRetentionDays: number;
  readonly tags: Record<string, string>;
}

/** Where one service finds its database credentials: its own account's, and its migrations' (`migrationUrl`). */
export interface ServiceDatabaseSecret {
  readonly service: string;
  readonly database: string;
  /** The account the service runs as: rows of its database only. */
  readonly username: string;
  /** The account its migration Job runs as: tables of the same database too. */
  readonly migrationUsername: string;
  readonly secretArn: pulumi.Output<string>;
  readonly secretName: pulumi.Output<string>;
}

const mysqlPort = 3306;

/**
 * The DATABASE_URL a service connects with: TLS that checks the certificate against the RDS CA bundle every image
 * carries and that it names this host (the parameter group refuses plain connections, the users REQUIRE SSL).
 */
export function databaseUrl(user: string, password: string, host: string, database: string): string {
  const query = new URLSearchParams({ 'ssl-mode': 'VERIFY_IDENTITY', 'ssl-ca': rdsCaBundlePath });
  return `mysql://${user}:${password}@${host}:${mysqlPort}/${database}?${query.toString().replaceAll('%2F', '/')}`;
}

/** The MySQL account of a service's migrations (MySQL user names hold 32 characters at most). */
export function migrationUserOf(service: string): string {
  return `${service}_migrator`;
}
/** The exports CloudWatch receives; `audit` would need an option group with the audit plugin. */
const logExports = ['error', 'slowquery'];

/**
 * RDS for MySQL 8 in the isolated subnets: not public, encrypted with its own KMS key, TLS required by
 * its parameter group, the master password managed by RDS in Secrets Manager, Performance Insights on,
 * and one Secrets Manager secret per subgraph with the credentials of that subgraph's own MySQL user.
 */
export class Database extends pulumi.ComponentResource {
  readonly instance: aws.rds.Instance;
  readonly address: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly identifier: string;
  /** The key of the storage, the snapshots, Performance Insights and every database secret. */
  readonly key: aws.kms.Key;
  /** The RDS-managed master secret; only the bootstrap of the service users reads it. */
  readonly masterSecretArn: pulumi.Output<string>;
  readonly serviceSecrets: ServiceDatabaseSecret[];

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('rtc:database:Database', name, {}, opts);
    const { prefix, settings, network, tags } = args;
    this.identifier = `${prefix}-mysql`;

    this.key = new aws.kms.Key(
      `${name}-key`,
      { description: `${prefix} RDS MySQL storage, Performance Insights and database secrets`, enableKeyRotation: true, deletionWindowInDays: 30, tags },
      { parent: this },
    );
    new aws.kms.Alias(`${name}-key`, { name: `alias/${prefix}-database`, targetKeyId: this.key.keyId }, { parent: this });

    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { name: `${prefix}-mysql`, description: 'RTC MySQL: isolated subnets only', subnetIds: network.isolatedSubnetIds, tags },
      { parent: this },
    );

    const parameterGroup = new aws.rds.ParameterGroup(
      `${name}-params`,
      {
        name: `${prefix}-mysql${settings.engineVersion.replace('.', '-')}`,
        family: `mysql${settings.engineVersion}`,
        description: 'RTC MySQL: TLS required, slow queries logged',
        parameters: [
          { name: 'require_secure_transport', value: '1' },
          { name: 'slow_query_log', value: '1' },
          { name: 'long_query_time', value: '1' },
          { name: 'log_output', value: 'FILE' },
        ],
        tags,
      },
      { parent: this },
    );

    // RDS writes to these groups when they exist, so creating them first sets the retention.
    const logGroups = logExports.map(
      (log) =>
        new aws.cloudwatch.LogGroup(
          `${name}-${log}`,
          { name: `/aws/rds/instance/${this.identifier}/${log}`, retentionInDays: args.logRetentionDays, tags },
          { parent: this },
        ),
    );

    this.instance = new aws.rds.Instance(
      `${name}-mysql`,
      {
        identifier: this.identifier,
        engine: 'mysql',
        engineVersion: settings.engineVersion,
        instanceClass: settings.instanceClass,
        allocatedStorage: settings.allocatedStorageGb,
        maxAllocatedStorage: settings.maxAllocatedStorageGb,
        storageType: 'gp3',
        storageEncrypted: true,
        kmsKeyId: this.key.arn,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [network.databaseSecurityGroup.id],
        publiclyAccessible: false,
        port: mysqlPort,
        multiAz: settings.multiAz,
        deletionProtection: settings.deletionProtection,
        username: 'rtc_admin',
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: this.key.arn,
        parameterGroupName: parameterGroup.name,
        iamDatabaseAuthenticationEnabled: true,
        caCertIdentifier: 'rds-ca-rsa2048-g1',
        backupRetentionPeriod: settings.backupRetentionDays,
        backupWindow: '02:00-03:00',
        maintenanceWindow: 'sun:03:30-sun:04:30',
        copyTagsToSnapshot: true,
        skipFinalSnapshot: !settings.finalSnapshot,
        finalSnapshotIdentifier: settings.finalSnapshot ? `${this.identifier}-final` : undefined,
        autoMinorVersionUpgrade: true,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: this.key.arn,
        performanceInsightsRetentionPeriod: 7,
        enabledCloudwatchLogsExports: logExports,
        tags,
      },
      { parent: this, dependsOn: logGroups },
    );
    this.address = this.instance.address;
    this.port = this.instance.port;
    this.masterSecretArn = this.instance.masterUserSecrets.apply((secrets) => secrets[0]?.secretArn ?? '');

    this.serviceSecrets = args.services.map((service) => {
      // URL-safe characters: the passwords are embedded in DATABASE_URL.
      const password = new random.RandomPassword(`${name}-${service.name}`, { length: 32, special: false }, { parent: this });
      const migrationPassword = new random.RandomPassword(`${name}-${service.name}-migration`, { length: 32, special: false }, { parent: this });
      const migrationUsername = migrationUserOf(service.name);
      const secret = new aws.secretsmanager.Secret(
        `${name}-${service.name}`,
        {
          name: databaseSecretName(args.stack, service.name),
          description: `MySQL credentials of the ${service.name} subgraph and of its migrations (database ${service.database} only)`,
          kmsKeyId: this.key.arn,
          recoveryWindowInDays: 7,
          tags: { ...tags, service: service.name },
        },
        { parent: this },
      );
      new aws.secretsmanager.SecretVersion(
        `${name}-${service.name}`,
        {
          secretId: secret.id,
          secretString: pulumi.jsonStringify({
            username: service.name,
            password: password.result,
            host: this.address,
            port: mysqlPort,
            dbname: service.database,
            [databaseSecretKeys.runtime]: pulumi
              .all([password.result, this.address])
              .apply(([secret, host]) => databaseUrl(service.name, secret, host, service.database)),
            migrationUsername,
            migrationPassword: migrationPassword.result,
            [databaseSecretKeys.migration]: pulumi
              .all([migrationPassword.result, this.address])
              .apply(([secret, host]) => databaseUrl(migrationUsername, secret, host, service.database)),
          }),
        },
        { parent: this },
      );
      return { service: service.name, database: service.database, username: service.name, migrationUsername, secretArn: secret.arn, secretName: secret.name };
    });

    this.registerOutputs({ address: this.address });
  }
}
