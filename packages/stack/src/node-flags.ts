/**
 * Node flags of every RTC service process (also set in Dockerfile.base and `npm start`). GraphQL services allocate
 * briefly and a lot: 64 MB semi-spaces cut checkout's CPU per order by about a tenth on the benchmark.
 */
export const serviceNodeFlags = ['--max-semi-space-size=64'] as const;
