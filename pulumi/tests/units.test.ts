import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { lifecyclePolicy } from '../components/registry.js';
import { readStackConfig } from './harness/build-stack.js';
import { createMockCloud } from './harness/mock-cloud.js';

describe('the ECR lifecycle policy', () => {
  it('expires untagged images first, then all but the newest tagged ones', () => {
    const policy = JSON.parse(lifecyclePolicy({ keepTaggedImages: 30, untaggedExpiryDays: 7, buildCacheExpiryDays: 14 })) as {
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
    pulumi.runtime.setAllConfig({ ...config, 'rtc:database': JSON.stringify(database) });
    await pulumi.runtime.setMocks(createMockCloud().mocks, 'rtc', 'dev', false);
    const { loadStackConfig } = await import('../config.js');
    expect(() => loadStackConfig()).toThrow(/rtc:database\.backupRetentionDays must be 7 or more, got 3/);
  });

  it('keeps every stack difference in the stack files: both stacks set the same keys, prod also where it is promoted from', () => {
    expect(Object.keys(readStackConfig('prod')).sort()).toEqual([...Object.keys(readStackConfig('dev')), 'rtc:promotion'].sort());
  });
});
