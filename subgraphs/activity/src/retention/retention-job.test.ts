import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestActivity, type TestActivity } from '../testing';
import { retentionBatchSize } from './retention-job';

let activity: TestActivity;
const day = 86_400_000;

beforeAll(async () => {
  activity = await startTestActivity({ retentionDays: 30 });
});

afterAll(async () => {
  await activity?.stop();
});

describe('the retention job', () => {
  it('deletes raw events past retention in batches and keeps sessions and rollups', async () => {
    const old = Date.now() - 31 * day;
    const expired = Array.from({ length: retentionBatchSize + 250 }, (_, index) => ({
      sessionId: `old-session-${index % 40}`,
      kind: 'PRODUCT_VIEWED' as const,
      occurredAt: new Date(old + index * 1_000),
      productId: 5,
    }));
    await activity.seedEvents(expired);
    await activity.seedEvents([{ sessionId: 'recent-session', kind: 'SESSION_STARTED', occurredAt: new Date(Date.now() - 29 * day) }]);
    const rollupsBefore = await activity.rows('SELECT * FROM activity_minutes ORDER BY minute, kind');

    expect(await activity.service.service.retention.runOnce()).toBe(expired.length);

    expect(await activity.rows<{ session_id: string }>('SELECT session_id FROM behaviour_events')).toEqual([{ session_id: 'recent-session' }]);
    expect(await activity.rows('SELECT session_id FROM sessions')).toHaveLength(41);
    expect(await activity.rows('SELECT * FROM activity_minutes ORDER BY minute, kind')).toEqual(rollupsBefore);
    expect(await activity.service.service.retention.runOnce()).toBe(0);
  });
});
