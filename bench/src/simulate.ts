// npm run simulate -- --rate 5 --duration 5m: realistic orders through the gateway so the dashboard moves.
import { machineLine } from './harness/machine';
import { createGatewayClient } from './simulation/gateway-client';
import { parseSimulationOptions, usage, UsageError } from './simulation/options';
import { runSimulation } from './simulation/simulator';

async function main(): Promise<number> {
  let options;
  try {
    options = parseSimulationOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${usage}`);
    return 2;
  }
  if (!options) {
    console.log(usage);
    return 0;
  }

  const interrupted = new AbortController();
  process.once('SIGINT', () => {
    console.log('\nstopping: letting orders in flight finish (Ctrl-C again to quit at once)');
    interrupted.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  process.once('SIGTERM', () => interrupted.abort());

  // The figures below are this machine's (the load generator's), and the gateway's when it runs here too.
  console.log(machineLine());
  try {
    await runSimulation(options, { run: createGatewayClient(options.gatewayUrl), log: (line) => console.log(line), signal: interrupted.signal });
    return 0;
  } catch (error) {
    console.error(`simulation failed: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof Error && /NETWORK|fetch failed/.test(error.message)) {
      console.error(`Is RTC running at ${options.gatewayUrl.origin}? Start it with \`npm start\`.`);
    }
    return 1;
  }
}

// Exit at once: idle keep-alive sockets to the gateway would otherwise hold the process for a few seconds.
process.exit(await main());
