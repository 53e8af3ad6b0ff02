/** The top of a per-minute chart's value axis, and whether some minutes rise above it. */
export interface ChartCeiling {
  readonly top: number;
  /** True when at least one value is above `top`: its bar is drawn to the top, marked, and labelled with its value. */
  readonly clipped: boolean;
}

/** A spike clips the axis when it is more than this many times the hour's busy-minute level. */
const spikeFactor = 3;
/** Where the axis stops once clipped, in busy-minute levels: twice the usual high still reads exactly. */
const clippedTop = 2;
/** Below this many minutes with sales there is no usual level to read a spike against. */
const minimumMinutes = 5;

/**
 * The axis top for an hour of per-minute values. A linear axis that fits a one-minute spike flattens the other 59
 * bars to a few pixels; a log axis keeps them visible but makes a bar twice as tall no longer twice the sales. So
 * the axis stays linear and stops at twice the busy-minute level (the 90th percentile of the minutes with sales)
 * when the peak exceeds three times that level; the peak's bar is clipped and marked with its real value.
 */
export function chartCeiling(values: readonly number[]): ChartCeiling {
  const sold = values.filter((value) => value > 0).sort((a, b) => a - b);
  const peak = sold.at(-1) ?? 0;
  if (sold.length < minimumMinutes) return { top: peak, clipped: false };
  const busy = sold[Math.floor(0.9 * (sold.length - 1))]!;
  if (peak <= spikeFactor * busy) return { top: peak, clipped: false };
  return { top: clippedTop * busy, clipped: true };
}
