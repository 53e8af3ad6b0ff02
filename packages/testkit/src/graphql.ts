export interface GraphQLResult<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly data?: T;
  readonly errors?: { message: string; extensions?: { code?: string; [key: string]: unknown } }[];
}

export interface PostOptions {
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

/** Posts one GraphQL operation and returns status, data and errors as the client saw them. */
export async function postGraphQL<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  { token, headers = {} }: PostOptions = {},
): Promise<GraphQLResult<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResult<T>, 'status' | 'headers'>;
  return { status: response.status, headers: response.headers, ...body };
}

export function errorCodes(result: GraphQLResult<unknown>): (string | undefined)[] {
  return (result.errors ?? []).map((error) => error.extensions?.code);
}

/** The codes of the typed failures in the mutation payloads of `data`: each root field's `errors { code }`, in order. */
export function payloadErrorCodes(result: GraphQLResult<unknown>): string[] {
  const data = result.data;
  if (typeof data !== 'object' || data === null) return [];
  return Object.values(data).flatMap((payload) => {
    const errors = (payload as { errors?: unknown } | null)?.errors;
    return Array.isArray(errors) ? errors.map((error) => String((error as { code?: unknown }).code)) : [];
  });
}

/** What a client switches on either way: the GraphQL errors' codes, then the payloads' typed failure codes. */
export function failureCodes(result: GraphQLResult<unknown>): (string | undefined)[] {
  return [...errorCodes(result), ...payloadErrorCodes(result)];
}

type Payload = { errors: ({ code: string; message: string } & Record<string, unknown>)[] } & Record<string, unknown>;

/**
 * Mutation payloads read as plain answers, for tests written against a mutation's result: each payload
 * (`{ <result>, errors }`) is replaced by its result, and each typed failure becomes a GraphQL error with its code
 * and field, so `errorCodes` sees it as a client switching on either would.
 */
export function unwrapPayloads<T>(result: GraphQLResult<T>): GraphQLResult<T> {
  const data = result.data as Record<string, unknown> | null | undefined;
  if (!data) return result;
  const errors = [...(result.errors ?? [])];
  const unwrapped: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(data)) {
    const payload = value as Payload | null;
    if (!payload || !Array.isArray(payload.errors)) {
      unwrapped[field] = value;
      continue;
    }
    const [key] = Object.keys(payload).filter((name) => name !== 'errors');
    unwrapped[field] = payload.errors.length > 0 ? null : payload[key!];
    for (const { message, ...extensions } of payload.errors) errors.push({ message, extensions } as never);
  }
  return { ...result, data: unwrapped as T, ...(errors.length > 0 ? { errors } : {}) };
}
