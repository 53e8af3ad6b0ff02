import * as aws from '@pulumi/aws';
import * as eks from '@pulumi/eks';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { ClusterSettings } from '../config.js';
import { irsaTrustPolicy, serviceTrustPolicy, type OidcProvider } from './iam-documents.js';
import type { Network } from './network.js';

export interface ClusterArgs {
  readonly prefix: string;
  readonly settings: ClusterSettings;
  readonly network: Network;
  /** Retention of the control-plane log group. */
  readonly logRetentionDays: number;
  readonly tags: Record<string, string>;
}

/** Every control-plane log type EKS can send to CloudWatch. */
export const controlPlaneLogTypes = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

/** EKS standard support only: a version past it fails the upgrade policy instead of silently billing extended support. */
export const upgradeSupportType = 'STANDARD';

const clusterPolicies = [
  'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy',
  // Security groups for pods: the control plane manages the trunk and branch interfaces.
  'arn:aws:iam::aws:policy/AmazonEKSVPCResourceController',
];

const nodePolicies = [
  'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
  'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
  'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
];

/**
 * EKS with access entries (no aws-auth ConfigMap), secrets envelope-encrypted with a KMS key, every
 * control-plane log in CloudWatch, an OIDC provider for IRSA, the public endpoint limited to the
 * configured CIDRs, and managed node groups in the private subnets behind a launch template that
 * enforces IMDSv2 and encrypted volumes.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly oidc: OidcProvider;
  /** The security group EKS creates for the control plane and attaches to every node. */
  readonly clusterSecurityGroupId: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  /** The Auto Scaling group behind each managed node group, for node CPU alarms. */
  readonly nodeAutoScalingGroups: { readonly nodeGroup: string; readonly name: pulumi.Output<string> }[];
  readonly secretsKey: aws.kms.Key;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('rtc:cluster:Cluster', name, {}, opts);
    const { prefix, settings, network, tags } = args;
    const clusterName = prefix;

    this.secretsKey = new aws.kms.Key(
      `${name}-secrets`,
      {
        description: `${prefix} EKS secrets envelope encryption`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
      },
      { parent: this },
    );
    new aws.kms.Alias(`${name}-secrets`, { name: `alias/${prefix}-eks-secrets`, targetKeyId: this.secretsKey.keyId }, { parent: this });

    // EKS writes to this group when it exists, so creating it first sets the retention.
    const controlPlaneLogs = new aws.cloudwatch.LogGroup(
      `${name}-control-plane`,
      { name: `/aws/eks/${clusterName}/cluster`, retentionInDays: args.logRetentionDays, tags },
      { parent: this },
    );

    const serviceRole = new aws.iam.Role(
      `${name}-control-plane`,
      { name: `${prefix}-eks-cluster`, assumeRolePolicy: serviceTrustPolicy('eks.amazonaws.com'), tags },
      { parent: this },
    );
    const serviceRolePolicies = clusterPolicies.map(
      (policyArn, index) => new aws.iam.RolePolicyAttachment(`${name}-control-plane-${index}`, { role: serviceRole.name, policyArn }, { parent: this }),
    );

    const cluster = new eks.Cluster(
      `${name}-eks`,
      {
        name: clusterName,
        version: settings.version,
        upgradePolicy: { supportType: upgradeSupportType },
        serviceRole,
        vpcId: network.vpcId,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        nodeAssociatePublicIpAddress: false,
        authenticationMode: 'API',
        skipDefaultNodeGroup: true,
        skipDefaultSecurityGroups: true,
        endpointPrivateAccess: true,
        endpointPublicAccess: settings.publicAccessCidrs.length > 0,
        publicAccessCidrs: settings.publicAccessCidrs,
        enabledClusterLogTypes: controlPlaneLogTypes,
        encryptionConfigKeyArn: this.secretsKey.arn,
        createOidcProvider: true,
        deletionProtection: settings.deletionProtection,
        // Network policies inside the cluster; pod ENIs so RDS and Redis admit only the pods' own security groups. Such pods
        // answer the kubelet's probes only with TCP early demux off.
        vpcCniOptions: { enableNetworkPolicy: true, enablePodEni: true, disableTcpEarlyDemux: true },
        tags,
      },
      { parent: this, dependsOn: [controlPlaneLogs, ...serviceRolePolicies] },
    );

    this.name = cluster.eksCluster.name;
    this.arn = cluster.eksCluster.arn;
    this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
    this.oidc = { arn: cluster.oidcProviderArn, issuer: cluster.oidcIssuer };
    this.clusterSecurityGroupId = cluster.eksCluster.vpcConfig.clusterSecurityGroupId;

    const nodeRole = new aws.iam.Role(
      `${name}-nodes`,
      { name: `${prefix}-eks-nodes`, assumeRolePolicy: serviceTrustPolicy('ec2.amazonaws.com'), tags },
      { parent: this },
    );
    nodePolicies.forEach(
      (policyArn, index) => new aws.iam.RolePolicyAttachment(`${name}-nodes-${index}`, { role: nodeRole.name, policyArn }, { parent: this }),
    );

    const nodeGroups = settings.nodeGroups.map((group) => {
      const launchTemplate = new aws.ec2.LaunchTemplate(
        `${name}-${group.name}`,
        {
          namePrefix: `${prefix}-${group.name}-`,
          // Hop limit 1 keeps pods off the node's instance credentials; pods get their own through IRSA.
          metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
          blockDeviceMappings: [
            {
              deviceName: '/dev/xvda',
              ebs: { volumeSize: group.diskSizeGb, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' },
            },
          ],
          vpcSecurityGroupIds: [this.clusterSecurityGroupId, network.nodeSecurityGroup.id],
          tagSpecifications: [{ resourceType: 'instance', tags: { ...tags, Name: `${prefix}-${group.name}` } }],
          tags,
        },
        { parent: this },
      );
      return new eks.ManagedNodeGroup(
        `${name}-${group.name}`,
        {
          cluster,
          nodeGroupNamePrefix: `${prefix}-${group.name}-`,
          nodeRole,
          version: settings.version,
          amiType: 'AL2023_x86_64_STANDARD',
          subnetIds: network.privateSubnetIds,
          instanceTypes: group.instanceTypes,
          capacityType: group.capacityType,
          scalingConfig: { minSize: group.minSize, desiredSize: group.desiredSize, maxSize: group.maxSize },
          // The cluster autoscaler owns the desired size after creation; a later `pulumi up` must not reset it.
          ignoreScalingChanges: true,
          launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
          labels: { 'rtc/node-group': group.name },
          tags,
        },
        { parent: this },
      );
    });
    this.nodeAutoScalingGroups = nodeGroups.map((group, index) => ({
      nodeGroup: settings.nodeGroups[index]!.name,
      // Explicit applies: the lifted property accessor does not see through the component's output.
      name: group.nodeGroup.apply((nodeGroup) => nodeGroup.resources).apply((resources) => resources[0]?.autoscalingGroups[0]?.name ?? ''),
    }));

    // Persistent volumes (Prometheus, Grafana) need the EBS CSI driver; it acts with its own IRSA role.
    const ebsCsiRole = new aws.iam.Role(
      `${name}-ebs-csi`,
      {
        name: `${prefix}-ebs-csi`,
        assumeRolePolicy: irsaTrustPolicy(this.oidc, { namespace: 'kube-system', name: 'ebs-csi-controller-sa' }),
        tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-ebs-csi`,
      { role: ebsCsiRole.name, policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy' },
      { parent: this },
    );
    const ebsCsiDriver = new aws.eks.Addon(
      `${name}-ebs-csi`,
      {
        clusterName: this.name,
        addonName: 'aws-ebs-csi-driver',
        serviceAccountRoleArn: ebsCsiRole.arn,
        resolveConflictsOnUpdate: 'OVERWRITE',
        tags,
      },
      { parent: this, dependsOn: nodeGroups },
    );

    // Everything deployed through this provider waits for nodes to run it and volumes to hold its data.
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true, deleteUnreachable: false },
      { parent: this, dependsOn: [...nodeGroups, ebsCsiDriver] },
    );

    this.registerOutputs({ name: this.name, oidcProviderArn: this.oidc.arn });
  }
}
