import type { RunningPrometheus } from './prometheus-process';
import type { PanelQuery } from './queries';

/** What Prometheus made of one panel's queries at one instant. */
export interface PanelEvaluation {
  readonly dashboard: string;
  readonly panel: string;
  /** One line per query Prometheus refused, naming its refId. */
  readonly errors: readonly string[];
  /** Series (or scalars) returned across the panel's queries. */
  readonly series: number;
}

/** Evaluates every query of every panel as an instant query, grouped back by panel. */
export async function evaluatePanels(prometheus: RunningPrometheus, queries: readonly PanelQuery[]): Promise<PanelEvaluation[]> {
  const byPanel = new Map<string, { dashboard: string; panel: string; errors: string[]; series: number }>();
  for (const query of queries) {
    const key = `${query.dashboard}\u0000${query.panel}`;
    const entry = byPanel.get(key) ?? { dashboard: query.dashboard, panel: query.panel, errors: [], series: 0 };
    byPanel.set(key, entry);
    const answer = await prometheus.query(query.promql);
    if (answer.status !== 'success') {
      entry.errors.push(`${query.refId}: ${answer.errorType}: ${answer.error}`);
      continue;
    }
    const { data } = answer;
    entry.series += data.resultType === 'vector' || data.resultType === 'matrix' ? data.result.length : 1;
  }
  return [...byPanel.values()];
}
