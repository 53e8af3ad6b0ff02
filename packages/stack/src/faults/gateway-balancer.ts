/**
 * What a load balancer does in front of the gateway replicas: it polls each replica's `/readyz` and sends traffic only
 * to the ready ones (to all of them when none is), so a replica that goes unready on SIGTERM stops getting new work.
 */
export interface GatewayBalancer {
  /** The base URL (`http://host:port`) of the next ready replica, round robin. */
  next(): string;
  /** Another replica than `url`, ready if one is; `url` itself when there is no other. */
  other(url: string): string;
  dispose(): void;
}

export function createGatewayBalancer(urls: readonly string[], pollMs = 200): GatewayBalancer {
  const ready = new Map(urls.map((url) => [url, true]));
  let turn = 0;
  let disposed = false;
  const poll = async (url: string) => {
    while (!disposed) {
      try {
        const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
        await response.body?.cancel();
        ready.set(url, response.ok);
      } catch {
        ready.set(url, false);
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };
  if (urls.length > 1) for (const url of urls) void poll(url);
  const candidates = () => {
    const up = urls.filter((url) => ready.get(url));
    return up.length > 0 ? up : urls;
  };
  return {
    next() {
      const choice = candidates();
      return choice[turn++ % choice.length]!;
    },
    other(url) {
      const others = candidates().filter((candidate) => candidate !== url);
      return others[turn++ % Math.max(others.length, 1)] ?? urls.find((candidate) => candidate !== url) ?? url;
    },
    dispose() {
      disposed = true;
    },
  };
}
