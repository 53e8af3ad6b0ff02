import { spawn } from 'node:child_process';

/** What an `npm audit --json` run means for the pipeline. */
export type AuditVerdict =
  | { readonly outcome: 'clean'; readonly message: string }
  | { readonly outcome: 'findings'; readonly message: string }
  /** The registry's audit endpoint did not answer: nothing was checked, which does not fail the build. */
  | { readonly outcome: 'unreachable'; readonly message: string }
  /** npm failed for a reason of its own (no lockfile, a bad option): fails the build like findings. */
  | { readonly outcome: 'error'; readonly message: string };

export const failingSeverities = ['high', 'critical'] as const;

interface AuditReport {
  readonly auditReportVersion?: number;
  readonly vulnerabilities?: Record<string, { readonly name: string; readonly severity: string; readonly fixAvailable?: unknown }>;
  readonly metadata?: { readonly vulnerabilities?: Record<string, number> };
  readonly message?: string;
  readonly statusCode?: number;
  readonly error?: { readonly code?: string | null; readonly summary?: string; readonly detail?: string };
}

// npm's words when the advisory request never got a report back: no connection, a timeout, an HTTP error status.
const unreachable =
  /request to \S+ failed|audit endpoint returned an error|E(CONNREFUSED|CONNRESET|NOTFOUND|AI_AGAIN|TIMEDOUT|HOSTUNREACH|NETUNREACH)|socket hang up|network/i;

/** Reads `npm audit --json`'s output and exit code: findings at high or above fail, an unanswered request does not. */
export function auditVerdict(exitCode: number | null, stdout: string, stderr = ''): AuditVerdict {
  let report: AuditReport;
  try {
    report = JSON.parse(stdout) as AuditReport;
  } catch {
    const reason = stderr.trim().split('\n').at(-1) ?? '';
    return unreachable.test(stderr)
      ? { outcome: 'unreachable', message: `npm audit got no answer from the registry: ${reason}` }
      : { outcome: 'error', message: `npm audit printed no report (exit ${exitCode}): ${reason}` };
  }
  if (report.auditReportVersion !== undefined && report.metadata?.vulnerabilities) {
    const counts = report.metadata.vulnerabilities;
    const failing = Object.values(report.vulnerabilities ?? {}).filter((finding) => (failingSeverities as readonly string[]).includes(finding.severity));
    const summary = Object.entries(counts)
      .filter(([severity, count]) => severity !== 'total' && count > 0)
      .map(([severity, count]) => `${count} ${severity}`)
      .join(', ');
    if (failing.length === 0)
      return { outcome: 'clean', message: `npm audit: no high or critical finding in production dependencies${summary ? ` (${summary})` : ''}` };
    const names = failing.map((finding) => `${finding.name} (${finding.severity}${finding.fixAvailable ? ', fix available' : ''})`).join(', ');
    return { outcome: 'findings', message: `npm audit: ${failing.length} production dependencies at high or critical: ${names}` };
  }
  const reason = [report.message, report.error?.summary, report.error?.code].filter(Boolean).join(' ');
  if (report.statusCode !== undefined || unreachable.test(`${reason}\n${stderr}`)) {
    return { outcome: 'unreachable', message: `npm audit got no report from the registry: ${reason || stderr.trim()}` };
  }
  return { outcome: 'error', message: `npm audit failed: ${reason || stderr.trim() || `exit ${exitCode}`}` };
}

/** Runs `npm audit --omit=dev --audit-level=high --json` in `cwd` and judges it. */
export function runNpmAudit(cwd: string, extraArgs: readonly string[] = []): Promise<AuditVerdict> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['audit', '--omit=dev', '--audit-level=high', '--json', ...extraArgs], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve(auditVerdict(code, stdout, stderr)));
  });
}
