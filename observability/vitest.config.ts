import { defineTestConfig, withUnitTier } from '@rtc/testkit/vitest-config';

// Tests start real Prometheus processes, run promtool and start RTC in-process.
export default withUnitTier(defineTestConfig({ test: { testTimeout: 60_000, hookTimeout: 120_000 } }), [
  'src/dashboards/dashboards.test.ts',
  'src/rules.test.ts',
]);
