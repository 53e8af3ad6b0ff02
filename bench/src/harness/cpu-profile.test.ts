import { describe, expect, it } from 'vitest';
import { originOf, summarizeProfile, type CpuProfile } from './cpu-profile';

const root = '/srv/rtc/';

describe('cpu profile', () => {
  it('names where a function comes from', () => {
    expect(originOf('file:///srv/rtc/node_modules/graphql/execution/execute.js', 'executeField', root)).toBe('graphql');
    expect(originOf('file:///srv/rtc/node_modules/@apollo/gateway/dist/executeQueryPlan.js', 'execute', root)).toBe('@apollo/gateway');
    expect(originOf('file:///srv/rtc/subgraphs/orders/src/checkout/place-order.ts', 'place', root)).toBe('rtc subgraphs/orders');
    expect(originOf('file:///srv/rtc/gateway/src/gateway.ts', 'createGateway', root)).toBe('rtc gateway');
    expect(originOf('node:internal/streams/readable', 'read', root)).toBe('node:internal/streams');
    expect(originOf('', '(garbage collector)', root)).toBe('(garbage collector)');
    expect(originOf('', 'JSONParse', root)).toBe('(native)');
  });

  it('adds up self time per function and origin, idle apart', () => {
    const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)') },
        { id: 2, callFrame: frame('(idle)') },
        { id: 3, callFrame: frame('executeField', 'file:///srv/rtc/node_modules/graphql/execution/execute.js', 9) },
        { id: 4, callFrame: frame('parse', 'file:///srv/rtc/node_modules/graphql/language/parser.js', 99) },
      ],
      // Each sample lasts until the next: 3 for 2 ms, 2 for 5 ms, 4 for 1 ms, 3 for 2 ms; the last has no end.
      samples: [3, 2, 4, 3, 2],
      timeDeltas: [0, 2_000, 5_000, 1_000, 2_000],
    };
    const summary = summarizeProfile(profile, { root });
    expect(summary.sampledMs).toBe(10);
    expect(summary.busyMs).toBe(5);
    expect(summary.byOrigin).toEqual([
      { name: '(idle)', selfMs: 5, share: 0.5 },
      { name: 'graphql', selfMs: 5, share: 0.5 },
    ]);
    expect(summary.byFunction.slice(1)).toEqual([
      { name: 'executeField graphql:10', selfMs: 4, share: 0.4 },
      { name: 'parse graphql:100', selfMs: 1, share: 0.1 },
    ]);
  });
});
