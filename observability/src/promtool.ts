import { spawn } from 'node:child_process';

export interface PromtoolResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `promtool <args>`, optionally feeding stdin; never throws on a non-zero exit. */
export function runPromtool(args: readonly string[], { cwd, stdin }: { cwd?: string; stdin?: string } = {}): Promise<PromtoolResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn('promtool', args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (error) => reject(new Error(`cannot run promtool (is the "prometheus" package installed?): ${error.message}`)));
    child.once('close', (code) => resolveRun({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

// prom-client's default metrics name these gauges *_total; they are not ours to rename.
const allowedProblems: readonly RegExp[] = [/^nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/];

/**
 * Lints a /metrics exposition with `promtool check metrics` and returns the problems found,
 * minus the known ones of prom-client's defaults.
 */
export async function lintMetrics(exposition: string): Promise<string[]> {
  const result = await runPromtool(['check', 'metrics'], { stdin: exposition });
  const problems = `${result.stdout}\n${result.stderr}`
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !allowedProblems.some((allowed) => allowed.test(line)));
  if (result.code !== 0 && problems.length === 0 && result.stdout.trim() === '' && result.stderr.trim() === '') {
    return [`promtool check metrics exited with ${result.code}`];
  }
  return problems;
}
