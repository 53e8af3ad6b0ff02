import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { pipelineIdentities } from '@rtc/manifests';
import type { JenkinsSettings } from '../config.js';
import type { Network } from './network.js';

export interface JenkinsArgs {
  readonly prefix: string;
  readonly settings: JenkinsSettings;
  readonly network: Network;
  /** The controller's instance profile: Session Manager and agent pods, no AWS rights beyond. */
  readonly instanceProfileName: pulumi.Input<string>;
  /** The role only main's deploy step runs as. */
  readonly deployRoleArn: pulumi.Input<string>;
  /** The EKS cluster security group, which guards the private API endpoint. */
  readonly clusterSecurityGroupId: pulumi.Input<string>;
  readonly provider: k8s.Provider;
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
 * The Jenkins controller on EC2: a private subnet, no public address, no inbound SSH (operators use Session Manager),
 * IMDSv2 only, an encrypted volume. Its agents run as pods in EKS: builds of any branch in the build namespace under a
 * ServiceAccount with no IAM role (no cloud rights); main's deploy step alone in the deploy namespace, whose
 * ServiceAccount is the only principal the deploy role trusts. Jenkins offers the deploy namespace's pod template to
 * main's deploy stage only (a Kubernetes cloud restricted to that job's folder; ci/README.md).
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
    const identities: { identity: string; namespace: string; serviceAccount: string; annotations: Record<string, pulumi.Input<string>> }[] = [
      { identity: 'build', ...pipelineIdentities.build, annotations: {} },
      { identity: 'deploy', ...pipelineIdentities.deploy, annotations: { 'eks.amazonaws.com/role-arn': args.deployRoleArn } },
    ];
    for (const { identity, namespace, serviceAccount, annotations } of identities) {
      const created = new k8s.core.v1.Namespace(
        `${name}-${identity}`,
        {
          metadata: {
            name: namespace,
            labels: { 'app.kubernetes.io/part-of': 'rtc-ci', 'rtc/pipeline-identity': identity },
          },
        },
        k8sOpts,
      );
      new k8s.core.v1.ServiceAccount(
        `${name}-${identity}-agent`,
        { metadata: { name: serviceAccount, namespace: created.metadata.name, annotations } },
        k8sOpts,
      );
    }

    this.registerOutputs({ instanceId: this.instance.id });
  }
}
