// Provider inputs arrive untyped from the Pulumi engine; the mock passes them through as they come.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type * as pulumi from '@pulumi/pulumi';

/** One resource the program registered, with the inputs it passed. */
export interface CapturedResource {
  readonly type: string;
  readonly name: string;
  /** Inputs with secrets unwrapped, as the policy engine sees them. */
  readonly inputs: Record<string, any>;
  /** Top-level inputs the program marked secret. */
  readonly secretInputs: string[];
}

const secretSignature = '4dabf18193072939515e22adb298388d';

function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[secretSignature] !== undefined;
}

function unwrapSecrets(value: unknown): unknown {
  if (isSecret(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === 'object' && value !== null && !(value as { __pulumiResource?: boolean }).__pulumiResource) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, unwrapSecrets(inner)]));
  }
  return value;
}

export const account = '123456789012';
export const region = 'eu-west-1';
export const oidcIssuer = `oidc.eks.${region}.amazonaws.com/id/EXAMPLE0123456789`;
export const oidcProviderArn = `arn:aws:iam::${account}:oidc-provider/${oidcIssuer}`;
export const eksClusterSecurityGroupId = 'sg-eks-cluster';
/** Elastic Load Balancing's log delivery account in eu-west-1. */
export const elbAccount = '156460612806';

/** The ARN the mocks give an AWS resource of this type and physical name. */
export function arnOf(type: string, physicalName: string): string {
  const [, module = 'x', kind = 'x'] = type.split(/[:/]/);
  return `arn:aws:${module}:${region}:${account}:${kind}/${physicalName}`;
}

/** What AWS (or a remote component) would report back for a resource; the mocks echo inputs plus these. */
function outputsFor(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  const physicalName = inputs.name ?? name;
  const common = { arn: arnOf(type, physicalName), name: physicalName };
  switch (type) {
    case 'awsx:ec2:Vpc':
      return {
        vpcId: 'vpc-rtc',
        publicSubnetIds: ['subnet-public-a', 'subnet-public-b', 'subnet-public-c'],
        privateSubnetIds: ['subnet-private-a', 'subnet-private-b', 'subnet-private-c'],
        isolatedSubnetIds: ['subnet-data-a', 'subnet-data-b', 'subnet-data-c'],
      };
    case 'eks:index:Cluster':
      return {
        eksCluster: {
          name: inputs.name,
          arn: `arn:aws:eks:${region}:${account}:cluster/${inputs.name}`,
          vpcConfig: { clusterSecurityGroupId: eksClusterSecurityGroupId },
        },
        kubeconfigJson: JSON.stringify({ apiVersion: 'v1', kind: 'Config' }),
        oidcProviderArn,
        oidcIssuer,
      };
    case 'eks:index:ManagedNodeGroup':
      return { nodeGroup: { resources: [{ autoscalingGroups: [{ name: `eks-${name}-asg` }] }] } };
    case 'aws:kms/key:Key':
      return { ...common, keyId: `${name}-key-id`, arn: `arn:aws:kms:${region}:${account}:key/${name}` };
    case 'aws:rds/instance:Instance':
      return {
        ...common,
        address: `${inputs.identifier}.c0ffee.${region}.rds.amazonaws.com`,
        port: 3306,
        masterUserSecrets: [{ secretArn: `arn:aws:secretsmanager:${region}:${account}:secret:rds!db-master` }],
      };
    case 'aws:elasticache/replicationGroup:ReplicationGroup':
      return { ...common, primaryEndpointAddress: `master.${inputs.replicationGroupId}.cache.amazonaws.com` };
    case 'aws:lb/loadBalancer:LoadBalancer':
      return { ...common, arnSuffix: `app/${physicalName}/0123456789abcdef`, dnsName: `${physicalName}.elb.amazonaws.com`, zoneId: 'ZALB' };
    case 'aws:lb/targetGroup:TargetGroup':
      return { ...common, arnSuffix: `targetgroup/${physicalName}/fedcba9876543210` };
    case 'aws:ecr/repository:Repository':
      return { ...common, repositoryUrl: `${account}.dkr.ecr.${region}.amazonaws.com/${physicalName}` };
    case 'aws:secretsmanager/secret:Secret':
      return { ...common, arn: `arn:aws:secretsmanager:${region}:${account}:secret:${physicalName}-AbCdEf` };
    case 'aws:acm/certificate:Certificate':
      return {
        ...common,
        domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map((domainName: string) => ({
          domainName,
          resourceRecordName: `_x.${domainName}.`,
          resourceRecordType: 'CNAME',
          resourceRecordValue: '_y.acm-validations.aws.',
        })),
      };
    case 'aws:s3/bucket:Bucket':
      return { ...common, arn: `arn:aws:s3:::${inputs.bucket}`, bucket: inputs.bucket };
    case 'aws:route53/record:Record':
      return { fqdn: inputs.name };
    case 'aws:ec2/launchTemplate:LaunchTemplate':
      return { ...common, latestVersion: 1 };
    case 'random:index/randomPassword:RandomPassword':
      return { result: `mock-password-${name}` };
    default:
      return type.startsWith('aws:') ? common : {};
  }
}

/** Pulumi mocks that record every registered resource, in registration order. */
export function createMockCloud(): { mocks: pulumi.runtime.Mocks; resources: CapturedResource[] } {
  const resources: CapturedResource[] = [];
  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      const inputs = unwrapSecrets(args.inputs) as Record<string, any>;
      const secretInputs = Object.keys(args.inputs).filter((key) => isSecret(args.inputs[key]));
      resources.push({ type: args.type, name: args.name, inputs, secretInputs });
      return { id: `${args.name}-id`, state: { ...args.inputs, ...outputsFor(args.type, args.name, args.inputs) } };
    },
    call(args) {
      switch (args.token) {
        case 'aws:index/getAvailabilityZones:getAvailabilityZones':
          return { names: [`${region}a`, `${region}b`, `${region}c`], zoneIds: ['euw1-az1', 'euw1-az2', 'euw1-az3'] };
        case 'aws:index/getCallerIdentity:getCallerIdentity':
          return { accountId: account, arn: `arn:aws:iam::${account}:user/ops`, userId: 'ops' };
        case 'aws:index/getRegion:getRegion':
          return { name: region, region, id: region };
        case 'aws:index/getPartition:getPartition':
          return { partition: 'aws', dnsSuffix: 'amazonaws.com' };
        case 'aws:elb/getServiceAccount:getServiceAccount':
          return { id: elbAccount, arn: `arn:aws:iam::${elbAccount}:root` };
        case 'aws:ssm/getParameter:getParameter':
          return { name: args.inputs.name, value: 'ami-0a1b2c3d4e5f67890', type: 'String' };
        default:
          return {};
      }
    },
  };
  return { mocks, resources };
}
