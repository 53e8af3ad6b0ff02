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
