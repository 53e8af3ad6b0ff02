import type { CapturedResource } from './mock-cloud.js';

/** The id the mocks give a resource, as other resources' inputs refer to it. */
export const idOf = (resource: CapturedResource): string => `${resource.name}-id`;

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** The statements of an IAM policy document captured as a JSON string. */
export function statementsOf(document: unknown): PolicyStatement[] {
  if (typeof document !== 'string') throw new Error(`expected a JSON policy document, got ${typeof document}`);
  return (JSON.parse(document) as { Statement: PolicyStatement[] }).Statement;
}

export const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
