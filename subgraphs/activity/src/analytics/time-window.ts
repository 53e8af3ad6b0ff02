import { badInput } from '@rtc/service-kit';

export interface TimeWindow {
  readonly from: Date;
  readonly to: Date;
}

const day = 86_400_000;

/** [from, to) with from before to and at most `maxDays` long; BAD_USER_INPUT naming the argument otherwise. */
export function timeWindow(from: Date, to: Date, maxDays: number): TimeWindow {
  if (from.getTime() >= to.getTime()) throw badInput('to', 'must be after from');
  if (to.getTime() - from.getTime() > maxDays * day) throw badInput('to', `must be at most ${maxDays} days after from`);
  return { from, to };
}
