import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { MonitoringSettings } from '../config.js';
import { policyDocument } from './iam-documents.js';

export interface MonitoringArgs {
  readonly prefix: string;
  readonly settings: MonitoringSettings;
  readonly databaseIdentifier: pulumi.Input<string>;
  /** Allocated storage, to alarm when less than a tenth is free. */
  readonly databaseStorageGb: number;
  readonly loadBalancerArnSuffix: pulumi.Input<string>;
  readonly targetGroupArnSuffix: pulumi.Input<string>;
  readonly nodeAutoScalingGroups: { readonly nodeGroup: string; readonly name: pulumi.Input<string> }[];
  readonly tags: Record<string, string>;
}

const fiveMinutes = 300;
const gib = 1024 ** 3;

/**
 * CloudWatch alarms on what hurts customers first: RDS CPU, free storage and connections; ALB 5xx and
 * p99 latency; node CPU. Every alarm notifies (and clears on) one SNS topic that the on-call addresses
 * subscribe to.
 */
export class Monitoring extends pulumi.ComponentResource {
  readonly alarmTopic: aws.sns.Topic;
  /** The topic's key; a publisher needs kms:GenerateDataKey on it. */
  readonly alarmKey: aws.kms.Key;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super('rtc:monitoring:Monitoring', name, {}, opts);
    const { prefix, settings, tags } = args;

    // A key of our own: CloudWatch alarms cannot publish to a topic under the AWS managed SNS key, whose policy nobody can extend.
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    this.alarmKey = new aws.kms.Key(
      `${name}-alarms`,
      {
        description: `${prefix} alarm topic encryption`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: policyDocument([
          {
            Sid: 'AccountAdministersThroughIam',
            Effect: 'Allow',
            Principal: { AWS: pulumi.interpolate`arn:aws:iam::${accountId}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
          {
            Sid: 'CloudWatchAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
          },
        ]),
        tags,
      },
      { parent: this },
    );
    this.alarmTopic = new aws.sns.Topic(`${name}-alarms`, { name: `${prefix}-alarms`, kmsMasterKeyId: this.alarmKey.arn, tags }, { parent: this });
    settings.alarmEmails.forEach(
      (endpoint, index) =>
        new aws.sns.TopicSubscription(`${name}-alarms-${index}`, { topic: this.alarmTopic.arn, protocol: 'email', endpoint }, { parent: this }),
    );

    const alarm = (alarmName: string, alarmArgs: Omit<aws.cloudwatch.MetricAlarmArgs, 'alarmActions' | 'okActions' | 'name' | 'tags'>) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}-${alarmName}`,
        {
          name: `${prefix}-${alarmName}`,
          alarmActions: [this.alarmTopic.arn],
          okActions: [this.alarmTopic.arn],
          tags,
          ...alarmArgs,
        },
        { parent: this },
      );

    const rds = { DBInstanceIdentifier: args.databaseIdentifier };
    alarm('rds-cpu', {
      alarmDescription: 'RDS MySQL CPU above 80% for 15 minutes',
      namespace: 'AWS/RDS',
      metricName: 'CPUUtilization',
      dimensions: rds,
      statistic: 'Average',
      period: fiveMinutes,
      evaluationPeriods: 3,
      threshold: 80,
      comparisonOperator: 'GreaterThanThreshold',
    });
    alarm('rds-free-storage', {
      alarmDescription: 'RDS MySQL has less than 10% of its storage free',
      namespace: 'AWS/RDS',
      metricName: 'FreeStorageSpace',
      dimensions: rds,
      statistic: 'Minimum',
      period: fiveMinutes,
      evaluationPeriods: 1,
      threshold: Math.round(args.databaseStorageGb * gib * 0.1),
      comparisonOperator: 'LessThanThreshold',
    });
    alarm('rds-connections', {
      alarmDescription: `RDS MySQL above ${settings.databaseConnectionsAlarm} connections`,
      namespace: 'AWS/RDS',
      metricName: 'DatabaseConnections',
      dimensions: rds,
      statistic: 'Maximum',
      period: fiveMinutes,
      evaluationPeriods: 2,
      threshold: settings.databaseConnectionsAlarm,
      comparisonOperator: 'GreaterThanThreshold',
    });

    const alb = { LoadBalancer: args.loadBalancerArnSuffix };
    alarm('alb-5xx', {
      alarmDescription: 'The load balancer itself answered 5xx (no healthy gateway, timeouts)',
      namespace: 'AWS/ApplicationELB',
      metricName: 'HTTPCode_ELB_5XX_Count',
      dimensions: alb,
      statistic: 'Sum',
      period: fiveMinutes,
      evaluationPeriods: 1,
      threshold: 10,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    });
    alarm('gateway-5xx', {
      alarmDescription: 'The gateway answered 5xx',
      namespace: 'AWS/ApplicationELB',
      metricName: 'HTTPCode_Target_5XX_Count',
      dimensions: { ...alb, TargetGroup: args.targetGroupArnSuffix },
      statistic: 'Sum',
      period: fiveMinutes,
      evaluationPeriods: 1,
      threshold: 10,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    });
    alarm('gateway-latency-p99', {
      alarmDescription: 'Gateway p99 response time above 1 second for 10 minutes',
      namespace: 'AWS/ApplicationELB',
      metricName: 'TargetResponseTime',
      dimensions: { ...alb, TargetGroup: args.targetGroupArnSuffix },
      extendedStatistic: 'p99',
      period: fiveMinutes,
      evaluationPeriods: 2,
      threshold: 1,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    });

    for (const group of args.nodeAutoScalingGroups) {
      alarm(`nodes-${group.nodeGroup}-cpu`, {
        alarmDescription: `EKS node group ${group.nodeGroup}: average CPU above 80% for 15 minutes`,
        namespace: 'AWS/EC2',
        metricName: 'CPUUtilization',
        dimensions: { AutoScalingGroupName: group.name },
        statistic: 'Average',
        period: fiveMinutes,
        evaluationPeriods: 3,
        threshold: 80,
        comparisonOperator: 'GreaterThanThreshold',
      });
    }

    this.registerOutputs({ alarmTopicArn: this.alarmTopic.arn });
  }
}
