import { GraphQLError } from 'graphql';

/** One expected business failure as a mutation payload's `errors` list carries it. */
export interface PayloadError {
  readonly code: string;
  readonly message: string;
  /** The path into the input of the one field at fault, e.g. ['input', 'email']; null when no single field is. */
  readonly field: string[] | null;
  /** The products at fault, e.g. the short ones of OUT_OF_STOCK; null when none are named. */
  readonly productIds: string[] | null;
  /** The product variants at fault, e.g. the short sizes of OUT_OF_STOCK; null when none are named. */
  readonly variantIds: string[] | null;
}

/** `{ <result>: T | null, errors }`: the result is null exactly when errors is non-empty. */
export type MutationPayload<K extends string, T, E = PayloadError> = { readonly [key in K]: T | null } & { readonly errors: E[] };

/**
 * An expected failure a client can act on (wrong password, email taken, out of stock...). It carries its stable
 * `extensions.code` like every other error, so callers that let it through as a GraphQL error keep working, and
 * mutationPayload() turns it into a typed result.
 */
export class BusinessFailure extends GraphQLError {}

export function businessFailure(code: string, message: string, options: { field?: readonly string[]; productIds?: readonly string[] } = {}): BusinessFailure {
  return new BusinessFailure(message, {
    extensions: { code, ...(options.field ? { field: options.field } : {}), ...(options.productIds ? { productIds: options.productIds } : {}) },
  });
}

const failuresKey = Symbol.for('rtc.mutationFailures');

interface NotedFailure {
  readonly mutation: string;
  readonly code: string;
}

/** The typed failures the mutations of one request answered with, for the metrics plugin. */
export function mutationFailuresOf(context: unknown): readonly NotedFailure[] {
  if (typeof context !== 'object' || context === null) return [];
  return (context as { [failuresKey]?: NotedFailure[] })[failuresKey] ?? [];
}

function noteFailure(context: unknown, failure: NotedFailure): void {
  if (typeof context !== 'object' || context === null) return;
  const holder = context as { [failuresKey]?: NotedFailure[] };
  (holder[failuresKey] ??= []).push(failure);
}

function fieldOf(error: GraphQLError): string[] | null {
  const field = error.extensions['field'];
  if (Array.isArray(field)) return field.map(String);
  // badInput-style errors name a dotted argument, e.g. 'input.events[3].occurredAt' -> input, events, 3, occurredAt.
  const argument = error.extensions['argumentName'];
  return typeof argument === 'string' ? argument.split(/[.[\]]+/).filter((part) => part.length > 0) : null;
}

export function payloadErrorOf(error: GraphQLError): PayloadError {
  const ids = (name: string) => {
    const value = error.extensions[name];
    return Array.isArray(value) ? value.map(String) : null;
  };
  return {
    code: String(error.extensions['code']),
    message: error.message,
    field: fieldOf(error),
    productIds: ids('productIds'),
    variantIds: ids('variantIds'),
  };
}

export interface MutationPayloadOptions {
  /** Codes that are typed results of this mutation wherever they come from (another service included). */
  readonly typed?: ReadonlySet<string>;
  /** The request's context: a typed failure is noted on it, so the request still counts as failed in the metrics. */
  readonly context: unknown;
  /** The mutation's field name, the metric's label. */
  readonly mutation: string;
}

/** What a mutation came to: its result, or the one expected business failure it met. */
export type MutationOutcome<T> = { readonly value: T; readonly errors: PayloadError[] } | { readonly value: null; readonly errors: PayloadError[] };

/**
 * Runs a mutation: on an expected business failure (a BusinessFailure, or an error whose code is in `typed`) it
 * answers that failure instead of throwing it. Every other error (bad input, authentication, not found, rate limits,
 * unavailable dependencies) is thrown as before. The run must write nothing when it fails, as for any error.
 */
export async function runMutation<T>(run: () => Promise<T> | T, options: MutationPayloadOptions): Promise<MutationOutcome<T>> {
  try {
    return { value: await run(), errors: [] };
  } catch (error) {
    if (!isTyped(error, options.typed)) throw error;
    const failure = payloadErrorOf(error);
    noteFailure(options.context, { mutation: options.mutation, code: failure.code });
    return { value: null, errors: [failure] };
  }
}

/** runMutation() as a payload: `{ [key]: result, errors: [] }`, or `{ [key]: null, errors: [failure] }`. */
export async function mutationPayload<K extends string, T>(key: K, run: () => Promise<T> | T, options: MutationPayloadOptions): Promise<MutationPayload<K, T>> {
  const { value, errors } = await runMutation(run, options);
  return { [key]: value, errors } as unknown as MutationPayload<K, T>;
}

function isTyped(error: unknown, typed: ReadonlySet<string> | undefined): error is GraphQLError {
  if (error instanceof BusinessFailure) return true;
  return error instanceof GraphQLError && typed !== undefined && typed.has(error.extensions['code'] as string);
}
