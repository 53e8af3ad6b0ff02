import * as aws from '@pulumi/aws';
import { pipelineIdentities, platformNamespaces } from '@rtc/manifests';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cache } from './components/cache.js';
import { ClusterAddons, grafanaService } from './components/cluster-addons.js';
import { Cluster } from './components/cluster.js';
import { DatabaseUsers } from './components/database-users.js';
import { Database } from './components/database.js';
import { Edge } from './components/edge.js';
import { Iam } from './components/iam.js';
import { Jenkins } from './components/jenkins.js';
import { Monitoring } from './components/monitoring.js';
import { NetworkPolicyAccess } from './components/network-policy-access.js';
import { Network } from './components/network.js';
import { readObservabilityFiles } from './components/observability-files.js';
import { PlatformSecrets } from './components/platform-secrets.js';
import { Registry } from './components/registry.js';
import { ReleaseTarget } from './components/release-target.js';
import { loadStackConfig } from './config.js';
import { databaseServices, services, workloadNamespace } from './services.js';

// This program owns the platform; RTC's workloads (Deployments, migration Jobs, Services, ServiceAccounts, HPAs, PDBs,
// SecretProviderClasses, NetworkPolicies, the gateway's TargetGroupBinding) belong to the release overlay that main's
// deploy step applies. So a first `pulumi up` waits for no image, and nothing here has two owners.
const projectDir = path.dirname(fileURLToPath(import.meta.url));
const config = loadStackConfig();
const { prefix, tags, stack } = config;
const logRetentionDays = config.monitoring.logRetentionDays;
const region = aws.getRegionOutput().region;

// 1. Network: VPC over three zones and the security groups of every allowed path, pods' own included.
const network = new Network('network', { prefix, settings: config.network, logRetentionDays, tags });

// 2. Images: one ECR repository per service (immutable tags, scanned on push).
const registry = new Registry('registry', { prefix, settings: config.registry, services, tags });

// 3. Kubernetes: EKS on a standard-support version, its node groups and the OIDC provider for IRSA.
const cluster = new Cluster('cluster', { prefix, settings: config.cluster, network, logRetentionDays, tags });

// 4. Data: RDS MySQL with a secret per subgraph, Redis for the event bus, and the runtime secrets every service reads.
const database = new Database('database', { prefix, stack, settings: config.database, network, services: databaseServices, logRetentionDays, tags });
const cache = new Cache('cache', { prefix, settings: config.cache, network, logRetentionDays, tags });
const platformSecrets = new PlatformSecrets('platform-secrets', { stack, keyArn: database.key.arn, redisUrl: cache.url, tags });

// 5. Identity: a role per service account, the Jenkins controller's, and the deploy role of main's deploy step.
const iam = new Iam('iam', {
  prefix,
  services,
  workloadNamespace,
  oidc: cluster.oidc,
  databaseSecrets: database.serviceSecrets,
  platformSecretArn: platformSecrets.secretArn,
  secretsKeyArn: database.key.arn,
  repositoryArns: registry.repositoryArns,
  clusterName: cluster.name,
  clusterArn: cluster.arn,
  promotionSourceIssuer: config.promotion?.sourceClusterOidcIssuer,
  tags,
});

// 6. Edge: ALB with HTTPS, WAF and access logs in front of the gateway, and of Grafana for staff.
const edge = new Edge('edge', {
  prefix,
  settings: config.edge,
  network,
  clusterName: cluster.name,
  oidc: cluster.oidc,
  provider: cluster.provider,
  grafanaService,
  logRetentionDays,
  tags,
});

// 7. Alarms to the on-call topic.
const monitoring = new Monitoring('monitoring', {
  prefix,
  settings: config.monitoring,
  databaseIdentifier: database.identifier,
  databaseStorageGb: config.database.allocatedStorageGb,
  loadBalancerArnSuffix: edge.loadBalancer.arnSuffix,
  targetGroupArnSuffix: edge.targetGroup.arnSuffix,
  nodeAutoScalingGroups: cluster.nodeAutoScalingGroups,
  tags,
});

// 8. In the cluster: add-ons and observability, the subgraphs' MySQL users, and the namespace the releases deploy into.
const addons = new ClusterAddons('addons', {
  prefix,
  stack,
  provider: cluster.provider,
  clusterName: cluster.name,
  clusterVersion: config.cluster.version,
  region,
  oidc: cluster.oidc,
  alarmTopicArn: monitoring.alarmTopic.arn,
  alarmKeyArn: monitoring.alarmKey.arn,
  grafanaUrl: edge.grafanaUrl,
  secretsKeyArn: database.key.arn,
  tags,
  monitoring: config.monitoring,
  logRetentionDays,
  observability: readObservabilityFiles(path.resolve(projectDir, config.observabilityDir)),
});
const databaseUsers = new DatabaseUsers('database-users', {
  prefix,
  provider: cluster.provider,
  oidc: cluster.oidc,
  namespace: platformNamespaces.operations,
  databaseHost: database.address,
  masterSecretArn: database.masterSecretArn,
  serviceSecrets: database.serviceSecrets,
  secretsKeyArn: database.key.arn,
  podSecurityGroupIds: [cluster.clusterSecurityGroupId, network.podSecurityGroups.databaseClients.id],
  dependsOn: addons.ready,
  tags,
});
const releaseTarget = new ReleaseTarget('release-target', {
  provider: cluster.provider,
  namespace: workloadNamespace,
  services,
  clusterSecurityGroupId: cluster.clusterSecurityGroupId,
  podSecurityGroupIds: {
    gateway: network.podSecurityGroups.gateway.id,
    databaseClients: network.podSecurityGroups.databaseClients.id,
    cacheClients: network.podSecurityGroups.cacheClients.id,
  },
});

// 9. CI: the Jenkins controller; its agents as pods in EKS, builds without cloud rights, main's deploy step with the deploy role.
const jenkins = new Jenkins('jenkins', {
  prefix,
  settings: config.jenkins,
  network,
  instanceProfileName: iam.jenkinsInstanceProfile.name,
  deployRoleArn: iam.deployRole.arn,
  clusterSecurityGroupId: cluster.clusterSecurityGroupId,
  provider: cluster.provider,
  tags,
});
// The release overlay carries the NetworkPolicies of every platform namespace; the deploy role may write those alone.
new NetworkPolicyAccess(
  'network-policy-access',
  { provider: cluster.provider, namespaces: Object.values(platformNamespaces).filter((namespace) => namespace !== workloadNamespace) },
  { dependsOn: [...addons.ready, databaseUsers, jenkins] },
);

export const gatewayUrl = edge.gatewayUrl;
export const grafanaUrl = edge.grafanaUrl;
export const grafanaAdminSecretName = addons.grafanaAdminSecretName;
/** The release overlay's TargetGroupBinding for the gateway takes this ARN. */
export const gatewayTargetGroupArn = edge.targetGroup.arn;
export const accessLogBucket = edge.accessLogBucket.bucket;
export const ecrRepositoryUrls = registry.repositoryUrls;
export const buildCacheRepositoryUrl = registry.buildCache.repositoryUrl;
export const clusterName = cluster.name;
export const kubeconfig = cluster.kubeconfig;
export const workloadNamespaceName = releaseTarget.namespace;
export const databaseEndpoint = database.address;
export const databaseSecretNames = Object.fromEntries(database.serviceSecrets.map((secret) => [secret.service, secret.secretName]));
export const platformSecretName = platformSecrets.secretName;
/** Each service's IRSA role; the release overlay annotates the ServiceAccount of the same name with it. */
export const serviceRoleArns = Object.fromEntries(Object.entries(iam.serviceRoles).map(([service, role]) => [service, role.arn]));
export const redisEndpoint = cache.primaryEndpoint;
export const alarmTopicArn = monitoring.alarmTopic.arn;
export const deployRoleArn = iam.deployRole.arn;
/** The stack a release is promoted into trusts this issuer's deploy ServiceAccount (its `rtc:promotion`). */
export const clusterOidcIssuer = cluster.oidc.issuer;
export const deployServiceAccount = `${pipelineIdentities.deploy.namespace}/${pipelineIdentities.deploy.serviceAccount}`;
export const jenkinsInstanceId = jenkins.instance.id;
/** What the nodes hold at most: the node groups' maxima (the manifests' HPA maxima must fit in them). */
export const nodeGroupMaxima = Object.fromEntries(config.cluster.nodeGroups.map((group) => [group.name, group.maxSize]));
