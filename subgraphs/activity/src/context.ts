import type { BaseContext } from '@rtc/service-kit';
import type { ActivityAnalytics } from './analytics/activity-analytics';
import type { EventTracker } from './ingest/event-tracker';
import type { LiveActivity } from './live/live-activity';

export interface ActivityContext extends BaseContext {
  readonly tracker: EventTracker;
  readonly live: LiveActivity;
  readonly analytics: ActivityAnalytics;
}
