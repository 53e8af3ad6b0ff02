import { describe, expect, it } from 'vitest';
import { everyService } from '../src/changed-services';
import { parseDeployed, planDeployment, revisionsOf } from '../src/deploy-plan';
import { pinRelease } from '../src/release';

const digest = (seed: string) => `sha256:${seed.repeat(64).slice(0, 64)}`;
const deployment = (name: string, image: string, revision: string) => ({
  metadata: { name, annotations: { 'deployment.kubernetes.io/revision': revision } },
  spec: { template: { spec: { containers: [{ name, image }] } } },
});

const registry = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/rtc-dev';
const cluster = JSON.stringify({
  items: [
    deployment('gateway', `${registry}/gateway@${digest('a')}`, '7'),
    deployment('users', `${registry}/users@${digest('b')}`, '3'),
    deployment('catalog', `${registry}/catalog@${digest('c')}`, '4'),
    deployment('orders', `${registry}/orders@${digest('d')}`, '2'),
    deployment('inventory', `${registry}/inventory@${digest('e')}`, '5'),
    // Deployed by tag before releases pinned digests.
    deployment('activity', `${registry}/activity:aaa`, '1'),
    deployment('unrelated', 'nginx:1.27', '1'),
  ],
});

describe('the deployment plan', () => {
  it('reads the digest and revision each service runs from kubectl get deployments -o json', () => {
    expect(parseDeployed(cluster)).toEqual({
      gateway: { digest: digest('a'), revision: 7 },
      users: { digest: digest('b'), revision: 3 },
      catalog: { digest: digest('c'), revision: 4 },
      orders: { digest: digest('d'), revision: 2 },
      inventory: { digest: digest('e'), revision: 5 },
      activity: { revision: 1 },
    });
    expect(revisionsOf(parseDeployed(cluster))).toEqual({ gateway: 7, users: 3, catalog: 4, orders: 2, inventory: 5, activity: 1 });
  });

  it('builds the changed services and those known by tag only, and keeps the digest of the others', () => {
    const plan = planDeployment('ccc', { services: ['catalog'], reasons: {} }, parseDeployed(cluster));
    expect(plan.build).toEqual(['catalog', 'activity']);
    expect(plan.kept).toEqual({ gateway: digest('a'), users: digest('b'), orders: digest('d'), inventory: digest('e') });
  });

  it('also builds a service that runs nowhere yet, so a first deployment builds everything', () => {
    const plan = planDeployment('ccc', { services: [], reasons: {} }, {});
    expect(plan.build).toEqual(['gateway', 'users', 'catalog', 'orders', 'inventory', 'activity']);
    expect(plan.kept).toEqual({});
  });

  it('refuses a tag a registry would not take', () => {
    expect(() => planDeployment('feature/x', everyService('first'), {})).toThrow(/not a valid image tag/);
  });
});

describe('the release', () => {
  const plan = planDeployment('ccc', { services: ['catalog'], reasons: {} }, parseDeployed(cluster));

  it('pins every service by digest: the pushed ones for the built services, the kept ones for the rest', () => {
    const release = pinRelease(plan, { catalog: `${digest('f')}\n`, activity: digest('0') });
    expect(release).toEqual({
      commit: 'ccc',
      images: { gateway: digest('a'), users: digest('b'), catalog: digest('f'), orders: digest('d'), inventory: digest('e'), activity: digest('0') },
    });
  });

  it('refuses a release with a built service whose push left no digest, or a digest that is not one', () => {
    expect(() => pinRelease(plan, { catalog: digest('f') })).toThrow(/no pushed digest for activity/);
    expect(() => pinRelease(plan, { catalog: digest('f'), activity: 'latest' })).toThrow(/activity must be pinned by a sha256 digest, not latest/);
  });
});
