import { defineTestConfig } from '@rtc/testkit/vitest-config';

// Tests start real Prometheus processes, run promtool and start RTC in-process.
export default defineTestConfig({ test: { testTimeout: 60_000, hookTimeout: 120_000 } });
