import type * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { stringify } from 'yaml';
import type { ServiceDatabaseSecret } from './database.js';
import { ciKubernetesGroup } from './iam.js';

export interface WorkloadsArgs {
  readonly provider: k8s.Provider;
  readonly namespace: string;
  /** Each service's IRSA role, annotated on the overlay's ServiceAccount of the same name. */
  readonly serviceRoles: Record<string, aws.iam.Role>;
  readonly databaseSecrets: readonly ServiceDatabaseSecret[];
  readonly region: pulumi.Input<string>;
  /** Settings every service reads: REDIS_URL, INTERNAL_TOKEN, JWT_SECRET. */
  readonly platformSecrets: Record<string, pulumi.Input<string>>;
  /** The kustomize overlay to render and apply (an absolute path). */
  readonly overlay: string;
  /** What must run before the workloads (CRDs of the CSI driver and the Prometheus operator). */
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** Name of the Kubernetes Secret (synced by the CSI driver) holding a subgraph's DATABASE_URL. */
export function databaseSecretName(service: string): string {
  return `${service}-database`;
}

/** The Kubernetes Secret whose DATABASE_URL a service's migration Job uses: its migration account's. */
export function migrationDatabaseSecretName(service: string): string {
  return `${service}-database-migration`;
}

const roleAnnotation = 'eks.amazonaws.com/role-arn';

/** A Kubernetes object as kustomize renders it, before Pulumi registers it. */
interface RenderedObject {
  kind?: string;
  metadata?: { name?: string; annotations?: Record<string, pulumi.Input<string>> };
}

/**
 * Sets each service's IRSA role on the ServiceAccount of the same name that the overlay declares, so
 * the manifests need not know the AWS account: only this program knows the role ARNs.
 */
export function bindServiceAccountRoles(roles: Record<string, { arn: pulumi.Input<string> }>): (object: RenderedObject) => void {
  return (object) => {
    const name = object.metadata?.name;
    if (object.kind !== 'ServiceAccount' || !name || !roles[name]) return;
    object.metadata = { ...object.metadata, annotations: { ...object.metadata?.annotations, [roleAnnotation]: roles[name].arn } };
  };
}

const releasedImagePaths = ['spec.template.spec.containers[*].image', 'spec.template.spec.initContainers[*].image'];

/**
 * Jenkins owns the images after the first rollout (each release sets the commit's tag), so a later
 * `pulumi up` must not put the overlay's tags back: Pulumi leaves the images of Deployments and Jobs alone.
 */
export function leaveImagesToReleases(object: RenderedObject, opts: pulumi.CustomResourceOptions): void {
  if (object.kind !== 'Deployment' && object.kind !== 'Job') return;
  opts.ignoreChanges = [...(opts.ignoreChanges ?? []), ...releasedImagePaths];
}

/**
 * RTC's workloads: the namespace (restricted Pod Security), the SecretProviderClass that brings each
 * subgraph's DATABASE_URL from Secrets Manager, the shared platform secret, then the rendered kustomize
 * overlay from manifests/, whose ServiceAccounts get their IRSA role on the way in.
 */
export class Workloads extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: WorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('rtc:workloads:Workloads', name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };

    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: args.namespace,
          labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'app.kubernetes.io/part-of': 'rtc' },
        },
      },
      k8sOpts,
    );
    this.namespace = namespace.metadata.name;

    const providerClasses = args.databaseSecrets.map(
      (secret) =>
        new k8s.apiextensions.CustomResource(
          `${name}-${secret.service}-database`,
          {
            apiVersion: 'secrets-store.csi.x-k8s.io/v1',
            kind: 'SecretProviderClass',
            metadata: { name: databaseSecretName(secret.service), namespace: this.namespace },
            spec: {
              provider: 'aws',
              parameters: {
                region: args.region,
                objects: secret.secretName.apply((objectName) =>
                  stringify([
                    {
                      objectName,
                      objectType: 'secretsmanager',
                      jmesPath: [
                        { path: 'url', objectAlias: 'DATABASE_URL' },
                        { path: 'migrationUrl', objectAlias: 'MIGRATION_DATABASE_URL' },
                      ],
                    },
                  ]),
                ),
              },
              secretObjects: [
                {
                  secretName: databaseSecretName(secret.service),
                  type: 'Opaque',
                  data: [{ objectName: 'DATABASE_URL', key: 'DATABASE_URL' }],
                },
                {
                  secretName: migrationDatabaseSecretName(secret.service),
                  type: 'Opaque',
                  data: [{ objectName: 'MIGRATION_DATABASE_URL', key: 'DATABASE_URL' }],
                },
              ],
            },
          },
          { ...k8sOpts, dependsOn: args.dependsOn },
        ),
    );

    const platform = new k8s.core.v1.Secret(
      `${name}-platform`,
      {
        metadata: { name: 'rtc-platform', namespace: this.namespace },
        type: 'Opaque',
        stringData: args.platformSecrets,
      },
      k8sOpts,
    );

    // Releases apply the overlay's ServiceMonitors too, which the EKS edit access policy does not cover.
    const releaser = new k8s.rbac.v1.Role(
      `${name}-ci-servicemonitors`,
      {
        metadata: { name: 'rtc-ci-servicemonitors', namespace: this.namespace },
        rules: [
          { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
        ],
      },
      k8sOpts,
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-ci-servicemonitors`,
      {
        metadata: { name: 'rtc-ci-servicemonitors', namespace: this.namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: releaser.metadata.name },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: ciKubernetesGroup }],
      },
      k8sOpts,
    );

    // The provider renders the overlay with its bundled kustomize; each object passes the transformation
    // before it is registered, so the ServiceAccounts are created with their role.
    new k8s.kustomize.Directory(
      `${name}-overlay`,
      { directory: args.overlay, transformations: [bindServiceAccountRoles(args.serviceRoles), leaveImagesToReleases] },
      { ...k8sOpts, dependsOn: [namespace, ...providerClasses, platform, ...args.dependsOn] },
    );

    this.registerOutputs({ namespace: this.namespace });
  }
}
