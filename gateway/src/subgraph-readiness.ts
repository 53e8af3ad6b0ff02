import { Gauge, type Logger, type ServiceMetrics } from '@rtc/service-kit';

export interface SubgraphReadinessOptions {
  /** Each subgraph's GraphQL URL; its `/healthz` is probed on the same origin. */
  readonly urls: Readonly<Record<string, string>>;
  /** Subgraphs probed and reported but not required: their absence fails their own fields, nothing else. */
  readonly optional?: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
}

export interface SubgraphReadiness {
  /** True when every required subgraph answered its latest check (or was down for fewer than two in a row). */
  ready(): boolean;
  /** The subgraphs that count as down now. */
  down(): string[];
  stop(): void;
}

// One slow answer (a GC pause, a busy event loop) should not take the gateway out of the load balancer.
const failuresBeforeDown = 2;

/**
 * The gateway's readiness: whether it can reach every subgraph, checked in the background every `intervalMs` so
 * that `/readyz` answers from memory within the kubelet's and the ALB's probe timeouts.
 *
 * It probes `/healthz` (the subgraph process answers), not `/readyz` (its database answers too): a gateway that
 * reaches a subgraph whose database is down still answers clients at once with `SERVICE_UNAVAILABLE`, while taking
 * every gateway replica out of the load balancer would only replace those answers with the balancer's own errors.
 * In Kubernetes a subgraph's Service routes only to its ready pods, so reaching it already means one of them is ready.
 * Every subgraph is required but the `optional` ones: any shopping query plan may touch the others, while an optional
 * one (activity: storefront behaviour and its analytics) only fails its own fields, so checkout goes on without it.
 */
export function watchSubgraphReadiness({ urls, optional = [], intervalMs, timeoutMs, metrics, logger }: SubgraphReadinessOptions): SubgraphReadiness {
  const up = new Gauge({
    name: 'rtc_gateway_subgraph_up',
    help: "1 when the gateway's latest check reached the subgraph's /healthz, else 0",
    labelNames: ['subgraph'],
    registers: [metrics.registry],
  });
  // Until its first answer a subgraph counts as down: a gateway just started is not ready before it has looked.
  const failures = new Map(Object.keys(urls).map((name) => [name, failuresBeforeDown]));
  let checking = false;

  const probe = async (name: string, url: string): Promise<void> => {
    let ok = false;
    try {
      const response = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(timeoutMs) });
      ok = response.ok;
      await response.body?.cancel();
    } catch {
      ok = false;
    }
    const before = failures.get(name) ?? 0;
    const after = ok ? 0 : before + 1;
    failures.set(name, after);
    up.set({ subgraph: name }, after >= failuresBeforeDown ? 0 : 1);
    if (before < failuresBeforeDown && after >= failuresBeforeDown) logger.warn({ subgraph: name }, 'subgraph unreachable; gateway not ready');
    if (before >= failuresBeforeDown && after === 0) logger.info({ subgraph: name }, 'subgraph reachable again');
  };

  const checkAll = async () => {
    if (checking) return;
    checking = true;
    try {
      await Promise.all(Object.entries(urls).map(([name, url]) => probe(name, url)));
    } finally {
      checking = false;
    }
  };
  void checkAll();
  const timer = setInterval(() => void checkAll(), intervalMs);
  timer.unref();

  const down = () => [...failures].filter(([, count]) => count >= failuresBeforeDown).map(([name]) => name);
  return {
    ready: () => down().every((name) => optional.includes(name)),
    down,
    stop: () => clearInterval(timer),
  };
}
