import * as aws from '@pulumi/aws';
import { validateResourceOfType, type ReportViolation, type ResourceValidationArgs, type ResourceValidationPolicy } from '@pulumi/policy';

const anywhere = ['0.0.0.0/0', '::/0'];
const httpsPort = 443;

interface IngressShape {
  fromPort?: number;
  toPort?: number;
  protocol?: string;
  ipProtocol?: string;
  cidrBlocks?: string[];
  ipv6CidrBlocks?: string[];
  cidrIpv4?: string;
  cidrIpv6?: string;
}

/** An ingress from the whole internet is acceptable only as HTTPS (443/tcp) to the load balancer. */
function checkIngress(rule: IngressShape, where: string, report: ReportViolation): void {
  const cidrs = [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? []), rule.cidrIpv4, rule.cidrIpv6];
  if (!cidrs.some((cidr) => cidr !== undefined && anywhere.includes(cidr))) return;
  const protocol = rule.ipProtocol ?? rule.protocol;
  if (protocol === 'tcp' && rule.fromPort === httpsPort && rule.toPort === httpsPort) return;
  report(`${where} opens ${protocol ?? '?'} ${rule.fromPort ?? 'all'}-${rule.toPort ?? 'all'} to the internet; only HTTPS (443/tcp) may be`);
}

interface PolicyStatement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
  Principal?: string | Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}

function statementsOf(policy: unknown): PolicyStatement[] {
  const document = typeof policy === 'string' ? (JSON.parse(policy) as { Statement?: unknown }) : (policy as { Statement?: unknown });
  const statements = document?.Statement;
  return Array.isArray(statements) ? (statements as PolicyStatement[]) : statements ? [statements as PolicyStatement] : [];
}

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Actions that must name their resources: reading a secret or decrypting with a key is never for "*". */
const sensitiveActions = ['secretsmanager:GetSecretValue', 'kms:Decrypt', 'ecr:PutImage', 'eks:*'];

function checkPolicyDocument(policy: unknown, report: ReportViolation): void {
  for (const statement of statementsOf(policy)) {
    if (statement.Effect !== 'Allow') continue;
    const actions = asList(statement.Action);
    const resources = asList(statement.Resource);
    if (actions.some((action) => action === '*' || action.endsWith(':*'))) {
      report(`a statement allows every action of a service (${actions.join(', ')}); list the actions it needs`);
    }
    if (resources.includes('*') && actions.some((action) => sensitiveActions.includes(action))) {
      report(`${actions.join(', ')} on every resource; name the secret, key or repository`);
    }
  }
}

/** Managed policies that hand out the whole account (or its IAM, which amounts to the same). */
export const administratorPolicyArns = [
  'arn:aws:iam::aws:policy/AdministratorAccess',
  'arn:aws:iam::aws:policy/PowerUserAccess',
  'arn:aws:iam::aws:policy/IAMFullAccess',
];
/** EKS access policies that administer the whole cluster. */
export const clusterAdminAccessPolicies = [
  'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
  'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy',
];

function checkAdministratorPolicy(policyArn: string | undefined, report: ReportViolation): void {
  if (policyArn && administratorPolicyArns.includes(policyArn)) report(`${policyArn} is attached; grant the actions the principal needs`);
}

const conditionKeysOf = (statement: PolicyStatement): string[] => Object.values(statement.Condition ?? {}).flatMap((test) => Object.keys(test));
const conditionValuesOf = (statement: PolicyStatement, keySuffix: string): string[] =>
  Object.values(statement.Condition ?? {}).flatMap((test) =>
    Object.entries(test)
      .filter(([key]) => key.endsWith(keySuffix))
      .flatMap(([, value]) => asList(value)),
  );

/**
 * A role that a Kubernetes workload assumes must name which one: IRSA (web identity from the cluster's OIDC provider)
 * by the token's `sub` (system:serviceaccount:<namespace>:<name>, no wildcard), Pod Identity by the session tags of the
 * namespace and the ServiceAccount. Otherwise every pod of the cluster may assume it.
 */
function checkWorkloadTrust(policy: unknown, report: ReportViolation): void {
  for (const statement of statementsOf(policy)) {
    if (statement.Effect !== 'Allow' || typeof statement.Principal !== 'object') continue;
    const actions = asList(statement.Action);
    const federated = asList(statement.Principal.Federated);
    if (actions.includes('sts:AssumeRoleWithWebIdentity') && federated.some((principal) => principal.includes(':oidc-provider/'))) {
      const subjects = conditionValuesOf(statement, ':sub');
      if (subjects.length === 0) report('an IRSA trust statement has no condition on the token subject; any pod of the cluster may assume the role');
      for (const subject of subjects) {
        if (!/^system:serviceaccount:[^:*?]+:[^:*?]+$/.test(subject))
          report(`IRSA subject "${subject}" is not one ServiceAccount (system:serviceaccount:<namespace>:<name>)`);
      }
    }
    if (asList(statement.Principal.Service).includes('pods.eks.amazonaws.com')) {
      const keys = conditionKeysOf(statement);
      for (const tag of ['aws:RequestTag/kubernetes-namespace', 'aws:RequestTag/kubernetes-service-account']) {
        if (!keys.includes(tag)) report(`a Pod Identity trust statement has no condition on ${tag}; any associated pod may assume the role`);
      }
    }
  }
}

/** The stack a resource belongs to, from its URN (`urn:pulumi:<stack>::<project>::...`). */
const stackOf = (urn: string): string => urn.split(':')[2] ?? '';
/** Production stacks: `prod` and any stack whose name starts with it. */
const isProduction = (urn: string): boolean => stackOf(urn).startsWith('prod');

/** RTC's rules for its AWS stacks. The tests run them over every resource of both stacks. */
export const policies: ResourceValidationPolicy[] = [
  {
    name: 'rds-private-encrypted',
    description: 'RDS instances are not public, are encrypted with a KMS key, and keep backups for 7 days or more.',
    enforcementLevel: 'mandatory',
    validateResource: validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
      if (db.publiclyAccessible) report('the database is publicly accessible');
      if (!db.storageEncrypted) report('storage is not encrypted');
      if (!db.kmsKeyId) report('storage is not encrypted with a customer managed KMS key');
      if ((db.backupRetentionPeriod ?? 0) < 7) report(`automated backups are kept ${db.backupRetentionPeriod ?? 0} days; keep 7 or more`);
    }),
  },
  {
    name: 'rds-managed-master-password',
    description: 'The master password is managed by RDS in Secrets Manager, never passed in.',
    enforcementLevel: 'mandatory',
    validateResource: validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
      if (!db.manageMasterUserPassword) report('manageMasterUserPassword is off');
      if (db.password) report('a master password is set in the program');
    }),
  },
  {
    name: 'no-internet-ingress-but-https',
    description: 'No security group accepts traffic from 0.0.0.0/0 or ::/0 except HTTPS on 443.',
    enforcementLevel: 'mandatory',
    validateResource: [
      validateResourceOfType(aws.vpc.SecurityGroupIngressRule, (rule, _args, report) =>
        checkIngress({ ...rule, fromPort: rule.fromPort, toPort: rule.toPort }, 'an ingress rule', report),
      ),
      validateResourceOfType(aws.ec2.SecurityGroupRule, (rule, _args, report) => {
        if (rule.type === 'ingress') checkIngress(rule, 'a security group rule', report);
      }),
      validateResourceOfType(aws.ec2.SecurityGroup, (group, _args, report) => {
        for (const rule of group.ingress ?? []) checkIngress(rule, `security group ${group.name ?? ''}`, report);
      }),
    ],
  },
  {
    name: 'ecr-immutable-scanned',
    description: 'ECR repositories have immutable tags and scan images on push.',
    enforcementLevel: 'mandatory',
    validateResource: validateResourceOfType(aws.ecr.Repository, (repository, _args, report) => {
      if (repository.imageTagMutability !== 'IMMUTABLE') report('image tags are mutable');
      if (!repository.imageScanningConfiguration?.scanOnPush) report('images are not scanned on push');
    }),
  },
  {
    name: 'log-group-retention',
    description: 'Every CloudWatch log group has a retention period.',
    enforcementLevel: 'mandatory',
    validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, _args, report) => {
      if (!group.retentionInDays) report(`log group ${group.name ?? ''} keeps logs forever; set retentionInDays`);
    }),
  },
  {
    name: 'kms-key-rotation',
    description: 'Customer managed KMS keys rotate yearly.',
    enforcementLevel: 'mandatory',
    validateResource: validateResourceOfType(aws.kms.Key, (key, _args, report) => {
      if (!key.enableKeyRotation) report('key rotation is off');
    }),
  },
  {
    name: 'redis-encrypted-with-auth',
    description: 'ElastiCache encrypts in transit and at rest and requires an AUTH token.',
    enforcementLevel: 'mandatory',
    validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (group, _args, report) => {
      if (!group.transitEncryptionEnabled) report('TLS in transit is off');
      if (!group.atRestEncryptionEnabled) report('encryption at rest is off');
      if (!group.authToken && !group.userGroupIds?.length) report('no AUTH token or user group');
    }),
  },
  {
    name: 'imdsv2-only',
    description: 'Instances and launch templates require IMDSv2 tokens; instances get no public address.',
    enforcementLevel: 'mandatory',
    validateResource: [
      validateResourceOfType(aws.ec2.Instance, (instance, _args, report) => {
        if (instance.metadataOptions?.httpTokens !== 'required') report('IMDSv1 is allowed');
        if (instance.associatePublicIpAddress) report('the instance has a public IP address');
        if (instance.keyName) report('an SSH key pair is attached; use Session Manager');
      }),
      validateResourceOfType(aws.ec2.LaunchTemplate, (template, _args, report) => {
        if (template.metadataOptions?.httpTokens !== 'required') report('IMDSv1 is allowed');
      }),
    ],
  },
  {
    name: 'https-listeners-only',
    description: 'Load balancer listeners speak HTTPS with a TLS 1.2+ policy.',
    enforcementLevel: 'mandatory',
    validateResource: validateResourceOfType(aws.lb.Listener, (listener, _args, report) => {
      const redirectsToHttps = listener.defaultActions?.every((action) => action.type === 'redirect' && action.redirect?.protocol === 'HTTPS');
      if (listener.protocol !== 'HTTPS' && !redirectsToHttps) report(`a ${listener.protocol ?? 'HTTP'} listener serves traffic in clear text`);
      if (listener.protocol === 'HTTPS' && !listener.sslPolicy?.startsWith('ELBSecurityPolicy-TLS13')) {
        report(`TLS policy ${listener.sslPolicy ?? '(default)'} is not a TLS 1.3/1.2 policy`);
      }
    }),
  },
  {
    name: 'least-privilege-iam',
    description: 'Inline policies name their actions, and never read secrets, decrypt or push images on every resource.',
    enforcementLevel: 'mandatory',
    validateResource: [
      validateResourceOfType(aws.iam.RolePolicy, (policy, _args, report) => checkPolicyDocument(policy.policy, report)),
      validateResourceOfType(aws.iam.Policy, (policy, _args, report) => checkPolicyDocument(policy.policy, report)),
    ],
  },
  {
    name: 'workload-trust-names-its-subject',
    description: 'IRSA trust policies name one ServiceAccount in a sub condition; Pod Identity trust policies condition on namespace and ServiceAccount tags.',
    enforcementLevel: 'mandatory',
    validateResource: validateResourceOfType(aws.iam.Role, (role, _args, report) => checkWorkloadTrust(role.assumeRolePolicy, report)),
  },
  {
    name: 'no-administrator-policies',
    description: 'No principal gets AdministratorAccess, PowerUserAccess or IAMFullAccess, nor administers the whole EKS cluster.',
    enforcementLevel: 'mandatory',
    validateResource: [
      validateResourceOfType(aws.iam.RolePolicyAttachment, (attachment, _args, report) => checkAdministratorPolicy(attachment.policyArn, report)),
      validateResourceOfType(aws.iam.UserPolicyAttachment, (attachment, _args, report) => checkAdministratorPolicy(attachment.policyArn, report)),
      validateResourceOfType(aws.iam.GroupPolicyAttachment, (attachment, _args, report) => checkAdministratorPolicy(attachment.policyArn, report)),
      validateResourceOfType(aws.iam.PolicyAttachment, (attachment, _args, report) => checkAdministratorPolicy(attachment.policyArn, report)),
      validateResourceOfType(aws.iam.Role, (role, _args, report) => {
        for (const policyArn of role.managedPolicyArns ?? []) checkAdministratorPolicy(policyArn, report);
      }),
      validateResourceOfType(aws.eks.AccessPolicyAssociation, (association, _args, report) => {
        if (clusterAdminAccessPolicies.includes(association.policyArn) && association.accessScope?.type === 'cluster') {
          report(`${association.policyArn} over the whole cluster; scope the entry to its namespaces with a narrower policy`);
        }
      }),
    ],
  },
  {
    name: 'production-protected',
    description: 'In production, the database, the cluster and the load balancer have deletion protection; RDS and Redis are Multi-AZ.',
    enforcementLevel: 'mandatory',
    validateResource: [
      validateResourceOfType(aws.rds.Instance, (db, args, report) => {
        if (!isProduction(args.urn)) return;
        if (!db.deletionProtection) report('the production database has no deletion protection');
        if (!db.multiAz) report('the production database is not Multi-AZ');
      }),
      validateResourceOfType(aws.lb.LoadBalancer, (loadBalancer, args, report) => {
        if (isProduction(args.urn) && !loadBalancer.enableDeletionProtection) report('the production load balancer has no deletion protection');
      }),
      validateResourceOfType(aws.elasticache.ReplicationGroup, (group, args, report) => {
        if (isProduction(args.urn) && (!group.multiAzEnabled || !group.automaticFailoverEnabled))
          report('production Redis is not Multi-AZ with automatic failover');
      }),
      (args: ResourceValidationArgs, report: ReportViolation) => {
        if (args.type !== 'eks:index:Cluster' || !isProduction(args.urn)) return;
        if (!(args.props as { deletionProtection?: boolean }).deletionProtection) report('the production cluster has no deletion protection');
      },
    ],
  },
  {
    name: 'load-balancer-access-logs',
    description: 'Every load balancer writes access logs to a bucket.',
    enforcementLevel: 'mandatory',
    validateResource: validateResourceOfType(aws.lb.LoadBalancer, (loadBalancer, _args, report) => {
      if (!loadBalancer.accessLogs?.enabled || !loadBalancer.accessLogs.bucket) report('access logs are off; send them to the access log bucket');
    }),
  },
  {
    name: 'eks-hardened',
    description: 'EKS: every control-plane log, KMS secrets encryption, an OIDC provider, and no API endpoint open to the internet.',
    enforcementLevel: 'mandatory',
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      if (args.type !== 'eks:index:Cluster') return args.notApplicable('not an EKS cluster component');
      const cluster = args.props as {
        enabledClusterLogTypes?: string[];
        encryptionConfigKeyArn?: string;
        createOidcProvider?: boolean;
        endpointPublicAccess?: boolean;
        publicAccessCidrs?: string[];
      };
      for (const log of ['api', 'audit', 'authenticator']) {
        if (!cluster.enabledClusterLogTypes?.includes(log)) report(`control-plane log "${log}" is not sent to CloudWatch`);
      }
      if (!cluster.encryptionConfigKeyArn) report('Kubernetes secrets are not encrypted with a KMS key');
      if (!cluster.createOidcProvider) report('no OIDC provider, so no IAM roles for service accounts');
      const publicEndpoint = cluster.endpointPublicAccess ?? true;
      if (publicEndpoint && (!cluster.publicAccessCidrs?.length || cluster.publicAccessCidrs.some((cidr) => anywhere.includes(cidr)))) {
        report('the public API endpoint is open to the whole internet');
      }
    },
  },
];
