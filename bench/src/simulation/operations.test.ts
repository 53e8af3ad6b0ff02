import { describe, expect, it } from 'vitest';
import { createPersistedQueryManifest } from '@rtc/service-kit';
import { readManifests } from '@rtc/gateway/trusted-documents';
import * as simulatorOperations from './operations';

describe('the simulator operations', () => {
  it('are registered with the gateway as trusted documents, exactly as the simulator sends them', () => {
    const committed = readManifests().get('simulator.json');
    // When this fails, run `npm run register-operations -w @rtc/bench` and commit gateway/trusted-documents/simulator.json.
    expect(committed).toEqual(createPersistedQueryManifest(simulatorOperations));
    expect(committed?.operations.map((operation) => operation.name)).toContain('SimulatorPlaceOrder');
  });
});
