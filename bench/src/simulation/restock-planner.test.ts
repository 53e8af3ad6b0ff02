import { describe, expect, it } from 'vitest';
import { createRestockPlanner } from './restock-planner';

describe('restock planner', () => {
  it('restocks each sold-out product once per cooldown', () => {
    const planner = createRestockPlanner(10_000);
    expect(planner.due(['1', '2', '1'], 0)).toEqual(['1', '2']);
    expect(planner.due(['1', '3'], 5_000)).toEqual(['3']);
    expect(planner.due(['1'], 10_000)).toEqual(['1']);
  });

  it('tries again at once after a failed delivery', () => {
    const planner = createRestockPlanner(10_000);
    planner.due(['7'], 0);
    planner.failed('7');
    expect(planner.due(['7'], 1)).toEqual(['7']);
  });
});
