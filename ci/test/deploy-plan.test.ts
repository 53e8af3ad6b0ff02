import { describe, expect, it } from 'vitest';
import { everyService } from '../src/changed-services';
import { parseDeployed, planDeployment } from '../src/deploy-plan';

const deployment = (name: string, image: string, revision: string) => ({
  metadata: { name, annotations: { 'deployment.kubernetes.io/revision': revision } },
  spec: { template: { spec: { containers: [{ name, image }] } } },
});

const registry = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/rtc-dev';
const cluster = JSON.stringify({
  items: [
    deployment('gateway', `${registry}/gateway:aaa`, '7'),
    deployment('users', `${registry}/users:aaa`, '3'),
    deployment('catalog', `${registry}/catalog:bbb`, '4'),
    deployment('orders', `${registry}/orders:bbb`, '2'),
    deployment('inventory', `${registry}/inventory:aaa`, '5'),
    deployment('unrelated', 'nginx:1.27', '1'),
  ],
});

describe('the deployment plan', () => {
  it('reads the tag and revision each service runs from kubectl get deployments -o json', () => {
    expect(parseDeployed(cluster)).toEqual({
      gateway: { tag: 'aaa', revision: 7 },
      users: { tag: 'aaa', revision: 3 },
      catalog: { tag: 'bbb', revision: 4 },
      orders: { tag: 'bbb', revision: 2 },
      inventory: { tag: 'aaa', revision: 5 },
    });
  });

  it('builds the changed services at the new tag and keeps the running tag of the others', () => {
    const plan = planDeployment('ccc', { services: ['catalog'], reasons: {} }, parseDeployed(cluster));
    expect(plan.build).toEqual(['catalog']);
    expect(plan.images).toEqual({ gateway: 'aaa', users: 'aaa', catalog: 'ccc', orders: 'bbb', inventory: 'aaa' });
    expect(plan.revisionsBefore).toEqual({ gateway: 7, users: 3, catalog: 4, orders: 2, inventory: 5 });
  });

  it('also builds a service that runs nowhere yet, so a first deployment builds everything', () => {
    const plan = planDeployment('ccc', { services: [], reasons: {} }, {});
    expect(plan.build).toEqual(['gateway', 'users', 'catalog', 'orders', 'inventory']);
    expect(plan.revisionsBefore).toEqual({});
    expect(planDeployment('ccc', { services: [], reasons: {} }, { ...parseDeployed(cluster), orders: undefined }).build).toEqual(['orders']);
  });

  it('refuses a tag a registry would not take', () => {
    expect(() => planDeployment('feature/x', everyService('first'), {})).toThrow(/not a valid image tag/);
  });
});
