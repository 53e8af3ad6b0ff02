/** One process's memory over one interval: the mean of its RSS samples and the lowest old-generation heap used. */
export interface ProcessMemory {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
}

export interface SoakOutcome {
  /** Per interval, each process's memory. */
  readonly memory: readonly Readonly<Record<string, ProcessMemory>>[];
  /** Outbox rows still unpublished once the traffic stopped and the drain period ended; null when it could not be read. */
  readonly backlogAfterDrain: number | null;
  /** Every failure a client saw (requests and subscriptions), by code. */
  readonly errors: ReadonlyMap<string, number>;
}

export interface Verdict {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

export interface JudgementRules {
  /** How far the last interval's memory may rise above the second's, as a share. */
  readonly memoryTolerance: number;
  /** Failures a store under load gives by design. */
  readonly expectedErrors: readonly string[];
}

export const defaultRules: JudgementRules = { memoryTolerance: 0.1, expectedErrors: ['OUT_OF_STOCK'] };

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const percent = (share: number) => `${share >= 0 ? '+' : ''}${(share * 100).toFixed(1)} %`;

/**
 * Memory is flat when no process's RSS or heap grew by more than the tolerance from the second interval (the first
 * still warms up: JIT, pools, caches) to the last. A fall is not a leak and passes.
 */
function judgeMemory(memory: SoakOutcome['memory'], tolerance: number): Verdict {
  const name = `memory flat (last interval within ${(tolerance * 100).toFixed(0)} % of the second)`;
  if (memory.length < 3) {
    return { name, passed: false, detail: `needs at least three intervals to compare the second with a later one, got ${memory.length}` };
  }
  const second = memory[1]!;
  const last = memory[memory.length - 1]!;
  const grown: string[] = [];
  const figures: string[] = [];
  for (const [process, then] of Object.entries(second)) {
    const now = last[process];
    if (!now) {
      grown.push(`${process} reported nothing in the last interval`);
      continue;
    }
    for (const [what, before, after] of [
      ['RSS', then.rssBytes, now.rssBytes],
      ['heap', then.heapUsedBytes, now.heapUsedBytes],
    ] as const) {
      const change = before > 0 ? after / before - 1 : Number.POSITIVE_INFINITY;
      figures.push(`${process} ${what} ${mb(before)} -> ${mb(after)} (${percent(change)})`);
      if (change > tolerance) grown.push(`${process} ${what} ${mb(before)} -> ${mb(after)} (${percent(change)})`);
    }
  }
  return grown.length > 0 ? { name, passed: false, detail: grown.join('; ') } : { name, passed: true, detail: figures.join('; ') };
}

function judgeBacklog(backlog: number | null): Verdict {
  const name = 'outbox backlog back to zero';
  if (backlog === null) return { name, passed: false, detail: 'the services did not report their outbox' };
  return { name, passed: backlog === 0, detail: backlog === 0 ? 'every outbox row was published' : `${backlog} rows still unpublished` };
}

function judgeErrors(errors: ReadonlyMap<string, number>, expected: readonly string[]): Verdict {
  const name = `no error other than ${expected.join(', ')}`;
  const counts = [...errors.entries()].filter(([, count]) => count > 0).sort(([a], [b]) => a.localeCompare(b));
  const unexpected = counts.filter(([code]) => !expected.includes(code));
  const listed = (entries: [string, number][]) => entries.map(([code, count]) => `${code}=${count}`).join(', ');
  if (unexpected.length > 0) return { name, passed: false, detail: `unexpected: ${listed(unexpected)}` };
  return { name, passed: true, detail: counts.length > 0 ? `only ${listed(counts)}` : 'no error at all' };
}

/** The soak's judgements, each passed or failed with what it saw. */
export function judgeSoak(outcome: SoakOutcome, rules: JudgementRules = defaultRules): Verdict[] {
  return [judgeMemory(outcome.memory, rules.memoryTolerance), judgeBacklog(outcome.backlogAfterDrain), judgeErrors(outcome.errors, rules.expectedErrors)];
}

export function formatVerdict(verdict: Verdict): string {
  return `${verdict.passed ? 'PASS' : 'FAIL'}  ${verdict.name}: ${verdict.detail}`;
}
