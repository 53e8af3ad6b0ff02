import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { podReadinessGateLabel, securityGroupPolicySelector } from '@rtc/manifests';
import type { RtcService } from '../services.js';
import { deployKubernetesGroup } from './iam.js';

export interface ReleaseTargetArgs {
  readonly provider: k8s.Provider;
  /** RTC's namespace, into which the release path applies the overlay. */
  readonly namespace: string;
  readonly services: readonly RtcService[];
  /** The EKS cluster security group: every pod keeps it, so DNS, the kubelet and pod-to-pod traffic still work. */
  readonly clusterSecurityGroupId: pulumi.Input<string>;
  readonly podSecurityGroupIds: {
    readonly gateway: pulumi.Input<string>;
    readonly databaseClients: pulumi.Input<string>;
    readonly cacheClients: pulumi.Input<string>;
  };
}

/** Custom resources the release overlay holds that the EKS edit access policy does not cover. */
export const releasedCustomResources = [
  { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors'] },
  { apiGroups: ['secrets-store.csi.x-k8s.io'], resources: ['secretproviderclasses'] },
  { apiGroups: ['elbv2.k8s.aws'], resources: ['targetgroupbindings'] },
];
const writeVerbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/**
 * What the release path deploys into, and nothing it deploys: RTC's namespace (restricted Pod Security, pod readiness
 * gates injected by the AWS Load Balancer Controller), the RBAC the deploy role needs for the overlay's custom
 * resources, and the SecurityGroupPolicies that give the gateway and the subgraphs their security groups (only Pulumi
 * knows the group ids). Deployments, Jobs, Services, ServiceAccounts, HPAs, PDBs, SecretProviderClasses and
 * NetworkPolicies belong to the overlay that Jenkins applies.
 */
export class ReleaseTarget extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: ReleaseTargetArgs, opts?: pulumi.ComponentResourceOptions) {
    super('rtc:release-target:ReleaseTarget', name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };

    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: args.namespace,
          labels: {
            'pod-security.kubernetes.io/enforce': 'restricted',
            'app.kubernetes.io/part-of': 'rtc',
            [podReadinessGateLabel]: 'enabled',
          },
        },
      },
      k8sOpts,
    );
    this.namespace = namespace.metadata.name;

    const role = new k8s.rbac.v1.Role(
      `${name}-deployer`,
      {
        metadata: { name: 'rtc-deployer-custom-resources', namespace: this.namespace },
        rules: releasedCustomResources.map((rule) => ({ ...rule, verbs: writeVerbs })),
      },
      k8sOpts,
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-deployer`,
      {
        metadata: { name: 'rtc-deployer-custom-resources', namespace: this.namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: deployKubernetesGroup }],
      },
      k8sOpts,
    );

    const groups = args.podSecurityGroupIds;
    const subgraphs = args.services.filter((service) => service.database !== undefined).map((service) => service.name);
    const policies = [
      { policy: 'gateway', services: ['gateway'], securityGroupIds: [args.clusterSecurityGroupId, groups.gateway, groups.cacheClients] },
      { policy: 'subgraphs', services: subgraphs, securityGroupIds: [args.clusterSecurityGroupId, groups.databaseClients, groups.cacheClients] },
    ];
    for (const { policy, services, securityGroupIds } of policies) {
      new k8s.apiextensions.CustomResource(
        `${name}-${policy}-security-groups`,
        {
          apiVersion: 'vpcresources.k8s.aws/v1beta1',
          kind: 'SecurityGroupPolicy',
          metadata: { name: `rtc-${policy}`, namespace: this.namespace },
          spec: {
            // The manifests test that every pod reaching RDS or Redis, migration Jobs included, matches this selector.
            podSelector: securityGroupPolicySelector(services),
            securityGroups: { groupIds: securityGroupIds },
          },
        },
        k8sOpts,
      );
    }

    this.registerOutputs({ namespace: this.namespace });
  }
}
