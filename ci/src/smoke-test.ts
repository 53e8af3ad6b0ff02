/**
 * The query a fresh release must answer through the public gateway: a catalog page with each product's
 * price (catalog) and stock (inventory), so one request crosses the query planner and two subgraphs.
 */
export const smokeQuery = `query RtcSmoke {
  products(first: 3) {
    edges {
      node {
        id
        name
        price {
          amount
          currency
        }
        inStock
      }
    }
    pageInfo {
      hasNextPage
    }
  }
}`;

export interface SmokeOptions {
  /** The gateway's GraphQL endpoint, e.g. https://api.rtc.example.com/graphql. */
  url: string;
  attempts: number;
  intervalMs: number;
  timeoutMs: number;
  log?: (line: string) => void;
}

export type SmokeResult = { ok: true; attempts: number; products: number } | { ok: false; attempts: number; problem: string };

interface GraphQLResponse {
  data?: { products?: { edges?: unknown[] } } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** One try: the problem it found, or the number of products it read. */
async function tryOnce(options: SmokeOptions): Promise<{ problem: string } | { products: number }> {
  let response: Response;
  try {
    response = await fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: smokeQuery, operationName: 'RtcSmoke' }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    return { problem: `request failed: ${(error as Error).message}` };
  }
  const text = await response.text();
  if (response.status !== 200) return { problem: `HTTP ${response.status}: ${text.slice(0, 200)}` };
  let body: GraphQLResponse;
  try {
    body = JSON.parse(text) as GraphQLResponse;
  } catch {
    return { problem: `not JSON: ${text.slice(0, 200)}` };
  }
  if (body.errors?.length) {
    return { problem: `GraphQL errors: ${body.errors.map((error) => `${error.extensions?.code ?? 'ERROR'} ${error.message}`).join('; ')}` };
  }
  const edges = body.data?.products?.edges;
  if (!Array.isArray(edges)) return { problem: 'no products connection in the answer' };
  return { products: edges.length };
}

/** Asks until the gateway answers correctly or the attempts run out (a fresh rollout may still be settling). */
export async function runSmokeTest(options: SmokeOptions): Promise<SmokeResult> {
  let problem = 'not tried';
  for (let attempt = 1; attempt <= options.attempts; attempt += 1) {
    const outcome = await tryOnce(options);
    if ('products' in outcome) return { ok: true, attempts: attempt, products: outcome.products };
    problem = outcome.problem;
    options.log?.(`attempt ${attempt}/${options.attempts}: ${problem}`);
    if (attempt < options.attempts) await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
  return { ok: false, attempts: options.attempts, problem };
}
