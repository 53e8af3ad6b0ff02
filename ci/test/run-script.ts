import { spawn } from 'node:child_process';
import path from 'node:path';

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command and collects its output; a test asserts on the exit code itself. */
export function runCommand(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export const ciDirectory = path.resolve(import.meta.dirname, '..');
export const repositoryRoot = path.resolve(ciDirectory, '..');

/** Runs one of ci/scripts/*.ts the way `npm run ci:<name>` does, from `cwd` as the caller's directory. */
export function runCiScript(script: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ScriptRun> {
  const cwd = options.cwd ?? ciDirectory;
  return runCommand(path.join(repositoryRoot, 'node_modules', '.bin', 'tsx'), [path.join(ciDirectory, 'scripts', `${script}.ts`), ...args], {
    cwd: ciDirectory,
    env: { ...process.env, ...options.env, INIT_CWD: cwd },
  });
}
