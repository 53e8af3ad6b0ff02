import { defineTestConfig, withUnitTier } from '@rtc/testkit/vitest-config';

export default withUnitTier(defineTestConfig({ test: { testTimeout: 60_000, hookTimeout: 120_000, fileParallelism: false } }), [
  'src/harness/checkout-rows.test.ts',
  'src/harness/latency.test.ts',
  'src/harness/log-in.test.ts',
  'src/harness/machine.test.ts',
  'src/harness/rounds.test.ts',
  'src/live/prometheus-text.test.ts',
  'src/simulation/arrivals.test.ts',
  'src/simulation/basket.test.ts',
  'src/simulation/behaviour-events.test.ts',
  'src/simulation/browsing-session.test.ts',
  'src/simulation/catalog.test.ts',
  'src/simulation/operations.test.ts',
  'src/simulation/options.test.ts',
  'src/simulation/random.test.ts',
  'src/simulation/restock-planner.test.ts',
  'src/simulation/second-report.test.ts',
  'src/simulation/weighted.test.ts',
  'src/soak/interval-stats.test.ts',
  'src/soak/judgement.test.ts',
  'src/soak/options.test.ts',
]);
