import { defineTestConfig } from '@rtc/testkit/vitest-config';

export default defineTestConfig({ test: { testTimeout: 60_000, hookTimeout: 120_000, fileParallelism: false } });
