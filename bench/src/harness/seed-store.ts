import { startChildStack, StackStartError, stackPorts } from './child-stack';
import { storeDatabases, storeIsSeeded } from './store-setup';

/**
 * Seeds the read benchmarks' `databasePrefix*` store on its first run, in a child stack of its own: a measured stack
 * that had seeded would carry the seed's heap into its rounds. False (after saying why) when RTC did not start.
 */
export async function seedStoreOnce(databaseUrl: string, databasePrefix: string, basePort: number): Promise<boolean> {
  if (await storeIsSeeded(databaseUrl, storeDatabases(databasePrefix))) return true;
  console.log(`seeding the ${databasePrefix}* store (first run only)`);
  try {
    await (await startChildStack({ databaseUrl, databasePrefix, ports: stackPorts(basePort), logLevel: 'warn' })).stop();
    return true;
  } catch (error) {
    if (!(error instanceof StackStartError)) throw error;
    console.error(`RTC did not start to seed the store: ${error.message}`);
    return false;
  }
}
