import type { RawResponse } from '@rtc/testkit';

/** A GraphQL response body, when the answer carried one. */
export interface GraphQLBody {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly { readonly message: string; readonly extensions?: { readonly code?: unknown } }[];
}

export function bodyOf(response: RawResponse): GraphQLBody | undefined {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as GraphQLBody) : undefined;
}

/**
 * Every error's `extensions.code` (an error without one reads as `NO_CODE`), then the codes of the typed failures in
 * the mutation payloads of `data` (each root field's `errors { code }`): a refusal is either.
 */
export function codesOf(response: RawResponse): string[] {
  const body = bodyOf(response);
  const errors = (body?.errors ?? []).map((error) => (typeof error.extensions?.code === 'string' ? error.extensions.code : 'NO_CODE'));
  const typed = Object.values(body?.data ?? {}).flatMap((payload) => {
    const failures = (payload as { errors?: unknown } | null)?.errors;
    return Array.isArray(failures) ? failures.map((failure) => String((failure as { code?: unknown }).code ?? 'NO_CODE')) : [];
  });
  return [...errors, ...typed];
}

/** The HTTP status the security contract fixes for a code, whichever layer answers. */
const contractStatus: Record<string, number> = { QUERY_TOO_COMPLEX: 400, PAYLOAD_TOO_LARGE: 413, RATE_LIMITED: 429 };

export interface RefusalExpectation {
  /** The codes allowed; every error must carry one of them. Leave out for refusals below GraphQL (e.g. Node's 431). */
  readonly codes?: readonly string[];
  /** The exact HTTP status, when the contract fixes it. */
  readonly status?: number;
}

/**
 * Why `response` is not the clear refusal expected, or null when it is: never a 5xx or INTERNAL_SERVER_ERROR,
 * every error with a stable code among those expected, and the status the contract names.
 */
export function refusalProblem(response: RawResponse, { codes, status }: RefusalExpectation): string | null {
  const seen = codesOf(response);
  const summary = `HTTP ${response.status} ${response.text.slice(0, 300)}`;
  if (response.status >= 500) return `server error: ${summary}`;
  if (seen.includes('INTERNAL_SERVER_ERROR')) return `internal error: ${summary}`;
  if (status !== undefined && response.status !== status) return `expected HTTP ${status}: ${summary}`;
  const wrongStatus = seen.find((code) => contractStatus[code] !== undefined && contractStatus[code] !== response.status);
  if (wrongStatus) return `${wrongStatus} must answer HTTP ${contractStatus[wrongStatus]}: ${summary}`;
  if (codes) {
    if (seen.length === 0) return `expected an error coded ${codes.join(' or ')}: ${summary}`;
    const unexpected = seen.filter((code) => !codes.includes(code));
    if (unexpected.length > 0) return `unexpected codes ${unexpected.join(', ')} (expected ${codes.join(' or ')}): ${summary}`;
  } else if (response.status < 400) {
    return `expected a 4xx: ${summary}`;
  }
  return null;
}
