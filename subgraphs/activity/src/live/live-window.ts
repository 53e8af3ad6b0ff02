import { badInput } from '@rtc/service-kit';

export const minFunnelWindowSeconds = 60;
export const maxFunnelWindowSeconds = 86_400;

export function validateFunnelWindow(windowSeconds: number): number {
  if (!Number.isInteger(windowSeconds) || windowSeconds < minFunnelWindowSeconds || windowSeconds > maxFunnelWindowSeconds) {
    throw badInput('windowSeconds', `must be between ${minFunnelWindowSeconds} and ${maxFunnelWindowSeconds}`);
  }
  return windowSeconds;
}
