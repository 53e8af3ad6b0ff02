import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The parts of a V8 .cpuprofile (node --cpu-prof) this reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly children?: readonly number[];
  }[];
  /** Microseconds on the system's monotonic clock, the one process.hrtime reads. */
  readonly startTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** A stretch of time, in microseconds of process.hrtime (the profile's clock). */
export interface TimeWindow {
  readonly fromUs: number;
  readonly toUs: number;
}

/** Now on the clock CPU profiles use. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export interface CostLine {
  readonly name: string;
  readonly selfMs: number;
  /** Of all sampled time, idle included. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly sampledMs: number;
  /** Sampled time the thread was not idle. */
  readonly busyMs: number;
  /** Self time by npm package, RTC workspace folder, node internals or V8 bucket ((garbage collector), (program)). */
  readonly byOrigin: readonly CostLine[];
  /**
   * Self time charged to the nearest package or RTC folder up the stack: a socket write mysql2 asked for counts as
   * mysql2, not as node internals. What is left (GC, idle, timers) keeps its own origin.
   */
  readonly byCaller: readonly CostLine[];
  readonly byFunction: readonly CostLine[];
}

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Who a function belongs to: `graphql`, `@apollo/gateway`, `rtc subgraphs/orders`, `node:internal/streams`, `(garbage collector)`. */
export function originOf(url: string, functionName: string, root = repositoryRoot): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  // Node's fetch is undici bundled into node.
  if (url.startsWith('node:internal/deps/undici')) return 'undici (fetch)';
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first, second] = path.slice(modules + '/node_modules/'.length).split('/');
    return first?.startsWith('@') ? `${first}/${second}` : first!;
  }
  if (path.startsWith(root)) {
    const [top, name] = path.slice(root.length).split('/');
    return `rtc ${top === 'packages' || top === 'subgraphs' ? `${top}/${name}` : top}`;
  }
  return path;
}

function ranked(costs: Map<string, number>, sampledMs: number, top: number): CostLine[] {
  return [...costs]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, top)
    .map(([name, selfMs]) => ({ name, selfMs, share: sampledMs > 0 ? selfMs / sampledMs : 0 }));
}

/**
 * Self time per function and per origin; a sample's time is the gap to the next sample. With `windows`, only samples
 * taken inside them count (e.g. the measured rounds, leaving out start-up and the other side's rounds).
 */
export function summarizeProfile(
  profile: CpuProfile,
  { top = 15, root = repositoryRoot, windows }: { top?: number; root?: string; windows?: readonly TimeWindow[] } = {},
): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const isCode = (origin: string) => !origin.startsWith('node:') && !origin.startsWith('(');
  const callerOf = (id: number, own: string): string => {
    for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
      const frame = nodes.get(current)!.callFrame;
      const origin = originOf(frame.url, frame.functionName, root);
      if (isCode(origin)) return origin;
    }
    return own;
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const byOrigin = new Map<string, number>();
  const byCaller = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let sampledMs = 0;
  let idleMs = 0;
  let at = profile.startTime;
  samples.forEach((id, index) => {
    at += deltas[index] ?? 0;
    const ms = (deltas[index + 1] ?? 0) / 1000;
    const node = nodes.get(id);
    if (!node || ms <= 0) return;
    if (windows && !windows.some((window) => at >= window.fromUs && at < window.toUs)) return;
    const { functionName, url, lineNumber } = node.callFrame;
    sampledMs += ms;
    if (functionName === '(idle)') idleMs += ms;
    const origin = originOf(url, functionName, root);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + ms);
    const caller = callerOf(id, origin);
    byCaller.set(caller, (byCaller.get(caller) ?? 0) + ms);
    const name = url ? `${functionName || '(anonymous)'} ${origin}:${lineNumber + 1}` : functionName;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  });
  return {
    sampledMs,
    busyMs: sampledMs - idleMs,
    byOrigin: ranked(byOrigin, sampledMs, top),
    byCaller: ranked(byCaller, sampledMs, top),
    byFunction: ranked(byFunction, sampledMs, top),
  };
}

/** The main thread's profile in a --cpu-prof-dir folder: the largest file (tsx's loader thread writes a small one). */
/** Node names a profile CPU.<date>.<time>.<pid>.<thread id>.<sequence>.cpuprofile; thread 0 is the main thread. */
const threadProfileName = /^CPU\.\d+\.\d+\.\d+\.(\d+)\.\d+\.cpuprofile$/;

export async function readMainProfile(folder: string): Promise<{ file: string; profile: CpuProfile }> {
  const files = (await readdir(folder)).filter((name) => name.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${folder}`);
  const main = files.find((name) => threadProfileName.exec(name)?.[1] === '0');
  const sized = await Promise.all(files.map(async (name) => ({ name, size: (await stat(join(folder, name))).size })));
  const file = join(folder, main ?? sized.sort((a, b) => b.size - a.size)[0]!.name);
  return { file, profile: JSON.parse(await readFile(file, 'utf8')) as CpuProfile };
}

export interface ProcessProfile {
  /** The service (`gateway`, `orders`…), or `RTC` for a stack in one process. */
  readonly process: string;
  readonly file: string;
  readonly profile: CpuProfile;
}

const serviceProfileName = /^([a-z][a-z0-9-]*)\.\d+\.cpuprofile$/;

/**
 * Every RTC process's profile in a folder: one per service process (`<service>.<pid>.cpuprofile`, see the stack's
 * RTC_CPU_PROFILE_DIR), or else one per thread of the single process.
 */
export async function readStackProfiles(folder: string): Promise<ProcessProfile[]> {
  const names = await readdir(folder);
  const services = names.filter((name) => serviceProfileName.test(name)).sort();
  if (services.length === 0) {
    // One process: its main thread (the gateway) and its other threads (the subgraphs; tsx's loader, nearly idle).
    const threads = names.filter((name) => threadProfileName.test(name)).sort();
    if (threads.length === 0) return [{ process: 'RTC', ...(await readMainProfile(folder)) }];
    return Promise.all(
      threads.map(async (name) => {
        const thread = threadProfileName.exec(name)![1]!;
        return {
          process: thread === '0' ? 'RTC main thread' : `RTC thread ${thread}`,
          file: join(folder, name),
          profile: JSON.parse(await readFile(join(folder, name), 'utf8')) as CpuProfile,
        };
      }),
    );
  }
  return Promise.all(
    services.map(async (name) => ({
      process: serviceProfileName.exec(name)![1]!,
      file: join(folder, name),
      profile: JSON.parse(await readFile(join(folder, name), 'utf8')) as CpuProfile,
    })),
  );
}

export function formatSummary(summary: ProfileSummary): string {
  const line = (cost: CostLine) => `  ${(cost.share * 100).toFixed(1).padStart(5)}%  ${cost.selfMs.toFixed(0).padStart(7)} ms  ${cost.name}`;
  return [
    `sampled ${(summary.sampledMs / 1000).toFixed(1)} s, busy ${(summary.busyMs / 1000).toFixed(1)} s (${((summary.busyMs / summary.sampledMs) * 100).toFixed(0)}%)`,
    'self time by origin:',
    ...summary.byOrigin.map(line),
    'self time charged to the nearest package or RTC folder calling it:',
    ...summary.byCaller.map(line),
    'self time by function:',
    ...summary.byFunction.map(line),
  ].join('\n');
}
