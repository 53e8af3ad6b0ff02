import { describe, expect, it } from 'vitest';
import { supergraphFor } from './gateway-processes';

describe('the peer gateway supergraph', () => {
  it("points every subgraph of RTC's committed supergraph at the running ones, and nothing else changes", async () => {
    const text = await supergraphFor({ users: 5001, catalog: 5002, orders: 5003, inventory: 5004, activity: 5005 });
    const urls = [...text.matchAll(/@join__graph\(name: "(\w+)", url: "([^"]+)"\)/g)].map(([, name, url]) => [name, url]);
    expect(Object.fromEntries(urls)).toEqual({
      users: 'http://127.0.0.1:5001/graphql',
      catalog: 'http://127.0.0.1:5002/graphql',
      orders: 'http://127.0.0.1:5003/graphql',
      inventory: 'http://127.0.0.1:5004/graphql',
      activity: 'http://127.0.0.1:5005/graphql',
    });
    expect(text).toContain('type Product');
  });
});
