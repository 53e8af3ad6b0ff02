import { defineTestConfig, withUnitTier } from '@rtc/testkit/vitest-config';

export default withUnitTier(defineTestConfig(), [
  'dashboard/src/format.test.ts',
  'dashboard/src/state/*.test.ts',
  'src/authenticate.test.ts',
  'src/input-scalars.test.ts',
  'src/rate-limits/client-address.test.ts',
  'src/subscriptions/entity-query.test.ts',
  'src/subscriptions/live-fields.test.ts',
  'src/subscriptions/live-funnel.test.ts',
  'src/subscriptions/live-hub.test.ts',
  'src/subscriptions/parked-iterator.test.ts',
  'src/supergraph.test.ts',
]);
