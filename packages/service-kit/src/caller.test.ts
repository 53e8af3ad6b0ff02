import { describe, expect, it } from 'vitest';
import { requireServiceCall } from './caller';
import { errorCodeOf } from './errors';

describe('requireServiceCall', () => {
  it('admits a call without an end-user caller', () => {
    expect(() => requireServiceCall(null, 'reserveStock')).not.toThrow();
  });

  it('refuses a call made on behalf of any user, staff included', () => {
    for (const role of ['CUSTOMER', 'ADMIN'] as const) {
      let code: string | undefined;
      try {
        requireServiceCall({ userId: '1', role }, 'reserveStock');
      } catch (error) {
        code = errorCodeOf(error);
      }
      expect(code).toBe('FORBIDDEN');
    }
  });
});
