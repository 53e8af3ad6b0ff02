import { benchUsage, parseBenchOptions, UsageError, type BenchDefaults, type BenchOptions } from './bench-options';

/** The options of a benchmark run, or the exit code when there is nothing to run (help: 0, bad usage: 2). */
export function readBenchOptions(command: string, defaults: BenchDefaults): BenchOptions | number {
  try {
    const options = parseBenchOptions(process.argv.slice(2), process.env, defaults);
    if (options) return options;
    console.log(benchUsage(command, defaults));
    return 0;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${benchUsage(command, defaults)}`);
    return 2;
  }
}

/** First Ctrl-C lets what is in flight finish; a second quits at once. */
export function abortOnInterrupt(inFlight: string): AbortSignal {
  const interrupted = new AbortController();
  process.once('SIGINT', () => {
    console.log(`\nstopping after the ${inFlight} in flight (Ctrl-C again to quit at once)`);
    interrupted.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return interrupted.signal;
}
