export type { KubernetesObject } from './kubernetes-object';
export { objectId } from './kubernetes-object';
export { schemaErrors, unknownPodFields, validateObjects } from './kubernetes-schemas';
export { parseImageReference, formatImageReference, parseObjects, renderKustomization } from './render-kustomization';
export type { ImageReference } from './render-kustomization';
export { awsAccountOf, isMigrationJob, isOverlay, manifestsDirectory, overlayDirectory, overlays, renderOverlay, toYaml } from './render-overlay';
export type { Overlay, RenderOverlayOptions } from './render-overlay';
export {
  albDeregistrationDelaySeconds,
  databaseSecretName,
  nodeCapacity,
  pipelineIdentities,
  platformNamespaces,
  platformSecretKeys,
  platformSecretName,
  podReadinessGateLabel,
  rdsCaBundlePath,
} from './platform-contract';
export type { NodeCapacity, PipelineIdentity } from './platform-contract';
export { baseImageName, getService, isServiceName, serviceNames, services, subgraphs, workloadNamespace } from './services';
export type { RtcService, ServiceName } from './services';
