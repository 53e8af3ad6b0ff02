import * as pulumi from '@pulumi/pulumi';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { createMockCloud, type CapturedResource } from './mock-cloud.js';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The stack's Pulumi.<stack>.yaml as the CLI hands it to the program: structured values JSON-encoded. */
export function readStackConfig(stack: string): Record<string, string> {
  const file = parse(readFileSync(path.join(projectDir, `Pulumi.${stack}.yaml`), 'utf8')) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(file.config).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}

export interface BuiltStack {
  readonly stack: string;
  readonly resources: CapturedResource[];
  readonly outputs: Record<string, unknown>;
  ofType(type: string): CapturedResource[];
  /** The one resource of this type (and logical name, when given); fails when absent or ambiguous. */
  one(type: string, name?: string): CapturedResource;
}

function unwrap(value: unknown): Promise<unknown> {
  const output: pulumi.Output<unknown> = pulumi.output(value as pulumi.Input<Record<string, unknown> | string | number | boolean>);
  return new Promise((resolve) => output.apply((resolved) => resolve(resolved)));
}

/**
 * Runs the whole program (index.ts) for one stack under in-process mocks. A module is evaluated once per
 * test file, so each file builds one stack.
 */
export async function buildStack(stack: string): Promise<BuiltStack> {
  pulumi.runtime.setAllConfig(readStackConfig(stack));
  const { mocks, resources } = createMockCloud();
  await pulumi.runtime.setMocks(mocks, 'rtc', stack, false);
  const program = (await import('../../index.js')) as Record<string, unknown>;
  const outputs = Object.fromEntries(await Promise.all(Object.entries(program).map(async ([key, value]) => [key, await unwrap(value)] as const)));
  // Resources register as their inputs resolve; disconnecting waits until every registration is done.
  await pulumi.runtime.disconnect();

  const ofType = (type: string) => resources.filter((resource) => resource.type === type);
  return {
    stack,
    resources,
    outputs,
    ofType,
    one(type, name) {
      const matches = ofType(type).filter((resource) => name === undefined || resource.name === name);
      if (matches.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ''}, found ${matches.length}`);
      return matches[0]!;
    },
  };
}
