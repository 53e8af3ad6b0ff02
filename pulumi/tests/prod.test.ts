import { describe, expect, it } from 'vitest';
import { describeStackProperties } from './stack-properties.js';

describe('the prod stack', () => {
  const { stack } = describeStackProperties('prod');

  it('runs RDS Multi-AZ with deletion protection and a final snapshot', () => {
    expect(stack().one('aws:rds/instance:Instance').inputs).toMatchObject({
      multiAz: true,
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: 'rtc-prod-mysql-final',
    });
  });

  it('survives the loss of a zone: a NAT gateway per zone, Redis failover, at least three on-demand nodes', () => {
    expect(stack().one('awsx:ec2:Vpc').inputs.natGateways).toEqual({ strategy: 'OnePerAz' });
    expect(stack().one('aws:elasticache/replicationGroup:ReplicationGroup').inputs).toMatchObject({ automaticFailoverEnabled: true, multiAzEnabled: true });
    const nodes = stack().one('eks:index:ManagedNodeGroup').inputs;
    expect(nodes.capacityType).toBe('ON_DEMAND');
    expect(nodes.scalingConfig.minSize).toBeGreaterThanOrEqual(3);
  });

  it('protects the cluster and the load balancer from deletion', () => {
    expect(stack().one('eks:index:Cluster').inputs.deletionProtection).toBe(true);
    expect(stack().one('aws:lb/loadBalancer:LoadBalancer').inputs.enableDeletionProtection).toBe(true);
  });
});
