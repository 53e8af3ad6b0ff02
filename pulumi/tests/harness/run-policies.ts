import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { policies } from '../../policy/rules.js';

class NotApplicable extends Error {}

export interface Violation {
  readonly policy: string;
  readonly message: string;
}

/** Calls every policy's validateResource on one resource, as the policy engine would during a preview. */
export async function violationsOf(
  resource: { type: string; name: string; props: Record<string, unknown>; stack?: string },
  pack: ResourceValidationPolicy[] = policies,
): Promise<Violation[]> {
  const found: Violation[] = [];
  const args: ResourceValidationArgs = {
    type: resource.type,
    name: resource.name,
    urn: `urn:pulumi:${resource.stack ?? 'test'}::rtc::${resource.type}::${resource.name}`,
    props: resource.props,
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
      parent: undefined,
      dependsOn: [],
      propertyDependencies: {},
    } as never,
    stackTags: new Map(),
    isType: (resourceClass) => (resourceClass as unknown as { __pulumiType?: string }).__pulumiType === resource.type,
    asType: ((resourceClass: unknown) =>
      (resourceClass as { __pulumiType?: string }).__pulumiType === resource.type ? resource.props : undefined) as ResourceValidationArgs['asType'],
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
  for (const policy of pack) {
    const declared = policy.validateResource;
    const validations = declared === undefined ? [] : Array.isArray(declared) ? declared : [declared];
    for (const validate of validations) {
      try {
        await validate(args, (message) => found.push({ policy: policy.name, message }));
      } catch (error) {
        if (!(error instanceof NotApplicable)) throw error;
      }
    }
  }
  return found;
}
