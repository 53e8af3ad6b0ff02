import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findFreePort, isPortTaken } from './free-port';
import { observabilityFiles } from './observability-files';
import { loadPrometheusConfig } from './prometheus-config';
import { startPrometheus } from './prometheus-process';

// `npm run observe`: a local Prometheus scraping the stack of `npm start`, with RTC's rules loaded.
const { values } = parseArgs({
  options: {
    listen: { type: 'string', default: '127.0.0.1:9090' },
    data: { type: 'string', default: join(observabilityFiles.root, '..', '.rtc', 'prometheus') },
  },
});

const listenAddress = await chooseListenAddress(values.listen);
const config = await loadPrometheusConfig(observabilityFiles.prometheusLocalConfig);
const prometheus = await startPrometheus({ config, listenAddress, dataDir: values.data });

console.log(`Prometheus: ${prometheus.url}`);
console.log(`  targets:  ${prometheus.url}/targets`);
console.log(`  alerts:   ${prometheus.url}/alerts`);
console.log(`  data:     ${prometheus.dataDir}`);

const targets = await prometheus.waitForScrapes({ timeoutMs: 15_000 }).catch(() => prometheus.activeTargets());
for (const target of targets) {
  const state = target.health === 'up' ? 'up' : `${target.health}${target.lastError ? ` (${target.lastError})` : ''}`;
  console.log(`  ${target.labels.job?.padEnd(10)} ${target.scrapeUrl}  ${state}`);
}
if (targets.some((target) => target.health !== 'up')) {
  console.log('Some services are not answering: start the stack with `npm start` in another terminal; Prometheus keeps trying.');
}
console.log('Grafana dashboards to import: observability/grafana/dashboards/*.json (pick this Prometheus in their Data source variable).');
console.log('Press Ctrl-C to stop.');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await prometheus.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

/** The address asked for, or a free port beside it when another process holds it. */
async function chooseListenAddress(wanted: string): Promise<string> {
  const separator = wanted.lastIndexOf(':');
  const host = wanted.slice(0, separator);
  const port = Number(wanted.slice(separator + 1));
  if (separator <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`--listen must be host:port, got "${wanted}"`);
  }
  if (!(await isPortTaken(port, host))) return wanted;
  const free = await findFreePort(host);
  console.log(`${wanted} is taken; listening on ${host}:${free} instead.`);
  return `${host}:${free}`;
}
