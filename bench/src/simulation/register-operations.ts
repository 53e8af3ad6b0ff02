// Registers the simulator's operations with the gateway as trusted documents: the list a production gateway runs.
// Run after changing operations.ts: npm run register-operations -w @rtc/bench
import { writeClientManifest } from '@rtc/gateway/trusted-documents';
import * as simulatorOperations from './operations';

const manifest = writeClientManifest('simulator', simulatorOperations);
console.log(`simulator operations registered as trusted documents: ${manifest.operations.map((operation) => operation.name).join(', ')}`);
