import { createLeasedJob, runnerOn, type Logger, type Pool, type ResultSetHeader } from '@rtc/service-kit';

/** Rows deleted per statement: short statements keep locks and replication lag small while ingest goes on. */
export const retentionBatchSize = 1_000;

/**
 * Deletes raw behaviour events older than `retentionDays`, a batch at a time, under a lease so that one replica
 * does it; sessions and the per-minute rollups stay. Resolves with the number of events deleted.
 */
export function createRetentionJob({ pool, logger, retentionDays, intervalMs }: { pool: Pool; logger: Logger; retentionDays: number; intervalMs: number }) {
  const runner = runnerOn(pool);
  return createLeasedJob({
    name: 'activity-retention',
    pool,
    intervalMs,
    logger,
    run: async () => {
      const cutoff = new Date(Date.now() - retentionDays * 86_400_000);
      let deleted = 0;
      for (;;) {
        const result = await runner.run<ResultSetHeader>('DELETE FROM behaviour_events WHERE occurred_at < ? ORDER BY occurred_at LIMIT ?', [
          cutoff,
          retentionBatchSize,
        ]);
        deleted += result.affectedRows;
        if (result.affectedRows < retentionBatchSize) break;
      }
      if (deleted > 0) logger.info({ deleted, cutoff }, 'deleted behaviour events past retention');
      return deleted;
    },
  });
}
