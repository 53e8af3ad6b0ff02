import { describe, expect, it } from 'vitest';
import { createPersistedQueryManifest, documentIdOf } from './trusted-documents';

const withFragment = `query Latest { orders(first: 1) { edges { node { ...Feed } } } }
fragment Feed on Order { id }`;

describe('createPersistedQueryManifest', () => {
  it('registers an operation sent with the fragments it spreads, keyed by the whole text', () => {
    const { operations } = createPersistedQueryManifest({ withFragment });
    expect(operations).toEqual([{ id: documentIdOf(withFragment), name: 'Latest', type: 'query', body: withFragment }]);
  });

  it('reads documents given as String objects, as typed document strings are', () => {
    const { operations } = createPersistedQueryManifest({ typed: new String('subscription Ticks { salesTicks { at } }') });
    expect(operations.map(({ name, type }) => ({ name, type }))).toEqual([{ name: 'Ticks', type: 'subscription' }]);
  });

  it('leaves out fragments alone, two operations in one text, and values that are not documents', () => {
    const values = { fragment: 'fragment Feed on Order { id }', two: 'query A { a } query B { b }', number: 3, prose: 'not graphql' };
    expect(createPersistedQueryManifest(values).operations).toEqual([]);
  });
});
