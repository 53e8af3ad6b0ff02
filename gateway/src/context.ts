import type { Caller } from '@rtc/service-kit';

export interface GatewayContext {
  readonly caller: Caller | null;
  readonly requestId: string;
}
