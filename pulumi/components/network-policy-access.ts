import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { deployKubernetesGroup } from './iam.js';

export interface NetworkPolicyAccessArgs {
  readonly provider: k8s.Provider;
  /** The platform's namespaces besides RTC's own, whose NetworkPolicies the release overlay carries. */
  readonly namespaces: readonly string[];
}

const writeVerbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/**
 * Lets the deploy role write NetworkPolicies, and nothing else, in the platform's other namespaces: the overlay keeps
 * every namespace's policies next to the services they let through (manifests/namespaces), while the role's EKS access
 * policy covers RTC's namespace alone.
 */
export class NetworkPolicyAccess extends pulumi.ComponentResource {
  constructor(name: string, args: NetworkPolicyAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super('rtc:release-target:NetworkPolicyAccess', name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    for (const namespace of args.namespaces) {
      const role = new k8s.rbac.v1.Role(
        `${name}-${namespace}`,
        {
          metadata: { name: 'rtc-deployer-network-policies', namespace },
          rules: [{ apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: writeVerbs }],
        },
        k8sOpts,
      );
      new k8s.rbac.v1.RoleBinding(
        `${name}-${namespace}`,
        {
          metadata: { name: 'rtc-deployer-network-policies', namespace },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: deployKubernetesGroup }],
        },
        k8sOpts,
      );
    }
    this.registerOutputs({});
  }
}
