import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { JenkinsSettings } from '../config.js';
import type { ServiceAccountRef } from './iam-documents.js';
import type { Network } from './network.js';

export interface JenkinsArgs {
  readonly prefix: string;
  readonly settings: JenkinsSettings;
  readonly network: Network;
  /** The CI role's instance profile: ECR push, deploy to EKS, Session Manager. */
  readonly instanceProfileName: pulumi.Input<string>;
  readonly ciRoleArn: pulumi.Input<string>;
  /** The EKS cluster security group, which guards the private API endpoint. */
  readonly clusterSecurityGroupId: pulumi.Input<string>;
  readonly provider: k8s.Provider;
  /** Where the build agent pods run, and the ServiceAccount that gives them the CI role. */
  readonly agentServiceAccount: ServiceAccountRef;
  readonly tags: Record<string, string>;
}

/** Installs Jenkins LTS from its package repository on Amazon Linux 2023; plugins come from the UI or JCasC. */
export const jenkinsUserData = `#!/bin/bash
set -euo pipefail
dnf install -y java-21-amazon-corretto-headless fontconfig
curl -fsSL -o /etc/yum.repos.d/jenkins.repo https://pkg.jenkins.io/redhat-stable/jenkins.repo
rpm --import https://pkg.jenkins.io/redhat-stable/jenkins.io-2023.key
dnf install -y jenkins git
systemctl enable --now jenkins
`;

/**
 * The Jenkins controller on EC2: a private subnet, no public address, no inbound SSH (operators use
 * Session Manager), IMDSv2 only, an encrypted volume, the CI role as its instance profile. Its build
 * agents run as pods in EKS under a ServiceAccount bound to the same CI role.
 */
export class Jenkins extends pulumi.ComponentResource {
  readonly instance: aws.ec2.Instance;

  constructor(name: string, args: JenkinsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('rtc:jenkins:Jenkins', name, {}, opts);
    const { prefix, settings, network, tags } = args;

    const ami = aws.ssm.getParameterOutput({ name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' }, { parent: this });
    this.instance = new aws.ec2.Instance(
      `${name}-controller`,
      {
        ami: ami.value,
        instanceType: settings.instanceType,
        subnetId: network.privateSubnetIds[0]!,
        associatePublicIpAddress: false,
        vpcSecurityGroupIds: [network.jenkinsSecurityGroup.id],
        iamInstanceProfile: args.instanceProfileName,
        metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
        rootBlockDevice: { volumeSize: settings.volumeSizeGb, volumeType: 'gp3', encrypted: true, deleteOnTermination: false },
        monitoring: true,
        userData: jenkinsUserData,
        userDataReplaceOnChange: false,
        tags: { ...tags, Name: `${prefix}-jenkins` },
      },
      // A newer AMI must not replace the controller and its job history.
      { parent: this, ignoreChanges: ['ami'] },
    );

    new aws.vpc.SecurityGroupIngressRule(
      `${name}-to-cluster-api`,
      {
        securityGroupId: args.clusterSecurityGroupId,
        description: 'Jenkins controller to the private EKS API endpoint',
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        referencedSecurityGroupId: network.jenkinsSecurityGroup.id,
        tags,
      },
      { parent: this },
    );

    const k8sOpts = { parent: this, provider: args.provider };
    const namespace = new k8s.core.v1.Namespace(
      `${name}-agents`,
      { metadata: { name: args.agentServiceAccount.namespace, labels: { 'app.kubernetes.io/part-of': 'rtc-ci' } } },
      k8sOpts,
    );
    new k8s.core.v1.ServiceAccount(
      `${name}-agent`,
      {
        metadata: {
          name: args.agentServiceAccount.name,
          namespace: namespace.metadata.name,
          annotations: { 'eks.amazonaws.com/role-arn': args.ciRoleArn },
        },
      },
      k8sOpts,
    );

    this.registerOutputs({ instanceId: this.instance.id });
  }
}
