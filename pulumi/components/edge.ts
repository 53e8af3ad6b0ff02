import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { albDeregistrationDelaySeconds } from '@rtc/manifests';
import type { EdgeSettings } from '../config.js';
import { gatewayService } from '../services.js';
import { charts } from './chart-versions.js';
import { irsaTrustPolicy, policyDocument, type OidcProvider } from './iam-documents.js';
import { grafanaPort, type Network } from './network.js';

export interface EdgeArgs {
  readonly prefix: string;
  readonly settings: EdgeSettings;
  readonly network: Network;
  readonly clusterName: pulumi.Input<string>;
  readonly oidc: OidcProvider;
  readonly provider: k8s.Provider;
  /** Grafana's Service (kube-prometheus-stack's), which staff reach through the same load balancer. */
  readonly grafanaService: { readonly namespace: pulumi.Input<string>; readonly name: pulumi.Input<string>; readonly port: number };
  readonly logRetentionDays: number;
  readonly tags: Record<string, string>;
}

/**
 * Rules of the managed groups that only count: GraphQL documents legitimately exceed the common rule set's
 * 8 KB body limit, and the gateway enforces its own request size, depth and cost limits.
 */
export const countedManagedRules: Record<string, string[]> = { AWSManagedRulesCommonRuleSet: ['SizeRestrictions_BODY'] };

/** The AWS managed rule groups in front of the gateway, in evaluation order after the rate limit. */
export const managedRuleGroups = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
];

const loadBalancerControllerAccount = { namespace: 'kube-system', name: 'aws-load-balancer-controller' };

/** Where in each access log bucket the load balancer writes. */
export const accessLogPrefix = 'alb';

/**
 * The public edge: an internet-facing ALB (HTTPS only, TLS 1.2+, ACM certificate validated in Route 53) behind AWS
 * WAF (per-IP rate limit and the AWS managed rule sets), with access logs kept in S3 for the stack's retention. It
 * forwards to the gateway pods, which the AWS Load Balancer Controller registers through the release overlay's
 * TargetGroupBinding (the overlay takes the exported target group ARN), and staff on Grafana's own host name to
 * Grafana, whose TargetGroupBinding is this program's.
 */
export class Edge extends pulumi.ComponentResource {
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  readonly grafanaTargetGroup: aws.lb.TargetGroup;
  readonly accessLogBucket: aws.s3.Bucket;
  readonly grafanaUrl: pulumi.Output<string>;
  readonly webAcl: aws.wafv2.WebAcl;
  readonly gatewayUrl: pulumi.Output<string>;

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super('rtc:edge:Edge', name, {}, opts);
    const { prefix, settings, network, tags } = args;
    const region = aws.getRegionOutput({}, { parent: this }).region;

    const hostNames = [settings.domainName, settings.grafanaDomainName];
    const certificate = new aws.acm.Certificate(
      `${name}-cert`,
      { domainName: settings.domainName, subjectAlternativeNames: [settings.grafanaDomainName], validationMethod: 'DNS', tags },
      { parent: this },
    );
    const validationRecords = hostNames.map((hostName, index) => {
      const option = certificate.domainValidationOptions.apply((options) => options.find((candidate) => candidate.domainName === hostName) ?? options[index]!);
      return new aws.route53.Record(
        `${name}-cert-validation-${index}`,
        {
          zoneId: settings.hostedZoneId,
          name: option.resourceRecordName,
          type: option.resourceRecordType,
          records: [option.resourceRecordValue],
          ttl: 300,
          allowOverwrite: true,
        },
        { parent: this },
      );
    });
    const validation = new aws.acm.CertificateValidation(
      `${name}-cert`,
      { certificateArn: certificate.arn, validationRecordFqdns: validationRecords.map((record) => record.fqdn) },
      { parent: this },
    );

    // ALB access logs: SSE-S3 (the only encryption ALB log delivery supports), no public access, expired after the retention.
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    this.accessLogBucket = new aws.s3.Bucket(
      `${name}-access-logs`,
      { bucket: pulumi.interpolate`${prefix}-alb-access-logs-${accountId}`, forceDestroy: false, tags },
      { parent: this },
    );
    new aws.s3.BucketPublicAccessBlock(
      `${name}-access-logs`,
      { bucket: this.accessLogBucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      { parent: this },
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-access-logs`,
      { bucket: this.accessLogBucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] },
      { parent: this },
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-access-logs`,
      {
        bucket: this.accessLogBucket.id,
        rules: [
          { id: 'expire-access-logs', status: 'Enabled', filter: { prefix: `${accessLogPrefix}/` }, expiration: { days: settings.accessLogRetentionDays } },
        ],
      },
      { parent: this },
    );
    const elbAccount = aws.elb.getServiceAccountOutput({}, { parent: this });
    const accessLogPolicy = new aws.s3.BucketPolicy(
      `${name}-access-logs`,
      {
        bucket: this.accessLogBucket.id,
        policy: policyDocument([
          {
            Sid: 'AlbLogDelivery',
            Effect: 'Allow',
            Principal: { AWS: elbAccount.arn },
            Action: 's3:PutObject',
            Resource: pulumi.interpolate`${this.accessLogBucket.arn}/${accessLogPrefix}/AWSLogs/${accountId}/*`,
          },
          {
            Sid: 'TlsOnly',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Resource: [this.accessLogBucket.arn, pulumi.interpolate`${this.accessLogBucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ]),
      },
      { parent: this },
    );

    this.loadBalancer = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        name: `${prefix}-gateway`,
        loadBalancerType: 'application',
        internal: false,
        subnets: network.publicSubnetIds,
        securityGroups: [network.albSecurityGroup.id],
        dropInvalidHeaderFields: true,
        enableDeletionProtection: settings.albDeletionProtection,
        // Subscriptions hold WebSockets open; graphql-ws pings well within this.
        idleTimeout: 300,
        accessLogs: { bucket: this.accessLogBucket.id, prefix: accessLogPrefix, enabled: true },
        tags,
      },
      { parent: this, dependsOn: [accessLogPolicy] },
    );
    this.targetGroup = new aws.lb.TargetGroup(
      `${name}-gateway`,
      {
        name: `${prefix}-gateway`,
        vpcId: network.vpcId,
        targetType: 'ip',
        protocol: 'HTTP',
        port: gatewayService.port,
        // The gateway's preStop outlasts this (the manifests test it against the same contract value).
        deregistrationDelay: albDeregistrationDelaySeconds,
        healthCheck: { path: '/readyz', port: 'traffic-port', matcher: '200', interval: 15, healthyThreshold: 2, unhealthyThreshold: 3 },
        tags,
      },
      { parent: this },
    );
    this.grafanaTargetGroup = new aws.lb.TargetGroup(
      `${name}-grafana`,
      {
        name: `${prefix}-grafana`,
        vpcId: network.vpcId,
        targetType: 'ip',
        protocol: 'HTTP',
        port: grafanaPort,
        deregistrationDelay: albDeregistrationDelaySeconds,
        healthCheck: { path: '/api/health', port: 'traffic-port', matcher: '200', interval: 30, healthyThreshold: 2, unhealthyThreshold: 3 },
        tags,
      },
      { parent: this },
    );
    const listener = new aws.lb.Listener(
      `${name}-https`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: 443,
        protocol: 'HTTPS',
        sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        certificateArn: validation.certificateArn,
        defaultActions: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
        tags,
      },
      { parent: this },
    );
    new aws.lb.ListenerRule(
      `${name}-grafana`,
      {
        listenerArn: listener.arn,
        priority: 10,
        conditions: [{ hostHeader: { values: [settings.grafanaDomainName] } }],
        actions: [{ type: 'forward', targetGroupArn: this.grafanaTargetGroup.arn }],
        tags,
      },
      { parent: this },
    );

    const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
    this.webAcl = new aws.wafv2.WebAcl(
      `${name}-waf`,
      {
        name: `${prefix}-gateway`,
        description: 'RTC gateway: internal paths blocked, per-IP rate limit and AWS managed rule sets',
        scope: 'REGIONAL',
        defaultAction: { allow: {} },
        rules: [
          {
            // Prometheus scrapes the pods inside the cluster; from the internet /metrics would map the store's traffic.
            name: 'block-internal-paths',
            priority: 0,
            action: { block: {} },
            statement: {
              byteMatchStatement: {
                fieldToMatch: { uriPath: {} },
                positionalConstraint: 'STARTS_WITH',
                searchString: '/metrics',
                textTransformations: [
                  { priority: 0, type: 'URL_DECODE' },
                  { priority: 1, type: 'LOWERCASE' },
                ],
              },
            },
            visibilityConfig: visibility(`${prefix}-internal-paths`),
          },
          {
            name: 'rate-limit-per-ip',
            priority: 1,
            action: { block: {} },
            statement: { rateBasedStatement: { limit: settings.rateLimitPer5Minutes, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
            visibilityConfig: visibility(`${prefix}-rate-limit`),
          },
          ...managedRuleGroups.map((group, index) => ({
            name: group,
            priority: index + 2,
            overrideAction: { none: {} },
            statement: {
              managedRuleGroupStatement: {
                vendorName: 'AWS',
                name: group,
                ruleActionOverrides: (countedManagedRules[group] ?? []).map((rule) => ({ name: rule, actionToUse: { count: {} } })),
              },
            },
            visibilityConfig: visibility(`${prefix}-${group}`),
          })),
        ],
        visibilityConfig: visibility(`${prefix}-gateway`),
        tags,
      },
      { parent: this },
    );
    new aws.wafv2.WebAclAssociation(`${name}-waf`, { resourceArn: this.loadBalancer.arn, webAclArn: this.webAcl.arn }, { parent: this });
    // WAF only logs to groups whose name starts with aws-waf-logs-.
    const wafLogs = new aws.cloudwatch.LogGroup(
      `${name}-waf-logs`,
      { name: `aws-waf-logs-${prefix}`, retentionInDays: args.logRetentionDays, tags },
      { parent: this },
    );
    new aws.wafv2.WebAclLoggingConfiguration(
      `${name}-waf-logs`,
      { resourceArn: this.webAcl.arn, logDestinationConfigs: [wafLogs.arn], redactedFields: [{ singleHeader: { name: 'authorization' } }] },
      { parent: this },
    );

    hostNames.forEach(
      (hostName, index) =>
        new aws.route53.Record(
          `${name}-${index === 0 ? 'gateway' : 'grafana'}`,
          {
            zoneId: settings.hostedZoneId,
            name: hostName,
            type: 'A',
            aliases: [{ name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true }],
          },
          { parent: this },
        ),
    );
    this.gatewayUrl = pulumi.output(`https://${settings.domainName}`);
    this.grafanaUrl = pulumi.output(`https://${settings.grafanaDomainName}`);

    // The controller only registers pod IPs in the target groups above; it creates no load balancers.
    const controllerRole = new aws.iam.Role(
      `${name}-lb-controller`,
      { name: `${prefix}-lb-controller`, assumeRolePolicy: irsaTrustPolicy(args.oidc, loadBalancerControllerAccount), tags },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-lb-controller`,
      {
        role: controllerRole.id,
        name: 'register-gateway-targets',
        policy: policyDocument([
          {
            Sid: 'Discover',
            Effect: 'Allow',
            Action: [
              'ec2:DescribeAvailabilityZones',
              'ec2:DescribeInstances',
              'ec2:DescribeNetworkInterfaces',
              'ec2:DescribeSecurityGroups',
              'ec2:DescribeSubnets',
              'ec2:DescribeVpcs',
              'elasticloadbalancing:DescribeListeners',
              'elasticloadbalancing:DescribeLoadBalancers',
              'elasticloadbalancing:DescribeTags',
              'elasticloadbalancing:DescribeTargetGroupAttributes',
              'elasticloadbalancing:DescribeTargetGroups',
              'elasticloadbalancing:DescribeTargetHealth',
            ],
            Resource: '*',
          },
          {
            Sid: 'RegisterGatewayPods',
            Effect: 'Allow',
            Action: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
            Resource: [this.targetGroup.arn, this.grafanaTargetGroup.arn],
          },
        ]),
      },
      { parent: this },
    );
    const controller = new k8s.helm.v3.Release(
      `${name}-lb-controller`,
      {
        name: 'aws-load-balancer-controller',
        namespace: 'kube-system',
        chart: charts.awsLoadBalancerController.chart,
        version: charts.awsLoadBalancerController.version,
        repositoryOpts: { repo: charts.awsLoadBalancerController.repo },
        values: {
          clusterName: args.clusterName,
          region,
          vpcId: network.vpcId,
          replicaCount: 2,
          createIngressClassResource: false,
          enableServiceMutatorWebhook: false,
          serviceAccount: {
            create: true,
            name: loadBalancerControllerAccount.name,
            annotations: { 'eks.amazonaws.com/role-arn': controllerRole.arn },
          },
        },
      },
      { parent: this, provider: args.provider },
    );
    new k8s.apiextensions.CustomResource(
      `${name}-grafana-targets`,
      {
        apiVersion: 'elbv2.k8s.aws/v1beta1',
        kind: 'TargetGroupBinding',
        metadata: { name: 'grafana', namespace: args.grafanaService.namespace },
        spec: {
          serviceRef: { name: args.grafanaService.name, port: args.grafanaService.port },
          targetGroupARN: this.grafanaTargetGroup.arn,
          targetType: 'ip',
        },
      },
      { parent: this, provider: args.provider, dependsOn: [controller] },
    );

    this.registerOutputs({ gatewayUrl: this.gatewayUrl });
  }
}
