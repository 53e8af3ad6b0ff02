/** Stages of the funnel, in order (the schema's FunnelStage). */
export const funnelStages = ['SESSION', 'PRODUCT_VIEW', 'CART', 'CHECKOUT', 'PURCHASE'] as const;
export type FunnelStage = (typeof funnelStages)[number];

export interface FunnelStep {
  readonly stage: FunnelStage;
  readonly sessions: number;
  readonly conversionFromPrevious: number;
  readonly conversionFromStart: number;
}

/** Sessions that reached each stage (SESSION first) as steps with their conversions; 0 where a ratio has no base. */
export function funnelStepsOf(reached: readonly number[]): FunnelStep[] {
  const start = reached[0] ?? 0;
  return funnelStages.map((stage, index) => {
    const sessions = reached[index] ?? 0;
    const previous = index === 0 ? sessions : (reached[index - 1] ?? 0);
    return {
      stage,
      sessions,
      conversionFromPrevious: index === 0 ? 1 : previous > 0 ? sessions / previous : 0,
      conversionFromStart: start > 0 ? sessions / start : 0,
    };
  });
}
