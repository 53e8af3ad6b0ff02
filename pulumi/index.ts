import * as aws from '@pulumi/aws';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cache } from './components/cache.js';
import { ClusterAddons } from './components/cluster-addons.js';
import { Cluster } from './components/cluster.js';
import { DatabaseUsers } from './components/database-users.js';
import { Database } from './components/database.js';
import { Edge } from './components/edge.js';
import { Iam } from './components/iam.js';
import { Jenkins } from './components/jenkins.js';
import { Monitoring } from './components/monitoring.js';
import { Network } from './components/network.js';
import { readObservabilityFiles } from './components/observability-files.js';
import { Registry } from './components/registry.js';
import { Workloads } from './components/workloads.js';
import { loadStackConfig } from './config.js';
import { databaseServices, services, workloadNamespace } from './services.js';

const projectDir = path.dirname(fileURLToPath(import.meta.url));
const config = loadStackConfig();
const { prefix, tags } = config;
const logRetentionDays = config.monitoring.logRetentionDays;
const ciAgents = { namespace: 'jenkins', name: 'jenkins-agent' };

// 1. Network: VPC over three zones and the security groups of every allowed path.
const network = new Network('network', { prefix, settings: config.network, logRetentionDays, tags });

// 2. Images: one ECR repository per service.
const registry = new Registry('registry', { prefix, settings: config.registry, services, tags });

// 3. Kubernetes: EKS, its node groups and the OIDC provider for IRSA.
const cluster = new Cluster('cluster', { prefix, settings: config.cluster, network, logRetentionDays, tags });

// 4. Data: RDS MySQL with a secret per subgraph, and Redis for the event bus.
const database = new Database('database', {
  prefix,
  stack: config.stack,
  settings: config.database,
  network,
  services: databaseServices,
  logRetentionDays,
  tags,
});
const cache = new Cache('cache', {
  prefix,
  settings: config.cache,
  network,
  authToken: config.secrets.redisAuthToken,
  logRetentionDays,
  tags,
});

// 5. Identity: a role per service account, and the CI role.
const iam = new Iam('iam', {
  prefix,
  services,
  workloadNamespace,
  oidc: cluster.oidc,
  databaseSecrets: database.serviceSecrets,
  secretsKeyArn: database.key.arn,
  repositoryArns: registry.repositoryArns,
  clusterName: cluster.name,
  clusterArn: cluster.arn,
  ciNamespaces: [workloadNamespace, ciAgents.namespace],
  ciAgentServiceAccount: ciAgents,
  tags,
});

// 6. In the cluster: add-ons and observability (metrics, dashboards, traces to X-Ray), the subgraphs' MySQL users, then RTC's workloads from manifests/.
const addons = new ClusterAddons('addons', {
  prefix,
  provider: cluster.provider,
  oidc: cluster.oidc,
  tags,
  monitoring: config.monitoring,
  observability: readObservabilityFiles(path.resolve(projectDir, config.observabilityDir)),
});
const databaseUsers = new DatabaseUsers('database-users', {
  prefix,
  provider: cluster.provider,
  oidc: cluster.oidc,
  namespace: 'rtc-ops',
  databaseHost: database.address,
  masterSecretArn: database.masterSecretArn,
  serviceSecrets: database.serviceSecrets,
  secretsKeyArn: database.key.arn,
  dependsOn: addons.ready,
  tags,
});
const workloads = new Workloads('workloads', {
  provider: cluster.provider,
  namespace: workloadNamespace,
  serviceRoles: iam.serviceRoles,
  databaseSecrets: database.serviceSecrets,
  region: aws.getRegionOutput().region,
  platformSecrets: {
    REDIS_URL: cache.url,
    INTERNAL_TOKEN: config.secrets.internalToken,
    JWT_SECRET: config.secrets.jwtSecret,
  },
  overlay: path.resolve(projectDir, config.manifestsOverlay),
  dependsOn: [...addons.ready, databaseUsers.job],
});

// 7. Edge: ALB with HTTPS and WAF in front of the gateway.
const edge = new Edge('edge', {
  prefix,
  settings: config.edge,
  network,
  clusterName: cluster.name,
  oidc: cluster.oidc,
  provider: cluster.provider,
  workloadNamespace: workloads.namespace,
  logRetentionDays,
  tags,
});

// 8. Alarms to the on-call topic.
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

// 9. CI: the Jenkins controller, its agents as pods in EKS.
const jenkins = new Jenkins('jenkins', {
  prefix,
  settings: config.jenkins,
  network,
  instanceProfileName: iam.ciInstanceProfile.name,
  ciRoleArn: iam.ciRole.arn,
  clusterSecurityGroupId: cluster.clusterSecurityGroupId,
  provider: cluster.provider,
  agentServiceAccount: ciAgents,
  tags,
});

export const gatewayUrl = edge.gatewayUrl;
export const ecrRepositoryUrls = registry.repositoryUrls;
export const clusterName = cluster.name;
export const kubeconfig = cluster.kubeconfig;
export const databaseEndpoint = database.address;
export const databaseSecretNames = Object.fromEntries(database.serviceSecrets.map((secret) => [secret.service, secret.secretName]));
export const redisEndpoint = cache.primaryEndpoint;
export const alarmTopicArn = monitoring.alarmTopic.arn;
export const ciRoleArn = iam.ciRole.arn;
export const jenkinsInstanceId = jenkins.instance.id;
export const grafanaAdminPassword = addons.grafanaAdminPassword;
