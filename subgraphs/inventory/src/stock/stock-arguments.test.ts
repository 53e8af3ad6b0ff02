import { describe, expect, it } from 'vitest';
import { errorCodeOf } from '@rtc/service-kit';
import { requireDelta, requireProductId, requireReason, requireThreshold, requireUnits } from './stock-arguments';

function failure(run: () => unknown): { code: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    return { code: errorCodeOf(error), message: (error as Error).message };
  }
  throw new Error('expected a failure');
}

describe('stock arguments', () => {
  it('accepts decimal product ids and names the argument of anything else', () => {
    expect(requireProductId('productId', '12')).toBe(12);
    for (const bad of ['', 'abc', '-1', '1.5', '0', '1234567890123456']) {
      expect(failure(() => requireProductId('productId', bad))).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('productId:') });
    }
  });

  it('takes 1 to 100000 units', () => {
    expect(requireUnits('quantity', 1)).toBe(1);
    expect(requireUnits('quantity', 100_000)).toBe(100_000);
    for (const bad of [0, -3, 100_001, 1.5]) {
      expect(failure(() => requireUnits('quantity', bad)).message).toBe('quantity: must be between 1 and 100000');
    }
  });

  it('takes a non-zero delta within 100000 either way', () => {
    expect(requireDelta('delta', -100_000)).toBe(-100_000);
    for (const bad of [0, 100_001, -100_001]) expect(failure(() => requireDelta('delta', bad)).code).toBe('BAD_USER_INPUT');
  });

  it('takes a threshold of 0 to 100000', () => {
    expect(requireThreshold('threshold', 0)).toBe(0);
    expect(failure(() => requireThreshold('threshold', -1)).message).toContain('threshold:');
  });

  it('trims reasons and refuses blank or overlong ones', () => {
    expect(requireReason('reason', '  delivery 42 ')).toBe('delivery 42');
    expect(failure(() => requireReason('reason', '   ')).message).toContain('reason:');
    expect(failure(() => requireReason('reason', 'x'.repeat(256))).code).toBe('BAD_USER_INPUT');
  });
});
