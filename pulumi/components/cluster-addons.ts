import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { MonitoringSettings } from "../config.js";
import { charts } from "./chart-versions.js";
import type { ObservabilityFiles } from "./observability-files.js";

export interface ClusterAddonsArgs {
  readonly provider: k8s.Provider;
  readonly monitoring: MonitoringSettings;
  /** RTC's Prometheus rules and Grafana dashboards, read from the observability folder. */
  readonly observability: ObservabilityFiles;
}

export const monitoringNamespace = "monitoring";
/** The helm release name; kube-prometheus-stack names its objects after it. */
export const prometheusRelease = "kube-prometheus-stack";

/**
 * What every workload relies on: metrics-server (HPA), an encrypted gp3 StorageClass, the Secrets Store
 * CSI driver with its AWS provider (database secrets reach pods through their own IRSA role), and
 * kube-prometheus-stack loaded with RTC's rules and dashboards.
 */
export class ClusterAddons extends pulumi.ComponentResource {
  readonly grafanaAdminPassword: pulumi.Output<string>;
  /** Resources the workloads need first (CRDs of the CSI driver and the Prometheus operator). */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rtc:cluster-addons:ClusterAddons", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };

    const metricsServer = new k8s.helm.v3.Release(
      `${name}-metrics-server`,
      {
        name: "metrics-server",
        namespace: "kube-system",
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
        metadata: { name: "gp3-encrypted" },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true" },
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: "Retain",
      },
      k8sOpts,
    );

    const csiDriver = new k8s.helm.v3.Release(
      `${name}-secrets-store`,
      {
        name: "secrets-store-csi-driver",
        namespace: "kube-system",
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
        name: "secrets-store-csi-driver-provider-aws",
        namespace: "kube-system",
        chart: charts.secretsStoreAwsProvider.chart,
        version: charts.secretsStoreAwsProvider.version,
        repositoryOpts: { repo: charts.secretsStoreAwsProvider.repo },
        values: { "secrets-store-csi-driver": { install: false } },
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
              labels: { grafana_dashboard: "1", "app.kubernetes.io/part-of": "rtc" },
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
                    accessModes: ["ReadWriteOnce"],
                    resources: { requests: { storage: `${args.monitoring.prometheusStorageGb}Gi` } },
                  },
                },
              },
            },
          },
          additionalPrometheusRulesMap: Object.fromEntries(
            args.observability.rules.map((rule) => [`rtc-${rule.name}`, { groups: rule.groups }]),
          ),
          grafana: {
            adminPassword: this.grafanaAdminPassword,
            sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" } },
          },
        },
      },
      { ...k8sOpts, dependsOn: [metricsServer, ...dashboards] },
    );

    this.ready = [csiDriver, awsProvider, prometheus, storageClass];
    this.registerOutputs({});
  }
}
