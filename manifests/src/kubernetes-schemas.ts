import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { customResourceValidators } from './custom-resource-schemas';
import type { KubernetesObject } from './kubernetes-object';

interface Validatable {
  validate(): void;
}

/**
 * The Kubernetes version RTC's clusters run (EKS, standard support; the Pulumi stack sets it). Rendered
 * objects are validated against kubernetes-models 5.1, generated from Kubernetes 1.36's OpenAPI: no package
 * publishes 1.35's, and every kind below is served at the same API version, unchanged, by both.
 */
export const kubernetesVersion = '1.35';

/**
 * The kinds RTC deploys, each with its schema, all at API versions a Kubernetes 1.35 cluster serves.
 * An object of any other kind is refused until it is added here.
 */
const models: Record<string, new (data: never) => Validatable> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

/** Returns the schema errors of one object, or [] when it is valid. */
export function schemaErrors(object: KubernetesObject): string[] {
  const key = `${object.apiVersion}/${object.kind}`;
  const validateCustomResource = customResourceValidators[key];
  if (validateCustomResource) {
    if (validateCustomResource(object)) return [];
    return (validateCustomResource.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
  }
  const Model = models[key];
  if (!Model) return [`no schema for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(structuredClone(object) as never).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

// The schemas accept unknown fields, which the API server would drop or reject; a typo such as
// `readinesProbe` must fail here too. Typed as Record<keyof ...> so the lists follow the models exactly.
const containerFields: Record<keyof IContainer, true> = {
  args: true,
  command: true,
  env: true,
  envFrom: true,
  image: true,
  imagePullPolicy: true,
  lifecycle: true,
  livenessProbe: true,
  name: true,
  ports: true,
  readinessProbe: true,
  resizePolicy: true,
  resources: true,
  restartPolicy: true,
  restartPolicyRules: true,
  securityContext: true,
  startupProbe: true,
  stdin: true,
  stdinOnce: true,
  terminationMessagePath: true,
  terminationMessagePolicy: true,
  tty: true,
  volumeDevices: true,
  volumeMounts: true,
  workingDir: true,
};
const podSpecFields: Record<keyof IPodSpec, true> = {
  activeDeadlineSeconds: true,
  affinity: true,
  automountServiceAccountToken: true,
  containers: true,
  dnsConfig: true,
  dnsPolicy: true,
  enableServiceLinks: true,
  ephemeralContainers: true,
  hostAliases: true,
  hostIPC: true,
  hostNetwork: true,
  hostPID: true,
  hostUsers: true,
  hostname: true,
  hostnameOverride: true,
  imagePullSecrets: true,
  initContainers: true,
  nodeName: true,
  nodeSelector: true,
  os: true,
  overhead: true,
  preemptionPolicy: true,
  priority: true,
  priorityClassName: true,
  readinessGates: true,
  resourceClaims: true,
  resources: true,
  restartPolicy: true,
  runtimeClassName: true,
  schedulerName: true,
  schedulingGates: true,
  schedulingGroup: true,
  securityContext: true,
  serviceAccount: true,
  serviceAccountName: true,
  setHostnameAsFQDN: true,
  shareProcessNamespace: true,
  subdomain: true,
  terminationGracePeriodSeconds: true,
  tolerations: true,
  topologySpreadConstraints: true,
  volumes: true,
};

export function unknownPodFields(podSpec: Record<string, unknown>): string[] {
  const unknown = Object.keys(podSpec).filter((field) => !(field in podSpecFields));
  const containers = [...((podSpec.containers as object[]) ?? []), ...((podSpec.initContainers as object[]) ?? [])];
  for (const container of containers) {
    unknown.push(...Object.keys(container).filter((field) => !(field in containerFields)));
  }
  return unknown;
}

function podSpecOf(object: KubernetesObject): Record<string, unknown> | undefined {
  return (object.spec as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec;
}

/** Every problem of the rendered objects: schema errors, unknown pod fields; [] when all are valid. */
export function validateObjects(objects: readonly KubernetesObject[]): string[] {
  return objects.flatMap((object) => {
    const where = `${object.kind} ${object.metadata.name}`;
    const podSpec = podSpecOf(object);
    return [
      ...schemaErrors(object).map((error) => `${where}: ${error}`),
      ...(podSpec ? unknownPodFields(podSpec).map((field) => `${where}: unknown field ${field}`) : []),
    ];
  });
}
