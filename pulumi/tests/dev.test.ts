import { describe, expect, it } from 'vitest';
import { describeStackProperties } from './stack-properties.js';

describe('the dev stack', () => {
  const { stack } = describeStackProperties('dev');

  it('saves money where an outage costs little: one NAT, single-AZ data, spot nodes, no deletion protection', () => {
    expect(stack().one('awsx:ec2:Vpc').inputs.natGateways).toEqual({ strategy: 'Single' });
    expect(stack().one('aws:rds/instance:Instance').inputs).toMatchObject({ multiAz: false, deletionProtection: false });
    expect(stack().one('eks:index:ManagedNodeGroup').inputs.capacityType).toBe('SPOT');
  });
});
