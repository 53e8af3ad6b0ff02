import type { Caller } from '@rtc/service-kit';
import type { EventIngest, IngestMetrics, TrackResult } from './event-ingest';
import { EventRejection, validateEvents, type BehaviourEventArgs } from './validate-events';

export interface EventTracker {
  track(events: readonly BehaviourEventArgs[], caller: Caller | null): Promise<TrackResult>;
}

/** trackEvents: validates the whole batch (nothing is written when any event is bad), then hands it to the ingest buffer. */
export function createEventTracker(ingest: EventIngest, counters: IngestMetrics): EventTracker {
  return {
    track(events, caller) {
      try {
        const valid = validateEvents(events);
        return ingest.track(valid, caller ? Number(caller.userId) : null);
      } catch (error) {
        if (error instanceof EventRejection) counters.rejected.inc({ reason: error.reason }, Math.max(events.length, 1));
        return Promise.reject(error);
      }
    },
  };
}
