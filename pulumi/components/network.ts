import * as aws from '@pulumi/aws';
import * as awsx from '@pulumi/awsx';
import * as pulumi from '@pulumi/pulumi';
import type { NetworkSettings } from '../config.js';
import { gatewayService } from '../services.js';
import { policyDocument, serviceTrustPolicy } from './iam-documents.js';

export interface NetworkArgs {
  /** Prefix of physical names, rtc-<stack>. */
  readonly prefix: string;
  readonly settings: NetworkSettings;
  /** Retention of the VPC flow log group. */
  readonly logRetentionDays: number;
  readonly tags: Record<string, string>;
}

const mysqlPort = 3306;
const redisPort = 6379;
const httpsPort = 443;
/** Grafana's port on its pods; the load balancer forwards staff to it. */
export const grafanaPort = 3000;
/** Jenkins web UI and the inbound agent port, reached only by build agents in the cluster. */
const jenkinsPorts = [8080, 50000];

/**
 * A VPC over three availability zones: public subnets for the load balancer and NAT, private subnets for
 * nodes and Jenkins, isolated subnets (no route out) for RDS and ElastiCache; and the security groups that
 * allow exactly the paths of the design.
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** Subnets without any route to the internet, for the data tier. */
  readonly isolatedSubnetIds: pulumi.Output<string[]>;
  readonly albSecurityGroup: aws.ec2.SecurityGroup;
  readonly nodeSecurityGroup: aws.ec2.SecurityGroup;
  readonly databaseSecurityGroup: aws.ec2.SecurityGroup;
  readonly cacheSecurityGroup: aws.ec2.SecurityGroup;
  readonly jenkinsSecurityGroup: aws.ec2.SecurityGroup;
  /**
   * Security groups for pods (the VPC CNI gives the pods a SecurityGroupPolicy selects an ENI of their own): the gateway
   * pods', which the load balancer reaches; the database clients' (the subgraphs and the user bootstrap), the only
   * group RDS admits; the cache clients' (the gateway and the subgraphs), the only group Redis admits.
   */
  readonly podSecurityGroups: {
    readonly gateway: aws.ec2.SecurityGroup;
    readonly databaseClients: aws.ec2.SecurityGroup;
    readonly cacheClients: aws.ec2.SecurityGroup;
  };

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('rtc:network:Network', name, {}, opts);
    const { prefix, tags } = args;

    const vpc = new awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: args.settings.cidrBlock,
        numberOfAvailabilityZones: 3,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        natGateways: { strategy: args.settings.natGateways },
        subnetStrategy: 'Auto',
        subnetSpecs: [
          { type: 'Public', cidrMask: 22, tags: { ...tags, 'kubernetes.io/role/elb': '1' } },
          { type: 'Private', cidrMask: 19, tags: { ...tags, 'kubernetes.io/role/internal-elb': '1' } },
          { type: 'Isolated', name: 'data', cidrMask: 24, tags },
        ],
        tags: { ...tags, Name: prefix },
      },
      { parent: this },
    );
    this.vpcId = vpc.vpcId;
    this.publicSubnetIds = vpc.publicSubnetIds;
    this.privateSubnetIds = vpc.privateSubnetIds;
    this.isolatedSubnetIds = vpc.isolatedSubnetIds;

    const group = (role: string, description: string) =>
      new aws.ec2.SecurityGroup(
        `${name}-${role}`,
        { name: `${prefix}-${role}`, description, vpcId: this.vpcId, tags: { ...tags, Name: `${prefix}-${role}` } },
        { parent: this },
      );
    this.albSecurityGroup = group('alb', 'RTC public load balancer: HTTPS from the internet to the gateway');
    this.nodeSecurityGroup = group('nodes', 'RTC EKS nodes and pods');
    this.databaseSecurityGroup = group('database', 'RTC RDS MySQL: 3306 from the database client pods only');
    this.cacheSecurityGroup = group('cache', 'RTC ElastiCache Redis: 6379 from the cache client pods only');
    this.jenkinsSecurityGroup = group('jenkins', 'RTC Jenkins controller: no inbound but its build agents');
    this.podSecurityGroups = {
      gateway: group('pods-gateway', 'RTC gateway pods: the load balancer reaches them on the gateway port'),
      databaseClients: group('pods-database-clients', 'RTC pods that may reach RDS MySQL (subgraphs, user bootstrap)'),
      cacheClients: group('pods-cache-clients', 'RTC pods that may reach ElastiCache Redis (gateway, subgraphs)'),
    };

    const ingress = (rule: string, args: aws.vpc.SecurityGroupIngressRuleArgs) =>
      new aws.vpc.SecurityGroupIngressRule(`${name}-${rule}`, { ...args, tags }, { parent: this });
    const egress = (rule: string, args: aws.vpc.SecurityGroupEgressRuleArgs) =>
      new aws.vpc.SecurityGroupEgressRule(`${name}-${rule}`, { ...args, tags }, { parent: this });

    // The only rule of the VPC open to the internet.
    ingress('alb-https-from-internet', {
      securityGroupId: this.albSecurityGroup.id,
      description: 'HTTPS from anywhere',
      ipProtocol: 'tcp',
      fromPort: httpsPort,
      toPort: httpsPort,
      cidrIpv4: '0.0.0.0/0',
    });
    egress('alb-to-gateway', {
      securityGroupId: this.albSecurityGroup.id,
      description: 'to the gateway pods',
      ipProtocol: 'tcp',
      fromPort: gatewayService.port,
      toPort: gatewayService.port,
      referencedSecurityGroupId: this.podSecurityGroups.gateway.id,
    });
    ingress('pods-gateway-from-alb', {
      securityGroupId: this.podSecurityGroups.gateway.id,
      description: 'load balancer to the gateway pods',
      ipProtocol: 'tcp',
      fromPort: gatewayService.port,
      toPort: gatewayService.port,
      referencedSecurityGroupId: this.albSecurityGroup.id,
    });
    // Grafana runs on the nodes' own interfaces (no pod security group), so the nodes admit it.
    egress('alb-to-grafana', {
      securityGroupId: this.albSecurityGroup.id,
      description: 'to the Grafana pods',
      ipProtocol: 'tcp',
      fromPort: grafanaPort,
      toPort: grafanaPort,
      referencedSecurityGroupId: this.nodeSecurityGroup.id,
    });
    ingress('nodes-grafana-from-alb', {
      securityGroupId: this.nodeSecurityGroup.id,
      description: 'load balancer to the Grafana pods',
      ipProtocol: 'tcp',
      fromPort: grafanaPort,
      toPort: grafanaPort,
      referencedSecurityGroupId: this.albSecurityGroup.id,
    });
    // Pod-to-pod traffic crosses nodes; NetworkPolicy narrows it inside the cluster.
    ingress('nodes-from-nodes', {
      securityGroupId: this.nodeSecurityGroup.id,
      description: 'node and pod traffic within the node group',
      ipProtocol: '-1',
      referencedSecurityGroupId: this.nodeSecurityGroup.id,
    });
    // Nodes pull images and call AWS APIs through the NAT gateways.
    egress('nodes-out', {
      securityGroupId: this.nodeSecurityGroup.id,
      description: 'outbound through NAT',
      ipProtocol: '-1',
      cidrIpv4: '0.0.0.0/0',
    });

    ingress('database-from-clients', {
      securityGroupId: this.databaseSecurityGroup.id,
      description: 'MySQL from the database client pods',
      ipProtocol: 'tcp',
      fromPort: mysqlPort,
      toPort: mysqlPort,
      referencedSecurityGroupId: this.podSecurityGroups.databaseClients.id,
    });
    ingress('cache-from-clients', {
      securityGroupId: this.cacheSecurityGroup.id,
      description: 'Redis from the cache client pods',
      ipProtocol: 'tcp',
      fromPort: redisPort,
      toPort: redisPort,
      referencedSecurityGroupId: this.podSecurityGroups.cacheClients.id,
    });

    for (const port of jenkinsPorts) {
      ingress(`jenkins-${port}-from-agents`, {
        securityGroupId: this.jenkinsSecurityGroup.id,
        description: 'build agents (pods in EKS) to the Jenkins controller',
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: this.nodeSecurityGroup.id,
      });
    }
    // Session Manager, ECR, EKS and plugin downloads are all HTTPS; no inbound SSH anywhere.
    egress('jenkins-https-out', {
      securityGroupId: this.jenkinsSecurityGroup.id,
      description: 'HTTPS to AWS APIs, the cluster endpoint and plugin mirrors',
      ipProtocol: 'tcp',
      fromPort: httpsPort,
      toPort: httpsPort,
      cidrIpv4: '0.0.0.0/0',
    });

    const flowLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      { name: `/rtc/${prefix}/vpc-flow-logs`, retentionInDays: args.logRetentionDays, tags },
      { parent: this },
    );
    const flowLogRole = new aws.iam.Role(
      `${name}-flow-logs`,
      {
        name: `${prefix}-vpc-flow-logs`,
        assumeRolePolicy: serviceTrustPolicy('vpc-flow-logs.amazonaws.com'),
        tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      {
        role: flowLogRole.id,
        policy: policyDocument([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: [flowLogGroup.arn, pulumi.interpolate`${flowLogGroup.arn}:*`],
          },
        ]),
      },
      { parent: this },
    );
    new aws.ec2.FlowLog(
      `${name}-flow-log`,
      {
        vpcId: this.vpcId,
        trafficType: 'REJECT',
        logDestinationType: 'cloud-watch-logs',
        logDestination: flowLogGroup.arn,
        iamRoleArn: flowLogRole.arn,
        tags,
      },
      { parent: this },
    );

    this.registerOutputs({ vpcId: this.vpcId });
  }
}
