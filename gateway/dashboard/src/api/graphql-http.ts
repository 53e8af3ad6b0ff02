import type { TypedDocumentString } from '../__generated__/graphql';
interface GraphQLErrorBody {
  readonly message: string;
  readonly extensions?: { readonly code?: string };
}

/** An operation the API refused or could not finish; `code` is the error's `extensions.code`. */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'GraphQLRequestError';
  }

  get unauthenticated(): boolean {
    return this.code === 'UNAUTHENTICATED';
  }
}

/** Posts one of the dashboard's generated documents; its result and variables are typed from the supergraph. */
export type RequestGraphQL = <TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables?: TVariables) => Promise<TResult>;

/** POSTs operations to the gateway with the session's token; a response with errors rejects with the first. */
export function createGraphQLHttp(endpoint: string, token: () => string | null): RequestGraphQL {
  return async <TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables?: TVariables): Promise<TResult> => {
    const current = token();
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(current ? { authorization: `Bearer ${current}` } : {}) },
        body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
      });
    } catch {
      throw new GraphQLRequestError('The gateway cannot be reached', 'NETWORK');
    }
    let body: { data?: TResult | null; errors?: GraphQLErrorBody[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new GraphQLRequestError(`The gateway answered ${response.status} without a GraphQL body`, 'BAD_RESPONSE');
    }
    const [first] = body.errors ?? [];
    if (first) throw new GraphQLRequestError(first.message, first.extensions?.code);
    if (!body.data) throw new GraphQLRequestError(`The gateway answered ${response.status} without data`, 'BAD_RESPONSE');
    return body.data;
  };
}
