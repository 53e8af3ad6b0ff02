import { Pool } from 'undici';
import { GraphQLRequestError } from './graphql-http';

/** The load side of a read benchmark: sends one operation and checks its answer, keeping nothing of it. */
export interface GraphQLLoad {
  /** Resolves once a successful answer (data, no error) arrived; rejects with GraphQLRequestError otherwise. */
  send(query: string, token?: string): Promise<void>;
  close(): Promise<void>;
}

const dataFirst = Buffer.from('{"data":{');
const errorsKey = Buffer.from('"errors":');

/**
 * Whether an answer is a success: a JSON object with data and no top-level `errors`. Every GraphQL server here writes
 * data first when there is no error; an answer that starts so and holds no `"errors":` anywhere cannot carry one, so
 * only the others are parsed.
 */
export function answerFailure(statusCode: number, body: Buffer): GraphQLRequestError | null {
  if (statusCode === 200 && body.subarray(0, dataFirst.length).equals(dataFirst) && body.indexOf(errorsKey) < 0) return null;
  let answer: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    answer = JSON.parse(body.toString('utf8')) as typeof answer;
  } catch {
    return new GraphQLRequestError(`HTTP_${statusCode}`, 'the answer was not JSON');
  }
  const [first] = answer.errors ?? [];
  if (first) return new GraphQLRequestError(first.extensions?.code ?? `HTTP_${statusCode}`, first.message);
  if (!answer.data) return new GraphQLRequestError(`HTTP_${statusCode}`, 'the answer carried no data');
  return null;
}

/**
 * A load generator's GraphQL client, as cheap per request as undici allows, so that on a machine whose cores it shares
 * with the servers it measures it takes as little from them as it can: keep-alive connections, each request body and
 * header list encoded once and reused, the answer read by undici's dispatch callbacks into one buffer (no stream, no
 * Response object) and parsed only when it may hold an error. Every side of a comparison is driven by the same one.
 */
export function createGraphQLLoad(graphqlUrl: string, { connections }: { connections: number }): GraphQLLoad {
  const url = new URL(graphqlUrl);
  const pool = new Pool(url.origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const bodies = new Map<string, Buffer>();
  const headerLists = new Map<string, string[]>();
  const bodyOf = (query: string) => {
    let body = bodies.get(query);
    if (!body) bodies.set(query, (body = Buffer.from(JSON.stringify({ query, variables: {} }))));
    return body;
  };
  const headersOf = (token: string | undefined) => {
    let headers = headerLists.get(token ?? '');
    if (!headers) {
      headers = ['content-type', 'application/json', ...(token ? ['authorization', `Bearer ${token}`] : [])];
      headerLists.set(token ?? '', headers);
    }
    return headers;
  };
  return {
    send(query, token) {
      return new Promise<void>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let statusCode = 0;
        pool.dispatch(
          {
            origin: url.origin,
            path: url.pathname,
            method: 'POST',
            headers: headersOf(token),
            body: bodyOf(query),
            headersTimeout: 30_000,
            bodyTimeout: 30_000,
          },
          {
            onRequestStart() {},
            onResponseStart(_controller, status) {
              statusCode = status;
            },
            onResponseData(_controller, chunk) {
              chunks.push(chunk);
            },
            onResponseEnd() {
              const failure = answerFailure(statusCode, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
              if (failure) reject(failure);
              else resolve();
            },
            onResponseError(_controller, error) {
              reject(error);
            },
          },
        );
      });
    },
    close: () => pool.close(),
  };
}
