import { defineTestConfig } from '@rtc/testkit/vitest-config';

export default defineTestConfig();
