import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { findFreePort } from './free-port';
import type { PrometheusConfig } from './prometheus-config';

export interface StartPrometheusOptions {
  /** Written to `prometheus.yml` in the data directory; rule files must be absolute paths. */
  readonly config: PrometheusConfig;
  /** Defaults to a free port on 127.0.0.1. */
  readonly listenAddress?: string;
  /** TSDB directory; defaults to a fresh temp directory removed on stop(). */
  readonly dataDir?: string;
  /** Defaults to `prometheus` on the PATH. */
  readonly binary?: string;
  readonly readyTimeoutMs?: number;
}

/** The JSON envelope of every Prometheus HTTP API answer. */
export type ApiResponse<T> = { status: 'success'; data: T; warnings?: string[] } | { status: 'error'; errorType: string; error: string; data?: T };

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export type QueryData =
  | { resultType: 'vector'; result: Sample[] }
  | { resultType: 'scalar' | 'string'; result: [number, string] }
  | { resultType: 'matrix'; result: { metric: Record<string, string>; values: [number, string][] }[] };

export interface RuleState {
  name: string;
  query: string;
  type: 'recording' | 'alerting';
  health: 'ok' | 'err' | 'unknown';
  lastError?: string;
  lastEvaluation: string;
  state?: 'inactive' | 'pending' | 'firing';
  labels?: Record<string, string>;
}

export interface RuleGroupState {
  name: string;
  file: string;
  rules: RuleState[];
}

export interface TargetState {
  labels: Record<string, string>;
  discoveredLabels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: string;
}

export interface RunningPrometheus {
  /** Base URL, e.g. http://127.0.0.1:9090 */
  readonly url: string;
  readonly dataDir: string;
  /** Evaluates an instant query; a PromQL error comes back as `status: 'error'`, not as a throw. */
  query(expr: string, time?: Date): Promise<ApiResponse<QueryData>>;
  /** Evaluates an instant query that must succeed and return a vector. */
  vector(expr: string, time?: Date): Promise<Sample[]>;
  ruleGroups(): Promise<RuleGroupState[]>;
  /** The configuration Prometheus actually loaded, as YAML. */
  loadedConfig(): Promise<string>;
  activeTargets(): Promise<TargetState[]>;
  /** Resolves once every rule has been evaluated, after `since` when given. */
  waitForRuleEvaluation(options?: WaitOptions): Promise<RuleGroupState[]>;
  /** Resolves once every active target has been scraped, after `since` when given. */
  waitForScrapes(options?: WaitOptions): Promise<TargetState[]>;
  stop(): Promise<void>;
}

export interface WaitOptions {
  readonly since?: Date;
  readonly timeoutMs?: number;
}

/** Prometheus reports "never" as the zero time, which any real date is after. */
const isAfter = (timestamp: string, since: Date | undefined) => new Date(timestamp).getTime() > (since?.getTime() ?? 0);

/** Starts a real Prometheus on its own port and data directory and waits until it is ready. */
export async function startPrometheus(options: StartPrometheusOptions): Promise<RunningPrometheus> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'rtc-prometheus-')));
  await mkdir(dataDir, { recursive: true });
  const configFile = join(dataDir, 'prometheus.yml');
  await writeFile(configFile, stringify(options.config));
  const listenAddress = options.listenAddress ?? `127.0.0.1:${await findFreePort()}`;
  const url = `http://${listenAddress}`;

  const child = spawn(
    options.binary ?? 'prometheus',
    [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dataDir, 'tsdb')}`, `--web.listen-address=${listenAddress}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const output = captureTail(child);
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const spawnFailed = new Promise<never>((_, reject) =>
    child.once('error', (error) => reject(new Error(`cannot run Prometheus (is the "prometheus" package installed?): ${error.message}`))),
  );

  const stop = async (): Promise<void> => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
  };

  const failure = (): Error | undefined =>
    child.exitCode === null && child.signalCode === null
      ? undefined
      : new Error(`Prometheus exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`);
  // A spawn error may come long after start-up; stop() deals with the process then.
  spawnFailed.catch(() => undefined);
  try {
    await Promise.race([waitUntilReady(url, options.readyTimeoutMs ?? 30_000, failure), spawnFailed]);
  } catch (error) {
    await stop();
    throw error;
  }

  const api = async <T>(path: string, init?: RequestInit): Promise<ApiResponse<T>> => {
    const response = await fetch(`${url}${path}`, init);
    return (await response.json()) as ApiResponse<T>;
  };
  const data = async <T>(path: string): Promise<T> => {
    const answer = await api<T>(path);
    if (answer.status !== 'success') throw new Error(`${path}: ${answer.errorType}: ${answer.error}`);
    return answer.data;
  };

  const query = (expr: string, time?: Date) => {
    const body = new URLSearchParams({ query: expr });
    if (time) body.set('time', (time.getTime() / 1000).toString());
    return api<QueryData>('/api/v1/query', { method: 'POST', body });
  };
  const ruleGroups = async () => (await data<{ groups: RuleGroupState[] }>('/api/v1/rules')).groups;
  const activeTargets = async () => (await data<{ activeTargets: TargetState[] }>('/api/v1/targets?state=active')).activeTargets;

  return {
    url,
    dataDir,
    query,
    async vector(expr, time) {
      const answer = await query(expr, time);
      if (answer.status !== 'success') throw new Error(`${expr}: ${answer.errorType}: ${answer.error}`);
      if (answer.data.resultType !== 'vector') throw new Error(`${expr}: expected a vector, got a ${answer.data.resultType}`);
      return answer.data.result;
    },
    ruleGroups,
    loadedConfig: async () => (await data<{ yaml: string }>('/api/v1/status/config')).yaml,
    activeTargets,
    waitForRuleEvaluation: ({ since, timeoutMs = 30_000 } = {}) =>
      waitFor('every rule to be evaluated', timeoutMs, async () => {
        const groups = await ruleGroups();
        const evaluated = groups.every((group) => group.rules.every((rule) => isAfter(rule.lastEvaluation, since)));
        return groups.length > 0 && evaluated ? groups : undefined;
      }),
    waitForScrapes: ({ since, timeoutMs = 30_000 } = {}) =>
      waitFor('every target to be scraped', timeoutMs, async () => {
        const targets = await activeTargets();
        const scraped = targets.every((target) => target.health !== 'unknown' && isAfter(target.lastScrape, since));
        return targets.length > 0 && scraped ? targets : undefined;
      }),
    stop,
  };
}

async function waitUntilReady(url: string, timeoutMs: number, failure: () => Error | undefined): Promise<void> {
  await waitFor(`Prometheus at ${url} to be ready`, timeoutMs, async () => {
    const failed = failure();
    if (failed) throw failed;
    const response = await fetch(`${url}/-/ready`).catch(() => undefined);
    return response?.ok ? true : undefined;
  });
}

/** Polls `check` until it returns a value, or fails naming what it waited for. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 250));
  }
}

/** Keeps the last lines Prometheus logged, for the error when it dies at start. */
function captureTail(child: ChildProcess, limit = 8_000): () => string {
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-limit);
  });
  return () => tail;
}
