import { describe, expect, it } from 'vitest';
import { customerPassword, planStore } from '@rtc/stack';
import type { GraphQLHttp } from './graphql-http';
import { logInCustomers, seededCustomerCount, seededCustomerEmail, seededCustomerPassword } from './log-in';

function fakeGateway() {
  let inFlight = 0;
  let most = 0;
  const http: GraphQLHttp = {
    async request<T>(_query: string, variables: Record<string, unknown> = {}) {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight -= 1;
      const input = variables['input'] as { email: string; password: string };
      const n = Number(input.email.match(/\d+/)![0]);
      return { logIn: { token: `token-${n}-${input.password}`, user: { id: String(1000 + n) } } } as T;
    },
    close: async () => undefined,
  };
  return { http, most: () => most };
}

describe('logging in customers', () => {
  it('logs in the seeded customers in order, a few at a time', async () => {
    const gateway = fakeGateway();
    const customers = await logInCustomers(gateway.http, { count: 10, first: 3, parallel: 3 });
    expect(customers.map((customer) => customer.email)).toEqual(Array.from({ length: 10 }, (_, index) => `customer${index + 3}@example.com`));
    expect(customers[0]).toEqual({ email: 'customer3@example.com', userId: 1003, token: `token-3-${seededCustomerPassword}` });
    expect(gateway.most()).toBe(3);
  });

  it('refuses customers the seed does not create', async () => {
    await expect(logInCustomers(fakeGateway().http, { count: 2, first: seededCustomerCount })).rejects.toThrow(RangeError);
  });

  it('knows the seeded customers as the seed writes them', () => {
    expect(seededCustomerPassword).toBe(customerPassword);
    const plan = planStore({ now: new Date('2025-06-01T12:00:00Z'), timeZone: 'UTC', currency: 'USD', products: 10, customers: 20, orders: 10 });
    const emails = new Set(plan.users.map((user) => user.email));
    expect(emails.has(seededCustomerEmail(1))).toBe(true);
    expect(emails.has(seededCustomerEmail(20))).toBe(true);
  });
});
