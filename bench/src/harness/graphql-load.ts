import { GraphQLRequestError } from './graphql-http';
import { Http1Connection } from './http1-connection';

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
 * A load generator's GraphQL client, as cheap per request as Node allows, so that on a machine whose cores it shares
 * with the servers it measures it takes as little from them as it can: up to `connections` keep-alive HTTP/1.1
 * connections of its own (Http1Connection), each request written as bytes prepared once per query and token, each
 * answer read whole into one buffer and parsed only when it may hold an error. Every side of a comparison is driven
 * by the same one.
 */
export function createGraphQLLoad(graphqlUrl: string, { connections }: { connections: number }): GraphQLLoad {
  const url = new URL(graphqlUrl);
  const port = Number(url.port || 80);
  const requests = new Map<string, Buffer>();
  const requestOf = (query: string, token: string | undefined) => {
    const key = `${token ?? ''}\n${query}`;
    let request = requests.get(key);
    if (!request) {
      const body = Buffer.from(JSON.stringify({ query, variables: {} }));
      const head =
        `POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\n` +
        `${token ? `authorization: Bearer ${token}\r\n` : ''}content-length: ${body.length}\r\n\r\n`;
      requests.set(key, (request = Buffer.concat([Buffer.from(head, 'latin1'), body])));
    }
    return request;
  };
  const idle: Http1Connection[] = [];
  const queued: ((connection: Http1Connection) => void)[] = [];
  const open = new Set<Http1Connection>();
  const take = (): Http1Connection | Promise<Http1Connection> => {
    for (let connection = idle.pop(); connection; connection = idle.pop()) if (connection.usable) return connection;
    for (const connection of open) if (!connection.usable) open.delete(connection);
    if (open.size < connections) {
      const connection = new Http1Connection(url.hostname, port);
      open.add(connection);
      return connection;
    }
    return new Promise((resolve) => queued.push(resolve));
  };
  const give = (connection: Http1Connection) => {
    if (!connection.usable) {
      open.delete(connection);
      const next = queued.shift();
      if (next) void Promise.resolve(take()).then(next);
      return;
    }
    const next = queued.shift();
    if (next) next(connection);
    else idle.push(connection);
  };
  return {
    async send(query, token) {
      const connection = await take();
      try {
        const { statusCode, body } = await connection.send(requestOf(query, token));
        const failure = answerFailure(statusCode, body);
        if (failure) throw failure;
      } finally {
        give(connection);
      }
    },
    async close() {
      for (const connection of open) connection.close();
      open.clear();
      idle.length = 0;
    },
  };
}
