export type { KubernetesObject } from './kubernetes-object';
export { objectId } from './kubernetes-object';
export { kubernetesVersion, schemaErrors, unknownPodFields, validateObjects } from './kubernetes-schemas';
export { formatImageReference, isImageDigest, parseImageReference } from './image-reference';
export type { ImageReference } from './image-reference';
export { kustomizeVersion, parseObjects, renderKustomization } from './kustomize';
export type { ImageRule } from './kustomize';
export { awsAccountOf, isMigrationJob, isOverlay, manifestsDirectory, overlayDirectory, overlays, renderOverlay, toYaml } from './render-overlay';
export type { Overlay, RenderOverlayOptions } from './render-overlay';
export {
  albDeregistrationDelaySeconds,
  buildCacheRepositoryName,
  databaseSecretKeys,
  databaseSecretName,
  nodeCapacity,
  pipelineIdentities,
  platformNamespaces,
  platformSecretKeys,
  platformSecretName,
  podReadinessGateLabel,
  rdsCaBundlePath,
  securityGroupPolicyLabel,
  securityGroupPolicySelector,
} from './platform-contract';
export type { NodeCapacity, PipelineIdentity } from './platform-contract';
export { baseImageName, getService, isServiceName, serviceNames, services, subgraphs, workloadNamespace } from './services';
export type { RtcService, ServiceName } from './services';
