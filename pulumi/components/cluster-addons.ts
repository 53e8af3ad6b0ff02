import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import type { MonitoringSettings } from '../config.js';
import { charts } from './chart-versions.js';
import { irsaTrustPolicy, type OidcProvider } from './iam-documents.js';
import type { ObservabilityFiles } from './observability-files.js';

export interface ClusterAddonsArgs {
  readonly prefix: string;
  readonly provider: k8s.Provider;
  /** The cluster's OIDC provider: the trace collector writes to X-Ray through its own IRSA role. */
  readonly oidc: OidcProvider;
  readonly tags: Record<string, string>;
  readonly monitoring: MonitoringSettings;
  /** RTC's Prometheus rules and Grafana dashboards, read from the observability folder. */
  readonly observability: ObservabilityFiles;
}

export const monitoringNamespace = 'monitoring';
/** The helm release name; kube-prometheus-stack names its objects after it. */
export const prometheusRelease = 'kube-prometheus-stack';
/** The trace collector's ServiceAccount and Service: services send OTLP/HTTP to otel-collector.monitoring:4318. */
export const traceCollector = { namespace: monitoringNamespace, name: 'otel-collector', otlpHttpPort: 4318 } as const;

/**
 * What every workload relies on: metrics-server (HPA), an encrypted gp3 StorageClass, the Secrets Store
 * CSI driver with its AWS provider (database secrets reach pods through their own IRSA role), and
 * kube-prometheus-stack loaded with RTC's rules and dashboards, and an OpenTelemetry collector that receives every
 * service's spans over OTLP and sends them to AWS X-Ray.
 */
export class ClusterAddons extends pulumi.ComponentResource {
  readonly grafanaAdminPassword: pulumi.Output<string>;
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

    this.grafanaAdminPassword = new random.RandomPassword(`${name}-grafana-admin`, { length: 24, special: false }, { parent: this }).result;
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
          grafana: {
            adminPassword: this.grafanaAdminPassword,
            sidecar: { dashboards: { enabled: true, label: 'grafana_dashboard', labelValue: '1', searchNamespace: 'ALL' } },
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
    const region = aws.getRegionOutput({}, { parent: this }).region;
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

    this.ready = [csiDriver, awsProvider, prometheus, storageClass, collector];
    this.registerOutputs({});
  }
}
