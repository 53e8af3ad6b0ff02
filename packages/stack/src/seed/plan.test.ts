import { describe, expect, it } from 'vitest';
import { planStore } from './plan';

const now = new Date('2026-11-25T12:00:00Z');
const plan = planStore({ now, timeZone: 'Europe/Berlin', currency: 'USD', products: 400, customers: 1_000, orders: 8_000 });

describe('the seed plan', () => {
  it('is the same store every time', () => {
    const again = planStore({ now, timeZone: 'Europe/Berlin', currency: 'USD', products: 400, customers: 1_000, orders: 8_000 });
    expect(again.orders.slice(0, 50)).toEqual(plan.orders.slice(0, 50));
    expect(again.products).toEqual(plan.products);
  });

  it('has 20 categories, unique SKUs and emails, integer prices', () => {
    expect(plan.categories).toHaveLength(24);
    expect(plan.categories.filter((category) => category.parentId === null)).toHaveLength(4);
    expect(new Set(plan.products.map((product) => product.handle)).size).toBe(plan.products.length);
    expect(plan.products.every((product) => product.compareAtAmount === null || product.compareAtAmount > product.priceAmount)).toBe(true);
    expect(new Set(plan.products.map((p) => p.sku)).size).toBe(plan.products.length);
    expect(new Set(plan.users.map((u) => u.email)).size).toBe(plan.users.length);
    expect(plan.products.every((p) => Number.isInteger(p.priceAmount) && p.priceAmount > 0)).toBe(true);
  });

  it('places orders over the last 30 days, busier in the evening than at night (store time)', () => {
    const hourOf = (date: Date) => Number(new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', hour: 'numeric', hourCycle: 'h23' }).format(date));
    const evening = plan.orders.filter((o) => hourOf(o.placedAt) === 20).length;
    const night = plan.orders.filter((o) => hourOf(o.placedAt) === 4).length;
    expect(evening).toBeGreaterThan(night * 8);
    expect(plan.orders.every((o) => o.placedAt.getTime() <= now.getTime() && o.placedAt.getTime() > now.getTime() - 30 * 86_400_000)).toBe(true);
  });

  it('has a long tail of product popularity', () => {
    const units = new Map<number, number>();
    for (const order of plan.orders) for (const line of order.lines) units.set(line.productId, (units.get(line.productId) ?? 0) + line.quantity);
    const sorted = [...units.values()].sort((a, b) => b - a);
    const total = sorted.reduce((a, b) => a + b, 0);
    const top5Percent = sorted.slice(0, Math.ceil(sorted.length * 0.05)).reduce((a, b) => a + b, 0);
    expect(top5Percent / total).toBeGreaterThan(0.3);
  });

  it('never places an order before its customer signed up, and totals match lines', () => {
    const users = new Map(plan.users.map((u) => [u.id, u]));
    const early = plan.orders.filter((o) => users.get(o.userId)!.createdAt > o.placedAt).length;
    expect(early / plan.orders.length).toBeLessThan(0.001);
    for (const order of plan.orders.slice(0, 200)) {
      expect(order.total).toBe(order.lines.reduce((sum, l) => sum + l.quantity * l.unitAmount, 0));
    }
  });
});
