import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { platformNamespaces } from '@rtc/manifests';
import type { MonitoringSettings } from '../config.js';
import { charts } from './chart-versions.js';
import { irsaTrustPolicy, policyDocument, type OidcProvider } from './iam-documents.js';
import type { ObservabilityFiles } from './observability-files.js';

export interface ClusterAddonsArgs {
  readonly prefix: string;
  readonly stack: string;
  readonly provider: k8s.Provider;
  readonly clusterName: pulumi.Input<string>;
  /** The cluster's Kubernetes minor version: the autoscaler's must match it. */
  readonly clusterVersion: string;
  readonly region: pulumi.Input<string>;
  /** The stack's alarm topic: Alertmanager publishes there too, so the on-call hears one voice. */
  readonly alarmTopicArn: pulumi.Input<string>;
  /** The KMS key of that topic. */
  readonly alarmKeyArn: pulumi.Input<string>;
  /** Where staff open Grafana (https://...), so its links and cookies are right. */
  readonly grafanaUrl: pulumi.Input<string>;
  /** The KMS key of the stack's secrets, for Grafana's admin password. */
  readonly secretsKeyArn: pulumi.Input<string>;
  /** The cluster's OIDC provider: the trace collector writes to X-Ray through its own IRSA role. */
  readonly oidc: OidcProvider;
  readonly tags: Record<string, string>;
  readonly monitoring: MonitoringSettings;
  readonly logRetentionDays: number;
  /** RTC's Prometheus rules and Grafana dashboards, read from the observability folder. */
  readonly observability: ObservabilityFiles;
}

export const monitoringNamespace = platformNamespaces.monitoring;
/** The helm release name; kube-prometheus-stack names its objects after it. */
export const prometheusRelease = 'kube-prometheus-stack';
/** Grafana's Service as kube-prometheus-stack names it; the load balancer's Grafana target group binds to it. */
export const grafanaService = { namespace: monitoringNamespace, name: `${prometheusRelease}-grafana`, port: 80 } as const;
/** Alertmanager's ServiceAccount as the chart names it; it publishes to SNS with its own IRSA role. */
const alertmanagerAccount = { namespace: monitoringNamespace, name: `${prometheusRelease}-alertmanager` };
const clusterAutoscalerAccount = { namespace: 'kube-system', name: 'cluster-autoscaler' };
const cloudWatchAgentAccount = { namespace: 'amazon-cloudwatch', name: 'cloudwatch-agent' };
/** The log groups the CloudWatch Observability add-on writes container logs and metrics to. */
export const containerLogGroups = ['application', 'dataplane', 'host', 'performance'];
/** The trace collector's ServiceAccount and Service: services send OTLP/HTTP to otel-collector.monitoring:4318. */
export const traceCollector = { namespace: monitoringNamespace, name: 'otel-collector', otlpHttpPort: 4318 } as const;

/**
 * What every workload relies on: metrics-server (HPA), the cluster autoscaler (node groups grow to their maximum), an
 * encrypted gp3 StorageClass, the Secrets Store CSI driver with its AWS provider (secrets reach pods through their own
 * IRSA role), kube-prometheus-stack loaded with RTC's rules and dashboards (Alertmanager publishing to the stack's SNS
 * topic, Grafana behind its own login with the admin password in Secrets Manager), the CloudWatch Observability
 * add-on shipping every container's logs to log groups with the stack's retention, and an OpenTelemetry collector
 * that receives every service's spans over OTLP and sends them to AWS X-Ray.
 */
export class ClusterAddons extends pulumi.ComponentResource {
  /** The Secrets Manager secret holding Grafana's admin user and password. */
  readonly grafanaAdminSecretName: pulumi.Output<string>;
  /** Resources the workloads need first (CRDs of the CSI driver and the Prometheus operator). */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('rtc:cluster-addons:ClusterAddons', name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };

    const metricsServer = new k8s.helm.v3.Release(
      `${name}-metrics-server`,
      {
        name: 'metrics-server',
        namespace: 'kube-system',
        chart: charts.metricsServer.chart,
        version: charts.metricsServer.version,
        repositoryOpts: { repo: charts.metricsServer.repo },
        values: { replicas: 2 },
      },
      k8sOpts,
    );

    const region = args.region;
    const autoscalerRole = new aws.iam.Role(
      `${name}-cluster-autoscaler`,
      {
        name: `${args.prefix}-cluster-autoscaler`,
        description: "IRSA role of the cluster autoscaler: resizes this cluster's node groups only",
        assumeRolePolicy: irsaTrustPolicy(args.oidc, clusterAutoscalerAccount),
        tags: args.tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-cluster-autoscaler`,
      {
        role: autoscalerRole.id,
        name: 'resize-own-node-groups',
        policy: policyDocument([
          {
            Sid: 'Discover',
            Effect: 'Allow',
            Action: [
              'autoscaling:DescribeAutoScalingGroups',
              'autoscaling:DescribeAutoScalingInstances',
              'autoscaling:DescribeLaunchConfigurations',
              'autoscaling:DescribeScalingActivities',
              'autoscaling:DescribeTags',
              'ec2:DescribeImages',
              'ec2:DescribeInstanceTypes',
              'ec2:DescribeLaunchTemplateVersions',
              'ec2:GetInstanceTypesFromInstanceRequirements',
              'eks:DescribeNodegroup',
            ],
            Resource: '*',
          },
          {
            // EKS tags the Auto Scaling group of every managed node group with its cluster's name.
            Sid: 'ResizeOwnNodeGroups',
            Effect: 'Allow',
            Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:ResourceTag/eks:cluster-name': args.clusterName } },
          },
        ]),
      },
      { parent: this },
    );
    new k8s.helm.v3.Release(
      `${name}-cluster-autoscaler`,
      {
        name: 'cluster-autoscaler',
        namespace: clusterAutoscalerAccount.namespace,
        chart: charts.clusterAutoscaler.chart,
        version: charts.clusterAutoscaler.version,
        repositoryOpts: { repo: charts.clusterAutoscaler.repo },
        values: {
          cloudProvider: 'aws',
          awsRegion: region,
          image: { tag: `v${args.clusterVersion}.0` },
          autoDiscovery: { clusterName: args.clusterName },
          rbac: {
            serviceAccount: { create: true, name: clusterAutoscalerAccount.name, annotations: { 'eks.amazonaws.com/role-arn': autoscalerRole.arn } },
          },
          extraArgs: { 'balance-similar-node-groups': true, 'skip-nodes-with-system-pods': false, expander: 'least-waste' },
        },
      },
      k8sOpts,
    );

    const storageClass = new k8s.storage.v1.StorageClass(
      `${name}-gp3`,
      {
        metadata: { name: 'gp3-encrypted' },
        provisioner: 'ebs.csi.aws.com',
        parameters: { type: 'gp3', encrypted: 'true' },
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: true,
        reclaimPolicy: 'Retain',
      },
      k8sOpts,
    );

    const csiDriver = new k8s.helm.v3.Release(
      `${name}-secrets-store`,
      {
        name: 'secrets-store-csi-driver',
        namespace: 'kube-system',
        chart: charts.secretsStoreCsiDriver.chart,
        version: charts.secretsStoreCsiDriver.version,
        repositoryOpts: { repo: charts.secretsStoreCsiDriver.repo },
        // Synced Kubernetes Secrets let pods take DATABASE_URL as an environment variable.
        values: { syncSecret: { enabled: true }, enableSecretRotation: true },
      },
      k8sOpts,
    );
    const awsProvider = new k8s.helm.v3.Release(
      `${name}-secrets-store-aws`,
      {
        name: 'secrets-store-csi-driver-provider-aws',
        namespace: 'kube-system',
        chart: charts.secretsStoreAwsProvider.chart,
        version: charts.secretsStoreAwsProvider.version,
        repositoryOpts: { repo: charts.secretsStoreAwsProvider.repo },
        values: { 'secrets-store-csi-driver': { install: false } },
      },
      { ...k8sOpts, dependsOn: [csiDriver] },
    );

    const namespace = new k8s.core.v1.Namespace(`${name}-monitoring`, { metadata: { name: monitoringNamespace } }, k8sOpts);
    const dashboards = args.observability.dashboards.map(
      (dashboard) =>
        new k8s.core.v1.ConfigMap(
          `${name}-dashboard-${dashboard.name}`,
          {
            metadata: {
              name: `rtc-dashboard-${dashboard.name}`,
              namespace: namespace.metadata.name,
              labels: { grafana_dashboard: '1', 'app.kubernetes.io/part-of': 'rtc' },
            },
            data: { [`${dashboard.name}.json`]: dashboard.json },
          },
          k8sOpts,
        ),
    );

    const grafanaAdminPassword = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, { parent: this }).result;
    const grafanaAdminSecret = new aws.secretsmanager.Secret(
      `${name}-grafana-admin`,
      {
        name: `rtc/${args.stack}/grafana`,
        description: "Grafana's admin login; staff sign in with it, then give colleagues their own users",
        kmsKeyId: args.secretsKeyArn,
        recoveryWindowInDays: 7,
        tags: args.tags,
      },
      { parent: this },
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-grafana-admin`,
      { secretId: grafanaAdminSecret.id, secretString: pulumi.jsonStringify({ username: 'admin', password: grafanaAdminPassword }) },
      { parent: this },
    );
    this.grafanaAdminSecretName = grafanaAdminSecret.name;

    const alertmanagerRole = new aws.iam.Role(
      `${name}-alertmanager`,
      {
        name: `${args.prefix}-alertmanager`,
        description: "IRSA role of Alertmanager: publishes to the stack's alarm topic",
        assumeRolePolicy: irsaTrustPolicy(args.oidc, alertmanagerAccount),
        tags: args.tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-alertmanager`,
      {
        role: alertmanagerRole.id,
        name: 'publish-alarms',
        policy: policyDocument([
          { Sid: 'PublishAlarms', Effect: 'Allow', Action: 'sns:Publish', Resource: args.alarmTopicArn },
          {
            Sid: 'EncryptThroughSns',
            Effect: 'Allow',
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Resource: args.alarmKeyArn,
            Condition: { StringEquals: { 'kms:ViaService': pulumi.interpolate`sns.${region}.amazonaws.com` } },
          },
        ]),
      },
      { parent: this },
    );
    const prometheus = new k8s.helm.v3.Release(
      `${name}-kube-prometheus-stack`,
      {
        name: prometheusRelease,
        namespace: namespace.metadata.name,
        chart: charts.kubePrometheusStack.chart,
        version: charts.kubePrometheusStack.version,
        repositoryOpts: { repo: charts.kubePrometheusStack.repo },
        values: {
          // RTC's ServiceMonitors live beside the workloads, without the release label.
          prometheus: {
            prometheusSpec: {
              retention: args.monitoring.prometheusRetention,
              serviceMonitorSelectorNilUsesHelmValues: false,
              podMonitorSelectorNilUsesHelmValues: false,
              ruleSelectorNilUsesHelmValues: false,
              storageSpec: {
                volumeClaimTemplate: {
                  spec: {
                    storageClassName: storageClass.metadata.name,
                    accessModes: ['ReadWriteOnce'],
                    resources: { requests: { storage: `${args.monitoring.prometheusStorageGb}Gi` } },
                  },
                },
              },
            },
          },
          additionalPrometheusRulesMap: Object.fromEntries(args.observability.rules.map((rule) => [`rtc-${rule.name}`, { groups: rule.groups }])),
          alertmanager: {
            serviceAccount: { create: true, name: alertmanagerAccount.name, annotations: { 'eks.amazonaws.com/role-arn': alertmanagerRole.arn } },
            config: alertmanagerConfig(args.alarmTopicArn, region),
          },
          grafana: {
            adminUser: 'admin',
            adminPassword: grafanaAdminPassword,
            sidecar: { dashboards: { enabled: true, label: 'grafana_dashboard', labelValue: '1', searchNamespace: 'ALL' } },
            // Staff reach Grafana through the load balancer and sign in; nobody browses it anonymously or signs up.
            'grafana.ini': {
              server: { root_url: args.grafanaUrl },
              'auth.anonymous': { enabled: false },
              users: { allow_sign_up: false },
              security: { cookie_secure: true, disable_gravatar: true },
            },
          },
        },
      },
      { ...k8sOpts, dependsOn: [metricsServer, ...dashboards] },
    );

    // The contrib image carries the awsxray exporter; the collector signs its X-Ray calls with its own IRSA role.
    const collectorRole = new aws.iam.Role(
      `${name}-otel-collector`,
      {
        name: `${args.prefix}-otel-collector`,
        description: 'IRSA role of the OpenTelemetry collector, which writes traces to X-Ray',
        assumeRolePolicy: irsaTrustPolicy(args.oidc, traceCollector),
        tags: args.tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-otel-collector-xray`,
      { role: collectorRole.name, policyArn: 'arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess' },
      { parent: this },
    );
    const collector = new k8s.helm.v3.Release(
      `${name}-otel-collector`,
      {
        name: traceCollector.name,
        namespace: namespace.metadata.name,
        chart: charts.openTelemetryCollector.chart,
        version: charts.openTelemetryCollector.version,
        repositoryOpts: { repo: charts.openTelemetryCollector.repo },
        values: {
          fullnameOverride: traceCollector.name,
          mode: 'deployment',
          replicaCount: 2,
          image: { repository: 'otel/opentelemetry-collector-contrib' },
          serviceAccount: { create: true, name: traceCollector.name, annotations: { 'eks.amazonaws.com/role-arn': collectorRole.arn } },
          ports: { 'otlp-http': { enabled: true, containerPort: traceCollector.otlpHttpPort, servicePort: traceCollector.otlpHttpPort } },
          config: {
            receivers: { otlp: { protocols: { http: { endpoint: `0.0.0.0:${traceCollector.otlpHttpPort}` } } } },
            processors: { batch: {}, memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 20 } },
            // X-Ray indexes these span attributes as annotations: a trace is found from a log line's request id.
            exporters: { awsxray: { region, indexed_attributes: ['rtc.request_id', 'graphql.operation.name'] } },
            service: { pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['awsxray'] } } },
          },
        },
      },
      { ...k8sOpts, dependsOn: [metricsServer] },
    );

    // Container logs: the add-on's Fluent Bit writes to these groups; creating them first sets the retention.
    const logGroups = containerLogGroups.map(
      (group) =>
        new aws.cloudwatch.LogGroup(
          `${name}-container-${group}`,
          { name: pulumi.interpolate`/aws/containerinsights/${args.clusterName}/${group}`, retentionInDays: args.logRetentionDays, tags: args.tags },
          { parent: this },
        ),
    );
    const cloudWatchAgentRole = new aws.iam.Role(
      `${name}-cloudwatch-agent`,
      {
        name: `${args.prefix}-cloudwatch-agent`,
        description: 'IRSA role of the CloudWatch agent and Fluent Bit: container logs and metrics to CloudWatch',
        assumeRolePolicy: irsaTrustPolicy(args.oidc, cloudWatchAgentAccount),
        tags: args.tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-cloudwatch-agent`,
      { role: cloudWatchAgentRole.name, policyArn: 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy' },
      { parent: this },
    );
    new aws.eks.Addon(
      `${name}-cloudwatch-observability`,
      {
        clusterName: args.clusterName,
        addonName: 'amazon-cloudwatch-observability',
        serviceAccountRoleArn: cloudWatchAgentRole.arn,
        resolveConflictsOnUpdate: 'OVERWRITE',
        tags: args.tags,
      },
      { parent: this, dependsOn: logGroups },
    );

    this.ready = [csiDriver, awsProvider, prometheus, storageClass, collector];
    this.registerOutputs({ grafanaAdminSecretName: this.grafanaAdminSecretName });
  }
}

/** Every alert goes to the stack's SNS topic (signed with Alertmanager's IRSA role); resolutions too. */
export function alertmanagerConfig(topicArn: pulumi.Input<string>, region: pulumi.Input<string>): pulumi.Output<object> {
  return pulumi.all([topicArn, region]).apply(([topic, awsRegion]): object => ({
    route: {
      receiver: 'sns',
      group_by: ['alertname', 'namespace', 'service'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [{ receiver: 'null', matchers: ['alertname = "Watchdog"'] }],
    },
    receivers: [
      { name: 'null' },
      {
        name: 'sns',
        sns_configs: [
          {
            topic_arn: topic,
            sigv4: { region: awsRegion },
            send_resolved: true,
            subject: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}',
          },
        ],
      },
    ],
  }));
}
