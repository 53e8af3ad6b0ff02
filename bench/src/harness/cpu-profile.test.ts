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
      startTime: 1_000_000,
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

  it('counts only samples taken inside the given windows', () => {
    const frame = (functionName: string) => ({ functionName, url: 'file:///srv/rtc/node_modules/graphql/x.js', lineNumber: 0 });
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('early') },
        { id: 2, callFrame: frame('during') },
        { id: 3, callFrame: frame('late') },
      ],
      startTime: 5_000_000,
      // Taken at 5.000 s, 5.010 s, 5.020 s and 5.030 s, each lasting 10 ms (the last has no end).
      samples: [1, 2, 2, 3, 3],
      timeDeltas: [0, 10_000, 10_000, 10_000, 10_000],
    };
    const summary = summarizeProfile(profile, { root, windows: [{ fromUs: 5_005_000, toUs: 5_025_000 }] });
    expect(summary.sampledMs).toBe(20);
    expect(summary.byFunction.map((cost) => cost.name)).toEqual(['during graphql:1']);
  });

  it('charges node internals and native work to the package that called them', () => {
    const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 6] },
        { id: 2, callFrame: frame('execute', 'file:///srv/rtc/node_modules/drizzle-orm/session.js'), children: [3] },
        { id: 3, callFrame: frame('writePacket', 'file:///srv/rtc/node_modules/mysql2/lib/connection.js'), children: [4] },
        { id: 4, callFrame: frame('Socket._write', 'node:net'), children: [5] },
        { id: 5, callFrame: frame('writeBuffer') },
        { id: 6, callFrame: frame('fetch', 'node:internal/deps/undici/undici'), children: [7] },
        { id: 7, callFrame: frame('processTimers', 'node:internal/timers') },
      ],
      startTime: 0,
      samples: [5, 7, 1, 5],
      timeDeltas: [0, 3_000, 1_000, 2_000],
    };
    const summary = summarizeProfile(profile, { root });
    expect(summary.byOrigin.map((cost) => cost.name)).toEqual(['(native)', '(root)', 'node:internal/timers']);
    expect(summary.byCaller).toEqual([
      { name: 'mysql2', selfMs: 3, share: 0.5 },
      { name: '(root)', selfMs: 2, share: 2 / 6 },
      { name: 'undici (fetch)', selfMs: 1, share: 1 / 6 },
    ]);
  });
});
