/**
 * How far a live figure that counts sessions trails the events that start them. The load sends sessions in batches
 * and notes, for each batch, when it went out and how many sessions had been sent by then; the figure's pushes
 * (or polls) say how many it counts. A figure showing n sessions more than at the start shows the batch that took
 * the count to n: its lag is the time from sending that batch to seeing the figure reach it. Batches that failed
 * keep the figure from reaching later counts, which makes the lag look longer, never shorter.
 */
export interface FigureLag {
  /** A batch went out at `atMs`, carrying the sent count to `sessionsSent`. */
  sent(sessionsSent: number, atMs: number): void;
  /** The figure showed `figure` sessions at `atMs`. */
  observed(figure: number, atMs: number): void;
  /** One sample per batch the figure has caught up with, in ms. */
  readonly samples: readonly number[];
  /** Batches sent whose sessions the figure does not show yet. */
  readonly behind: number;
}

/** `baseline` is what the figure counted before the load began. */
export function createFigureLag(baseline: number): FigureLag {
  const pending: { sessionsSent: number; atMs: number }[] = [];
  const samples: number[] = [];
  return {
    sent(sessionsSent, atMs) {
      pending.push({ sessionsSent, atMs });
    },
    observed(figure, atMs) {
      const shown = figure - baseline;
      while (pending.length > 0 && pending[0]!.sessionsSent <= shown) samples.push(Math.max(0, atMs - pending.shift()!.atMs));
    },
    get samples() {
      return samples;
    },
    get behind() {
      return pending.length;
    },
  };
}
