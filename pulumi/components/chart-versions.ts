/**
 * Helm charts installed into the cluster, pinned so a `pulumi up` is repeatable.
 * Raise them deliberately (`helm search repo <chart> --versions`) and read the chart's upgrade notes.
 */
export const charts = {
  clusterAutoscaler: { repo: 'https://kubernetes.github.io/autoscaler', chart: 'cluster-autoscaler', version: '9.50.1' },
  awsLoadBalancerController: { repo: 'https://aws.github.io/eks-charts', chart: 'aws-load-balancer-controller', version: '1.13.0' },
  kubePrometheusStack: { repo: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', version: '80.7.0' },
  openTelemetryCollector: {
    repo: 'https://open-telemetry.github.io/opentelemetry-helm-charts',
    chart: 'opentelemetry-collector',
    version: '0.140.0',
  },
  metricsServer: { repo: 'https://kubernetes-sigs.github.io/metrics-server', chart: 'metrics-server', version: '3.13.0' },
  secretsStoreCsiDriver: {
    repo: 'https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts',
    chart: 'secrets-store-csi-driver',
    version: '1.6.0',
  },
  secretsStoreAwsProvider: {
    repo: 'https://aws.github.io/secrets-store-csi-driver-provider-aws',
    chart: 'secrets-store-csi-driver-provider-aws',
    version: '3.1.1',
  },
} as const;
