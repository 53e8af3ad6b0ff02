import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { lifecyclePolicy } from '../components/registry.js';
import { bindServiceAccountRoles, leaveImagesToReleases } from '../components/workloads.js';
import { readStackConfig, testSecrets } from './harness/build-stack.js';
import { createMockCloud } from './harness/mock-cloud.js';

describe('binding ServiceAccounts to their roles', () => {
  const bind = bindServiceAccountRoles({ orders: { arn: 'arn:aws:iam::123456789012:role/rtc-dev-svc-orders' } });

  it("replaces the overlay's placeholder on the service's ServiceAccount and keeps its other annotations", () => {
    const account = { kind: 'ServiceAccount', metadata: { name: 'orders', annotations: { 'eks.amazonaws.com/role-arn': 'set-by-overlay', team: 'rtc' } } };
    bind(account);
    expect(account.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/rtc-dev-svc-orders', team: 'rtc' });
  });

  it('leaves other kinds and ServiceAccounts without a role untouched', () => {
    const deployment = { kind: 'Deployment', metadata: { name: 'orders' } };
    const stranger = { kind: 'ServiceAccount', metadata: { name: 'default' } };
    bind(deployment);
    bind(stranger);
    expect(deployment).toEqual({ kind: 'Deployment', metadata: { name: 'orders' } });
    expect(stranger).toEqual({ kind: 'ServiceAccount', metadata: { name: 'default' } });
  });
});

describe('images after the first rollout', () => {
  it('are left to Jenkins releases on Deployments and Jobs', () => {
    const opts: pulumi.CustomResourceOptions = { ignoreChanges: ['metadata.labels'] };
    leaveImagesToReleases({ kind: 'Deployment', metadata: { name: 'orders' } }, opts);
    expect(opts.ignoreChanges).toEqual(['metadata.labels', 'spec.template.spec.containers[*].image', 'spec.template.spec.initContainers[*].image']);
  });

  it('do not concern other kinds', () => {
    const opts: pulumi.CustomResourceOptions = {};
    leaveImagesToReleases({ kind: 'Service', metadata: { name: 'orders' } }, opts);
    expect(opts.ignoreChanges).toBeUndefined();
  });
});

describe('the ECR lifecycle policy', () => {
  it('expires untagged images first, then all but the newest tagged ones', () => {
    const policy = JSON.parse(lifecyclePolicy({ keepTaggedImages: 30, untaggedExpiryDays: 7 })) as {
      rules: { rulePriority: number; selection: Record<string, unknown> }[];
    };
    expect(policy.rules.map((rule) => [rule.rulePriority, rule.selection.tagStatus, rule.selection.countType, rule.selection.countNumber])).toEqual([
      [1, 'untagged', 'sinceImagePushed', 7],
      [2, 'any', 'imageCountMoreThan', 30],
    ]);
  });
});

describe('stack configuration', () => {
  it('refuses backups kept fewer than 7 days, naming the setting', async () => {
    const config = readStackConfig('dev');
    const database = { ...JSON.parse(config['rtc:database']!), backupRetentionDays: 3 };
    pulumi.runtime.setAllConfig({ ...config, ...testSecrets, 'rtc:database': JSON.stringify(database) }, Object.keys(testSecrets));
    await pulumi.runtime.setMocks(createMockCloud().mocks, 'rtc', 'dev', false);
    const { loadStackConfig } = await import('../config.js');
    expect(() => loadStackConfig()).toThrow(/rtc:database\.backupRetentionDays must be 7 or more, got 3/);
  });

  it('keeps every stack difference in the stack files: both stacks set the same keys', () => {
    expect(Object.keys(readStackConfig('prod')).sort()).toEqual(Object.keys(readStackConfig('dev')).sort());
  });
});
