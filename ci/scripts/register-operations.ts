import { writeClientManifest } from '@rtc/gateway/trusted-documents';
import { smokeQuery } from '../src/smoke-test';

// Registers the smoke test's query with the gateway as a trusted document, so a production gateway (safelist mode) answers it.
// Run after changing the smoke query: npm run ci:register-operations -w @rtc/ci
const manifest = writeClientManifest('ci-smoke', { smokeQuery });
console.log(`smoke test operations registered as trusted documents: ${manifest.operations.map((operation) => operation.name).join(', ')}`);
