import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { RtcService } from '../services.js';
import type { ServiceDatabaseSecret } from './database.js';
import { irsaTrustPolicy, irsaTrustStatement, policyDocument, type OidcProvider, type ServiceAccountRef } from './iam-documents.js';

export interface IamArgs {
  readonly prefix: string;
  readonly services: readonly RtcService[];
  /** Namespace of the services' ServiceAccounts (named after the services). */
  readonly workloadNamespace: string;
  readonly oidc: OidcProvider;
  /** Each subgraph's database secret; a service role may read its own and no other. */
  readonly databaseSecrets: readonly ServiceDatabaseSecret[];
  /** The KMS key that encrypts the database secrets. */
  readonly secretsKeyArn: pulumi.Input<string>;
  /** What CI pushes to. */
  readonly repositoryArns: pulumi.Input<string>[];
  /** What CI deploys to. */
  readonly clusterName: pulumi.Input<string>;
  readonly clusterArn: pulumi.Input<string>;
  /** Namespaces CI may change: the workloads and its own build agents. */
  readonly ciNamespaces: string[];
  /** The ServiceAccount of the Jenkins build agent pods, which act as the CI role. */
  readonly ciAgentServiceAccount: ServiceAccountRef;
  readonly tags: Record<string, string>;
}

/** What pushing an image to ECR takes (plus GetAuthorizationToken, which has no resource). */
export const ecrPushActions = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchGetImage',
  'ecr:CompleteLayerUpload',
  'ecr:DescribeImages',
  'ecr:GetDownloadUrlForLayer',
  'ecr:InitiateLayerUpload',
  'ecr:PutImage',
  'ecr:UploadLayerPart',
];

/** Session Manager reaches the Jenkins controller only if its instance role carries this policy. */
export const sessionManagerPolicyArn = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';

/** The EKS access policy CI holds, scoped to its namespaces: deploy workloads, no RBAC or cluster-wide rights. */
export const ciAccessPolicyArn = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy';
/** Kubernetes group of the CI role: RBAC in RTC's namespace grants it what the EKS edit policy lacks (ServiceMonitors). */
export const ciKubernetesGroup = 'rtc-ci-releasers';

/**
 * IAM for workloads and CI: one IRSA role per service that reads only that service's database secret (the
 * gateway reads none), and a CI role (the Jenkins instance profile and its agent pods) that can push to the
 * RTC repositories and deploy into its namespaces of the cluster, nothing more.
 */
export class Iam extends pulumi.ComponentResource {
  readonly serviceRoles: Record<string, aws.iam.Role>;
  readonly ciRole: aws.iam.Role;
  readonly ciInstanceProfile: aws.iam.InstanceProfile;

  constructor(name: string, args: IamArgs, opts?: pulumi.ComponentResourceOptions) {
    super('rtc:iam:Iam', name, {}, opts);
    const { prefix, tags } = args;
    const region = aws.getRegionOutput({}, { parent: this }).region;

    this.serviceRoles = Object.fromEntries(
      args.services.map((service) => {
        const role = new aws.iam.Role(
          `${name}-${service.name}`,
          {
            name: `${prefix}-svc-${service.name}`,
            description: `IRSA role of the ${service.name} ServiceAccount`,
            assumeRolePolicy: irsaTrustPolicy(args.oidc, { namespace: args.workloadNamespace, name: service.name }),
            tags: { ...tags, service: service.name },
          },
          { parent: this },
        );
        const secret = args.databaseSecrets.find((candidate) => candidate.service === service.name);
        if (secret) {
          new aws.iam.RolePolicy(
            `${name}-${service.name}-secret`,
            {
              role: role.id,
              name: 'read-own-database-secret',
              policy: policyDocument([
                {
                  Sid: 'ReadOwnDatabaseSecret',
                  Effect: 'Allow',
                  Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
                  Resource: secret.secretArn,
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
        }
        return [service.name, role];
      }),
    );

    this.ciRole = new aws.iam.Role(
      `${name}-ci`,
      {
        name: `${prefix}-ci`,
        description: 'Jenkins: push RTC images to ECR and deploy to the RTC namespaces of EKS',
        assumeRolePolicy: policyDocument([
          { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
          irsaTrustStatement(args.oidc, args.ciAgentServiceAccount),
        ]),
        tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-ci`,
      {
        role: this.ciRole.id,
        name: 'push-images-and-deploy',
        policy: policyDocument([
          { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
          { Sid: 'PushRtcImages', Effect: 'Allow', Action: ecrPushActions, Resource: args.repositoryArns },
          { Sid: 'FindCluster', Effect: 'Allow', Action: 'eks:DescribeCluster', Resource: args.clusterArn },
        ]),
      },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachment(`${name}-ci-ssm`, { role: this.ciRole.name, policyArn: sessionManagerPolicyArn }, { parent: this });
    this.ciInstanceProfile = new aws.iam.InstanceProfile(`${name}-ci`, { name: `${prefix}-ci`, role: this.ciRole.name, tags }, { parent: this });

    const ciAccess = new aws.eks.AccessEntry(
      `${name}-ci`,
      { clusterName: args.clusterName, principalArn: this.ciRole.arn, type: 'STANDARD', kubernetesGroups: [ciKubernetesGroup], tags },
      { parent: this },
    );
    new aws.eks.AccessPolicyAssociation(
      `${name}-ci`,
      {
        clusterName: args.clusterName,
        principalArn: this.ciRole.arn,
        policyArn: ciAccessPolicyArn,
        accessScope: { type: 'namespace', namespaces: args.ciNamespaces },
      },
      { parent: this, dependsOn: [ciAccess] },
    );

    this.registerOutputs({ ciRoleArn: this.ciRole.arn });
  }
}
