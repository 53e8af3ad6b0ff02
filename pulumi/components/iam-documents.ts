import * as pulumi from '@pulumi/pulumi';

type Strings = pulumi.Input<string> | pulumi.Input<string>[];

/** One IAM policy statement, as AWS reads it; any field may still be an Output. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource?: Strings;
  readonly Principal?: Record<string, Strings>;
  readonly Condition?: Record<string, Record<string, Strings>>;
}

/** A policy document as a JSON string: stable diffs, and the same text the tests and AWS read. */
export function policyDocument(statements: pulumi.Input<pulumi.Input<Statement>[]>): pulumi.Output<string> {
  return pulumi.jsonStringify({ Version: '2012-10-17', Statement: statements });
}

/** Trust policy letting an AWS service (ec2.amazonaws.com, ...) assume the role. */
export function serviceTrustPolicy(...services: string[]): pulumi.Output<string> {
  return policyDocument([{ Effect: 'Allow', Principal: { Service: services.length === 1 ? services[0]! : services }, Action: 'sts:AssumeRole' }]);
}

/** Where a Kubernetes ServiceAccount lives, for IAM roles for service accounts (IRSA). */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/** The cluster's OIDC identity provider, as IRSA trust policies need it. */
export interface OidcProvider {
  readonly arn: pulumi.Input<string>;
  /** Issuer URL without the https:// scheme. */
  readonly issuer: pulumi.Input<string>;
}

/** The statement letting exactly one ServiceAccount of the cluster assume a role through its OIDC token. */
export function irsaTrustStatement(oidc: OidcProvider, account: ServiceAccountRef): pulumi.Output<Statement> {
  return pulumi.all([oidc.arn, oidc.issuer]).apply(([arn, issuer]) => ({
    Effect: 'Allow' as const,
    Principal: { Federated: arn },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: {
        [`${issuer}:sub`]: `system:serviceaccount:${account.namespace}:${account.name}`,
        [`${issuer}:aud`]: 'sts.amazonaws.com',
      },
    },
  }));
}

/** Trust policy of a role that only the given ServiceAccount can assume. */
export function irsaTrustPolicy(oidc: OidcProvider, account: ServiceAccountRef): pulumi.Output<string> {
  return policyDocument([irsaTrustStatement(oidc, account)]);
}
