import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** npm runs workspace scripts inside ci/; paths on the command line mean the caller's directory. */
export function callerPath(file: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(options: T, args = process.argv.slice(2)) {
  return parseArgs({ options, args, strict: true, allowPositionals: false }).values;
}

export function required<T>(value: T | undefined, name: string): T {
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function writeOutput(file: string, text: string, mode?: number): string {
  const target = callerPath(file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, text, mode === undefined ? undefined : { mode });
  return target;
}

/** Runs a script's main, printing a failure as one line and exiting non-zero. */
export function runMain(main: () => Promise<void> | void): void {
  Promise.resolve()
    .then(main)
    .catch((error: unknown) => {
      console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      process.exitCode = 1;
    });
}
