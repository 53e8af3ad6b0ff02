import { describe, expect, it } from 'vitest';
import { policies } from '../policy/rules.js';
import { violationsOf } from './harness/run-policies.js';

const policyNames = (violations: { policy: string }[]) => [...new Set(violations.map((violation) => violation.policy))];

async function check(type: string, props: Record<string, unknown>, stack?: string) {
  return violationsOf({ type, name: 'deliberately-bad', props, ...(stack ? { stack } : {}) });
}

const oidcProvider = 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE';
const issuer = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE';
const trustPolicy = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const webIdentity = (condition?: Record<string, Record<string, string>>) => ({
  Effect: 'Allow',
  Principal: { Federated: oidcProvider },
  Action: 'sts:AssumeRoleWithWebIdentity',
  ...(condition ? { Condition: condition } : {}),
});

describe('the policy pack', () => {
  it('declares every rule mandatory', () => {
    expect(policies.length).toBeGreaterThanOrEqual(10);
    for (const policy of policies) expect(policy.enforcementLevel, policy.name).toBe('mandatory');
  });

  it('rejects a public, unencrypted RDS instance with a plain password and one day of backups', async () => {
    const violations = await check('aws:rds/instance:Instance', {
      engine: 'mysql',
      publiclyAccessible: true,
      storageEncrypted: false,
      backupRetentionPeriod: 1,
      password: 'hunter2',
    });
    expect(policyNames(violations)).toEqual(['rds-private-encrypted', 'rds-managed-master-password']);
    expect(violations.map((violation) => violation.message)).toEqual([
      'the database is publicly accessible',
      'storage is not encrypted',
      'storage is not encrypted with a customer managed KMS key',
      'automated backups are kept 1 days; keep 7 or more',
      'manageMasterUserPassword is off',
      'a master password is set in the program',
    ]);
  });

  it('accepts a private, KMS-encrypted RDS instance with a managed password', async () => {
    const violations = await check('aws:rds/instance:Instance', {
      publiclyAccessible: false,
      storageEncrypted: true,
      kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/x',
      backupRetentionPeriod: 7,
      manageMasterUserPassword: true,
    });
    expect(violations).toEqual([]);
  });

  it('rejects SSH or MySQL open to the internet, in every way a rule can be written', async () => {
    const ingressRule = await check('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule', {
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrIpv4: '0.0.0.0/0',
    });
    const legacyRule = await check('aws:ec2/securityGroupRule:SecurityGroupRule', {
      type: 'ingress',
      protocol: 'tcp',
      fromPort: 3306,
      toPort: 3306,
      cidrBlocks: ['0.0.0.0/0'],
    });
    const inline = await check('aws:ec2/securityGroup:SecurityGroup', {
      name: 'wide-open',
      ingress: [{ protocol: '-1', fromPort: 0, toPort: 0, ipv6CidrBlocks: ['::/0'] }],
    });
    for (const violations of [ingressRule, legacyRule, inline]) expect(policyNames(violations)).toEqual(['no-internet-ingress-but-https']);
  });

  it('accepts HTTPS from anywhere and any port from a referenced security group', async () => {
    expect(
      await check('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule', { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' }),
    ).toEqual([]);
    expect(
      await check('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule', {
        ipProtocol: 'tcp',
        fromPort: 3306,
        toPort: 3306,
        referencedSecurityGroupId: 'sg-1',
      }),
    ).toEqual([]);
  });

  it('rejects a mutable, unscanned ECR repository', async () => {
    const violations = await check('aws:ecr/repository:Repository', { imageTagMutability: 'MUTABLE' });
    expect(violations.map((violation) => violation.message)).toEqual(['image tags are mutable', 'images are not scanned on push']);
  });

  it('rejects a log group that keeps logs forever', async () => {
    expect(policyNames(await check('aws:cloudwatch/logGroup:LogGroup', { name: '/forever' }))).toEqual(['log-group-retention']);
  });

  it('rejects a KMS key without rotation', async () => {
    expect(policyNames(await check('aws:kms/key:Key', { enableKeyRotation: false }))).toEqual(['kms-key-rotation']);
  });

  it('rejects Redis without TLS, encryption at rest or AUTH', async () => {
    const violations = await check('aws:elasticache/replicationGroup:ReplicationGroup', {});
    expect(violations.map((violation) => violation.message)).toEqual(['TLS in transit is off', 'encryption at rest is off', 'no AUTH token or user group']);
  });

  it('rejects an instance with IMDSv1, a public address and an SSH key', async () => {
    const violations = await check('aws:ec2/instance:Instance', {
      associatePublicIpAddress: true,
      keyName: 'ops',
      metadataOptions: { httpTokens: 'optional' },
    });
    expect(violations).toHaveLength(3);
    expect(policyNames(await check('aws:ec2/launchTemplate:LaunchTemplate', {}))).toEqual(['imdsv2-only']);
  });

  it('rejects a plain HTTP listener and an HTTPS listener on an old TLS policy, but accepts a redirect to HTTPS', async () => {
    expect(policyNames(await check('aws:lb/listener:Listener', { protocol: 'HTTP', port: 80, defaultActions: [{ type: 'forward' }] }))).toEqual([
      'https-listeners-only',
    ]);
    expect(policyNames(await check('aws:lb/listener:Listener', { protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-2016-08' }))).toEqual([
      'https-listeners-only',
    ]);
    expect(await check('aws:lb/listener:Listener', { protocol: 'HTTP', defaultActions: [{ type: 'redirect', redirect: { protocol: 'HTTPS' } }] })).toEqual([]);
  });

  it('rejects a role policy that reads every secret or allows a whole service', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' },
        { Effect: 'Allow', Action: ['s3:*'], Resource: 'arn:aws:s3:::bucket' },
      ],
    });
    const violations = await check('aws:iam/rolePolicy:RolePolicy', { role: 'r', policy });
    expect(violations.map((violation) => violation.message)).toEqual([
      'secretsmanager:GetSecretValue on every resource; name the secret, key or repository',
      'a statement allows every action of a service (s3:*); list the actions it needs',
    ]);
  });

  it('rejects an EKS cluster without audit logs, secrets encryption or OIDC, whose API is open to the internet', async () => {
    const violations = await check('eks:index:Cluster', { enabledClusterLogTypes: ['api'], endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'] });
    expect(violations.map((violation) => violation.message)).toEqual([
      'control-plane log "audit" is not sent to CloudWatch',
      'control-plane log "authenticator" is not sent to CloudWatch',
      'Kubernetes secrets are not encrypted with a KMS key',
      'no OIDC provider, so no IAM roles for service accounts',
      'the public API endpoint is open to the whole internet',
    ]);
  });

  it('rejects an IRSA trust policy without a subject condition, or with a wildcard subject', async () => {
    const audienceOnly = await check('aws:iam/role:Role', {
      assumeRolePolicy: trustPolicy(webIdentity({ StringEquals: { [`${issuer}:aud`]: 'sts.amazonaws.com' } })),
    });
    expect(audienceOnly.map((violation) => [violation.policy, violation.message])).toEqual([
      ['workload-trust-names-its-subject', 'an IRSA trust statement has no condition on the token subject; any pod of the cluster may assume the role'],
    ]);
    const wildcard = await check('aws:iam/role:Role', {
      assumeRolePolicy: trustPolicy(webIdentity({ StringLike: { [`${issuer}:sub`]: 'system:serviceaccount:rtc:*' } })),
    });
    expect(wildcard.map((violation) => violation.message)).toEqual([
      'IRSA subject "system:serviceaccount:rtc:*" is not one ServiceAccount (system:serviceaccount:<namespace>:<name>)',
    ]);
    const scoped = await check('aws:iam/role:Role', {
      assumeRolePolicy: trustPolicy(
        webIdentity({ StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:rtc:orders', [`${issuer}:aud`]: 'sts.amazonaws.com' } }),
      ),
    });
    expect(scoped).toEqual([]);
  });

  it('rejects a Pod Identity trust policy that does not name the namespace and ServiceAccount', async () => {
    const podIdentity = { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] };
    const open = await check('aws:iam/role:Role', { assumeRolePolicy: trustPolicy(podIdentity) });
    expect(open.map((violation) => violation.message)).toEqual([
      'a Pod Identity trust statement has no condition on aws:RequestTag/kubernetes-namespace; any associated pod may assume the role',
      'a Pod Identity trust statement has no condition on aws:RequestTag/kubernetes-service-account; any associated pod may assume the role',
    ]);
    const scoped = await check('aws:iam/role:Role', {
      assumeRolePolicy: trustPolicy({
        ...podIdentity,
        Condition: { StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'rtc', 'aws:RequestTag/kubernetes-service-account': 'orders' } },
      }),
    });
    expect(scoped).toEqual([]);
  });

  it('rejects administrator policies however they are attached, and cluster-wide EKS administration', async () => {
    const attachments = await Promise.all([
      check('aws:iam/rolePolicyAttachment:RolePolicyAttachment', { role: 'ci', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
      check('aws:iam/userPolicyAttachment:UserPolicyAttachment', { user: 'ops', policyArn: 'arn:aws:iam::aws:policy/IAMFullAccess' }),
      check('aws:iam/groupPolicyAttachment:GroupPolicyAttachment', { group: 'devs', policyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' }),
      check('aws:iam/role:Role', { assumeRolePolicy: trustPolicy(), managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] }),
      check('aws:eks/accessPolicyAssociation:AccessPolicyAssociation', {
        policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
        accessScope: { type: 'cluster' },
      }),
    ]);
    for (const violations of attachments) expect(policyNames(violations)).toEqual(['no-administrator-policies']);
    expect(
      await check('aws:iam/rolePolicyAttachment:RolePolicyAttachment', { role: 'x', policyArn: 'arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess' }),
    ).toEqual([]);
  });

  it('rejects production resources without deletion protection or Multi-AZ, and lets other stacks go without', async () => {
    const database = {
      publiclyAccessible: false,
      storageEncrypted: true,
      kmsKeyId: 'k',
      backupRetentionPeriod: 7,
      manageMasterUserPassword: true,
      multiAz: false,
      deletionProtection: false,
    };
    expect((await check('aws:rds/instance:Instance', database, 'prod')).map((violation) => violation.message)).toEqual([
      'the production database has no deletion protection',
      'the production database is not Multi-AZ',
    ]);
    expect(await check('aws:rds/instance:Instance', database, 'dev')).toEqual([]);
    const cluster = {
      enabledClusterLogTypes: ['api', 'audit', 'authenticator'],
      encryptionConfigKeyArn: 'k',
      createOidcProvider: true,
      endpointPublicAccess: false,
    };
    expect((await check('eks:index:Cluster', { ...cluster, deletionProtection: false }, 'prod')).map((violation) => violation.message)).toEqual([
      'the production cluster has no deletion protection',
    ]);
    const loadBalancer = { accessLogs: { enabled: true, bucket: 'logs' }, enableDeletionProtection: false };
    expect(policyNames(await check('aws:lb/loadBalancer:LoadBalancer', loadBalancer, 'prod'))).toEqual(['production-protected']);
    const redis = { transitEncryptionEnabled: true, atRestEncryptionEnabled: true, authToken: 't', multiAzEnabled: false, automaticFailoverEnabled: false };
    expect(policyNames(await check('aws:elasticache/replicationGroup:ReplicationGroup', redis, 'prod'))).toEqual(['production-protected']);
  });

  it('rejects a load balancer without access logs', async () => {
    const violations = await check('aws:lb/loadBalancer:LoadBalancer', { loadBalancerType: 'application', accessLogs: { enabled: false, bucket: 'logs' } });
    expect(violations.map((violation) => [violation.policy, violation.message])).toEqual([
      ['load-balancer-access-logs', 'access logs are off; send them to the access log bucket'],
    ]);
    expect(await check('aws:lb/loadBalancer:LoadBalancer', { loadBalancerType: 'application' })).toHaveLength(1);
  });

  it('leaves resources it has no rule for alone', async () => {
    expect(await check('aws:sns/topic:Topic', { name: 't' })).toEqual([]);
  });
});
