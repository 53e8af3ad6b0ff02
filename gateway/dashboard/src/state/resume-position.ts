/** The graphql-ws subscribe payload of one subscription; graphql-ws sends this same object again on every reconnect. */
export interface ResumablePayload {
  readonly query: string;
  readonly extensions: { resumeAfter?: string };
}

/**
 * Keeps a subscription's place in the gateway's event log: each update that came from an event carries
 * `extensions.eventPosition`; the last one seen becomes `extensions.resumeAfter` of the payload, so the subscribe
 * message sent after a reconnect asks the gateway to replay what happened in between before going live again.
 */
export function createResumablePayload(query: string) {
  const payload: ResumablePayload = { query, extensions: {} };
  return {
    payload,
    /** Notes the position of an update, if it has one. */
    seen(extensions: unknown): void {
      const position = typeof extensions === 'object' && extensions !== null ? (extensions as { eventPosition?: unknown }).eventPosition : undefined;
      if (typeof position === 'string' && position.length > 0) payload.extensions.resumeAfter = position;
    },
  };
}
