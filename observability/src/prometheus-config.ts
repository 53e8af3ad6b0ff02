import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

/** The parts of a Prometheus configuration RTC reads or rewrites; everything else passes through untouched. */
export interface PrometheusConfig {
  global?: Record<string, unknown>;
  rule_files?: string[];
  scrape_configs?: ScrapeConfig[];
  [key: string]: unknown;
}

export interface ScrapeConfig {
  job_name: string;
  static_configs?: { targets: string[]; labels?: Record<string, string> }[];
  [key: string]: unknown;
}

/**
 * Reads a Prometheus configuration with its rule files made absolute, so it can be written anywhere
 * (Prometheus resolves relative rule files against the config file's own directory).
 */
export async function loadPrometheusConfig(file: string): Promise<PrometheusConfig> {
  const config = parse(await readFile(file, 'utf8')) as PrometheusConfig;
  const base = dirname(file);
  return {
    ...config,
    rule_files: (config.rule_files ?? []).map((rules) => (isAbsolute(rules) ? rules : resolve(base, rules))),
  };
}

/** Points each named job at one `host:port`, e.g. a stack started on free ports. */
export function pointJobsAt(config: PrometheusConfig, targets: Readonly<Record<string, string>>): PrometheusConfig {
  const jobs = (config.scrape_configs ?? []).map((job) => job.job_name);
  const unknown = Object.keys(targets).filter((name) => !jobs.includes(name));
  if (unknown.length > 0) throw new Error(`no scrape job named ${unknown.join(', ')}; jobs are ${jobs.join(', ')}`);
  return {
    ...config,
    scrape_configs: (config.scrape_configs ?? []).map((job) => {
      const target = targets[job.job_name];
      return target === undefined ? job : { ...job, static_configs: [{ targets: [target] }] };
    }),
  };
}
