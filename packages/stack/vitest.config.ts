import { defineTestConfig, withUnitTier } from '@rtc/testkit/vitest-config';

export default withUnitTier(defineTestConfig({ test: { testTimeout: 60_000, fileParallelism: false } }), ['src/seed/plan.test.ts']);
