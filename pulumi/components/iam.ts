import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { pipelineIdentities } from '@rtc/manifests';
import type { RtcService } from '../services.js';
import type { ServiceDatabaseSecret } from './database.js';
import { irsaTrustPolicy, irsaTrustStatement, policyDocument, serviceTrustPolicy, type OidcProvider, type Statement } from './iam-documents.js';

export interface IamArgs {
  readonly prefix: string;
  readonly services: readonly RtcService[];
  /** Namespace of the services' ServiceAccounts (named after the services). */
  readonly workloadNamespace: string;
  readonly oidc: OidcProvider;
  /** Each subgraph's database secret; a service role may read its own and no other. */
  readonly databaseSecrets: readonly ServiceDatabaseSecret[];
  /** The secret every service reads (JWT_SECRET, INTERNAL_TOKEN, REDIS_URL). */
  readonly platformSecretArn: pulumi.Input<string>;
  /** The KMS key that encrypts the database and platform secrets. */
  readonly secretsKeyArn: pulumi.Input<string>;
  /** What the deploy step pushes to. */
  readonly repositoryArns: pulumi.Input<string>[];
  /** What the deploy step deploys to. */
  readonly clusterName: pulumi.Input<string>;
  readonly clusterArn: pulumi.Input<string>;
  /**
   * The OIDC issuer (without https://) of the cluster whose pipeline promotes releases into this stack: its deploy
   * ServiceAccount may then assume this stack's deploy role too. Absent on a stack nothing promotes into.
   */
  readonly promotionSourceIssuer?: string | undefined;
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

/** The EKS access policy a namespace-scoped entry holds: workloads, no RBAC or cluster-wide rights. */
export const namespaceEditPolicyArn = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy';
/** Kubernetes group of the deploy role: RBAC in RTC's namespace grants it the custom resources the edit policy lacks. */
export const deployKubernetesGroup = 'rtc-deployers';

/**
 * IAM for workloads and the pipeline. One IRSA role per service that reads only its own database secret and the
 * platform secret (the gateway: the platform secret alone). The Jenkins controller's instance role may use Session
 * Manager and launch agent pods in its two namespaces, nothing in AWS; build agents of any branch run with no role at
 * all. The deploy role, assumable only from the deploy namespace's ServiceAccount that main's deploy step runs as,
 * pushes to the RTC repositories and applies the release overlay to RTC's namespace.
 */
export class Iam extends pulumi.ComponentResource {
  readonly serviceRoles: Record<string, aws.iam.Role>;
  readonly jenkinsControllerRole: aws.iam.Role;
  readonly jenkinsInstanceProfile: aws.iam.InstanceProfile;
  readonly deployRole: aws.iam.Role;

  constructor(name: string, args: IamArgs, opts?: pulumi.ComponentResourceOptions) {
    super('rtc:iam:Iam', name, {}, opts);
    const { prefix, tags } = args;
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const decryptThroughSecretsManager: Statement = {
      Sid: 'DecryptThroughSecretsManager',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: args.secretsKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': pulumi.interpolate`secretsmanager.${region}.amazonaws.com` } },
    };

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
        const databaseSecret = args.databaseSecrets.find((candidate) => candidate.service === service.name);
        new aws.iam.RolePolicy(
          `${name}-${service.name}-secret`,
          {
            role: role.id,
            name: 'read-own-secrets',
            policy: policyDocument([
              {
                Sid: 'ReadOwnSecrets',
                Effect: 'Allow',
                Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
                Resource: databaseSecret ? [args.platformSecretArn, databaseSecret.secretArn] : [args.platformSecretArn],
              },
              decryptThroughSecretsManager,
            ]),
          },
          { parent: this },
        );
        return [service.name, role];
      }),
    );

    this.jenkinsControllerRole = new aws.iam.Role(
      `${name}-jenkins-controller`,
      {
        name: `${prefix}-jenkins-controller`,
        description: 'Jenkins controller: Session Manager and agent pods in its namespaces; no AWS rights beyond',
        assumeRolePolicy: serviceTrustPolicy('ec2.amazonaws.com'),
        tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-jenkins-controller-ssm`,
      { role: this.jenkinsControllerRole.name, policyArn: sessionManagerPolicyArn },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-jenkins-controller`,
      {
        role: this.jenkinsControllerRole.id,
        name: 'find-cluster',
        policy: policyDocument([{ Sid: 'FindCluster', Effect: 'Allow', Action: 'eks:DescribeCluster', Resource: args.clusterArn }]),
      },
      { parent: this },
    );
    this.jenkinsInstanceProfile = new aws.iam.InstanceProfile(
      `${name}-jenkins-controller`,
      { name: `${prefix}-jenkins-controller`, role: this.jenkinsControllerRole.name, tags },
      { parent: this },
    );
    const controllerAccess = new aws.eks.AccessEntry(
      `${name}-jenkins-controller`,
      { clusterName: args.clusterName, principalArn: this.jenkinsControllerRole.arn, type: 'STANDARD', tags },
      { parent: this },
    );
    new aws.eks.AccessPolicyAssociation(
      `${name}-jenkins-controller`,
      {
        clusterName: args.clusterName,
        principalArn: this.jenkinsControllerRole.arn,
        policyArn: namespaceEditPolicyArn,
        accessScope: { type: 'namespace', namespaces: [pipelineIdentities.build.namespace, pipelineIdentities.deploy.namespace] },
      },
      { parent: this, dependsOn: [controllerAccess] },
    );

    const deployer = { namespace: pipelineIdentities.deploy.namespace, name: pipelineIdentities.deploy.serviceAccount };
    const deployTrustStatements = [irsaTrustStatement(args.oidc, deployer)];
    if (args.promotionSourceIssuer) {
      // The source cluster's identity provider, registered in this account so its tokens are accepted here.
      const source = new aws.iam.OpenIdConnectProvider(
        `${name}-promotion-source`,
        { url: `https://${args.promotionSourceIssuer}`, clientIdLists: ['sts.amazonaws.com'], tags },
        { parent: this },
      );
      deployTrustStatements.push(irsaTrustStatement({ arn: source.arn, issuer: args.promotionSourceIssuer }, deployer));
    }
    this.deployRole = new aws.iam.Role(
      `${name}-deploy`,
      {
        name: `${prefix}-deploy`,
        description: "main's deploy step: push RTC images to ECR and apply the release overlay to RTC's namespace",
        assumeRolePolicy: policyDocument(deployTrustStatements),
        maxSessionDuration: 3600,
        tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-deploy`,
      {
        role: this.deployRole.id,
        name: 'push-images-and-deploy',
        policy: policyDocument([
          { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
          { Sid: 'PushRtcImages', Effect: 'Allow', Action: ecrPushActions, Resource: args.repositoryArns },
          { Sid: 'FindCluster', Effect: 'Allow', Action: 'eks:DescribeCluster', Resource: args.clusterArn },
        ]),
      },
      { parent: this },
    );
    const deployAccess = new aws.eks.AccessEntry(
      `${name}-deploy`,
      { clusterName: args.clusterName, principalArn: this.deployRole.arn, type: 'STANDARD', kubernetesGroups: [deployKubernetesGroup], tags },
      { parent: this },
    );
    new aws.eks.AccessPolicyAssociation(
      `${name}-deploy`,
      {
        clusterName: args.clusterName,
        principalArn: this.deployRole.arn,
        policyArn: namespaceEditPolicyArn,
        accessScope: { type: 'namespace', namespaces: [args.workloadNamespace] },
      },
      { parent: this, dependsOn: [deployAccess] },
    );

    this.registerOutputs({ deployRoleArn: this.deployRole.arn });
  }
}
