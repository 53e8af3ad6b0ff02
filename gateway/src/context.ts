import type { Caller } from '@rtc/service-kit';

export interface GatewayContext {
  readonly caller: Caller | null;
  /** The end user's address; absent on the gateway's own operations (live updates). */
  readonly clientAddress?: string;
  readonly requestId: string;
}
