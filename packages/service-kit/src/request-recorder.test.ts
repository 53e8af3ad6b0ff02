import { describe, expect, it } from 'vitest';
import { createRequestRecorder, createServiceMetrics, type ServiceMetrics } from './metrics';

async function requests(metrics: ServiceMetrics): Promise<Record<string, number>> {
  const { values } = await metrics.graphqlRequests.get();
  return Object.fromEntries(values.filter((value) => value.value > 0).map((value) => [`${value.labels['operation']}/${value.labels['outcome']}`, value.value]));
}

describe('the request recorder', () => {
  it('counts each request under its operation and outcome, and times it', async () => {
    const metrics = createServiceMetrics('test', { defaults: false });
    const recorder = createRequestRecorder(metrics);
    const started = process.hrtime.bigint();
    recorder.record('Listing', 'success', started);
    recorder.record('Listing', 'success', started);
    recorder.record('Listing', 'error', started);
    recorder.record(null, 'success', started);
    expect(await requests(metrics)).toEqual({ 'Listing/success': 2, 'Listing/error': 1, 'anonymous/success': 1 });
    const duration = (await metrics.graphqlDuration.get()).values.find(
      (value) => value.metricName?.endsWith('_count') && value.labels['operation'] === 'Listing',
    );
    expect(duration?.value).toBe(3);
  });

  it('counts names past the first 200 as "other", so clients cannot grow the label set', async () => {
    const metrics = createServiceMetrics('test', { defaults: false });
    const recorder = createRequestRecorder(metrics);
    for (let index = 0; index < 250; index++) recorder.record(`Operation${index}`, 'success', process.hrtime.bigint());
    const counted = await requests(metrics);
    expect(counted['Operation199/success']).toBe(1);
    expect(counted['Operation200/success']).toBeUndefined();
    expect(counted['other/success']).toBe(50);
  });
});
