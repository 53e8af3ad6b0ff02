import { describe, expect, it } from 'vitest';
import { composeSupergraph, readSupergraph } from './supergraph';

describe('the committed supergraph', () => {
  it('is what the subgraph schemas compose to (run `npm run compose` after a schema change)', () => {
    expect(readSupergraph()).toBe(composeSupergraph());
  });

  it('hides the internal stock mutations from the public API', () => {
    expect(readSupergraph()).toMatch(/reserveStock[^\n]*@inaccessible/);
  });
});
