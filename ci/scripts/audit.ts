import path from 'node:path';
import { runMain } from '../src/cli';
import { runNpmAudit } from '../src/npm-audit';

const repositoryRoot = path.resolve(import.meta.dirname, '../..');

// Fails on high or critical advisories in production dependencies; says so, and passes, when the registry cannot answer:
//   npm run ci:audit -w @rtc/ci
runMain(async () => {
  const verdict = await runNpmAudit(repositoryRoot);
  if (verdict.outcome === 'findings' || verdict.outcome === 'error') throw new Error(verdict.message);
  console.log(verdict.outcome === 'unreachable' ? `WARNING: ${verdict.message}; nothing was checked` : verdict.message);
});
