import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRuleTestFiles, observabilityFiles } from './observability-files';
import { runPromtool } from './promtool';

// Outside the unit tier: the business and recording cases replay days of samples, seconds of CPU each.
describe('Prometheus rule tests', () => {
  it('passes promtool test rules', async () => {
    const files = (await listRuleTestFiles()).map((path) => relative(observabilityFiles.root, path));
    expect(files.length).toBeGreaterThan(0);
    const result = await runPromtool(['test', 'rules', ...files], { cwd: observabilityFiles.root });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    // About 30 s each for the business and recording tests on a loaded 2-core machine.
  }, 240_000);
});
