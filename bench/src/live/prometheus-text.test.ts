import { describe, expect, it } from 'vitest';
import { sampleValue } from './prometheus-text';

const text = `# HELP rtc_gateway_subscriptions Active subscriptions
# TYPE rtc_gateway_subscriptions gauge
rtc_gateway_subscriptions{field="salesTicks",service="gateway"} 2000
rtc_gateway_subscriptions{field="salesStats",service="gateway"} 3
rtc_gateway_subscriptions_total_other 9
nodejs_heap_size_used_bytes{service="gateway"} 123456789`;

describe('reading Prometheus text', () => {
  it('finds a sample by name and labels', () => {
    expect(sampleValue(text, 'rtc_gateway_subscriptions', { field: 'salesTicks' })).toBe(2000);
    expect(sampleValue(text, 'nodejs_heap_size_used_bytes')).toBe(123456789);
  });

  it('adds up the samples that match and ignores names that only share a prefix', () => {
    expect(sampleValue(text, 'rtc_gateway_subscriptions')).toBe(2003);
    expect(sampleValue(text, 'missing_metric')).toBe(0);
  });
});
