import { getService, platformNamespaces, services, subgraphs, type RtcService } from '@rtc/manifests';

/** The RTC services that run in the cluster: the one list the manifests, CI and tests read too. */
export { services, type RtcService };

/** The subgraphs: the services with a database of their own (their images also run the migration job). */
export const databaseServices = subgraphs;

/** The Kubernetes namespace of RTC's workloads (the manifests overlays deploy into it). */
export const workloadNamespace = platformNamespaces.workloads;

/** The gateway is the only service the load balancer reaches. */
export const gatewayService = getService('gateway');
