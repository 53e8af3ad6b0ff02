import { parseOptions, required, runMain } from '../src/cli';
import { runSmokeTest } from '../src/smoke-test';

// Asks the gateway for a catalog page with prices and stock; exits non-zero when it cannot answer:
//   npm run ci:smoke -w @rtc/ci -- --url https://api.rtc.example.com/graphql
runMain(async () => {
  const options = parseOptions({
    url: { type: 'string' },
    attempts: { type: 'string', default: '10' },
    interval: { type: 'string', default: '6' },
    timeout: { type: 'string', default: '10' },
  });
  const result = await runSmokeTest({
    url: required(options.url, 'url'),
    attempts: Number(options.attempts),
    intervalMs: Number(options.interval) * 1000,
    timeoutMs: Number(options.timeout) * 1000,
    log: (line) => console.error(line),
  });
  if (!result.ok) throw new Error(`smoke test failed after ${result.attempts} attempts: ${result.problem}`);
  console.log(`smoke test passed on attempt ${result.attempts}: ${result.products} products read`);
});
