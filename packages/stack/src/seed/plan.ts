import { adjectives, departmentGroups, departments, firstNames, lastNames } from './catalog-data';
import { createRandom, createWeightedSampler, zipfWeights, type Random } from './random';

export interface SeedOptions {
  readonly now: Date;
  readonly timeZone: string;
  readonly currency: string;
  readonly products?: number;
  readonly customers?: number;
  readonly orders?: number;
  readonly days?: number;
  readonly seed?: number;
}

export interface SeedCategory {
  readonly id: number;
  readonly name: string;
  readonly slug: string;
  readonly description: string;
  /** The department group it sits under; null for a group. */
  readonly parentId: number | null;
}

export interface SeedProduct {
  readonly id: number;
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly handle: string;
  readonly priceAmount: number;
  /** The former price of a product on sale, above its price; null otherwise. */
  readonly compareAtAmount: number | null;
  readonly active: boolean;
  readonly categoryId: number;
  readonly createdAt: Date;
}

export interface SeedProductImage {
  readonly productId: number;
  readonly position: number;
  readonly url: string;
  readonly altText: string;
}

/** One buyable version of a product; every product has its default one, with the product's id, SKU and price. */
export interface SeedVariant {
  readonly id: number;
  readonly productId: number;
  readonly sku: string;
  readonly selectedOptions: { name: string; value: string }[];
  readonly priceAmount: number;
  readonly position: number;
}

export interface SeedUser {
  readonly id: number;
  readonly email: string;
  readonly name: string;
  readonly role: 'CUSTOMER' | 'ANALYST' | 'ADMIN';
  readonly createdAt: Date;
}

/** The stock of one variant: `productId` is the variant's id (the product's for its default variant). */
export interface SeedStock {
  readonly productId: number;
  readonly parentProductId: number;
  readonly onHand: number;
  readonly lowStockThreshold: number;
}

export type SeedStatus = 'PAID' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';

export interface SeedOrderLine {
  readonly productId: number;
  readonly variantId: number;
  readonly quantity: number;
  readonly unitAmount: number;
}

export interface SeedOrder {
  readonly id: number;
  readonly userId: number;
  readonly status: SeedStatus;
  readonly placedAt: Date;
  readonly paidAt: Date | null;
  readonly shippedAt: Date | null;
  readonly deliveredAt: Date | null;
  readonly cancelledAt: Date | null;
  readonly lines: readonly SeedOrderLine[];
  readonly total: number;
  readonly units: number;
}

export interface StorePlan {
  readonly categories: SeedCategory[];
  readonly products: SeedProduct[];
  readonly productImages: SeedProductImage[];
  readonly variants: SeedVariant[];
  readonly users: SeedUser[];
  readonly stock: SeedStock[];
  readonly orders: SeedOrder[];
}

/** Demo staff accounts; their passwords are printed by `npm start` and listed in the README. */
export const staffAccounts = [
  { email: 'admin@rtc.example', name: 'Store Admin', role: 'ADMIN', password: 'rtc-admin-password' },
  { email: 'analyst@rtc.example', name: 'Sales Analyst', role: 'ANALYST', password: 'rtc-analyst-password' },
] as const;
export const customerPassword = 'rtc-customer-password';

// Relative demand by local hour of day, and by weekday (Sunday first).
const hourlyDemand = [0.2, 0.12, 0.08, 0.06, 0.06, 0.1, 0.25, 0.45, 0.7, 0.85, 0.95, 1.05, 1.2, 1.15, 1, 0.95, 0.95, 1, 1.15, 1.35, 1.45, 1.3, 0.9, 0.5];
const weekdayDemand = [1.15, 0.9, 0.92, 0.95, 1, 1.1, 1.25];
const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const peakDemand = Math.max(...hourlyDemand) * Math.max(...weekdayDemand);

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

function localClock(timeZone: string) {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23', weekday: 'short' });
  return (instant: number) => {
    let hourOfDay = 0;
    let weekday = 0;
    for (const part of format.formatToParts(instant)) {
      if (part.type === 'hour') hourOfDay = Number(part.value);
      if (part.type === 'weekday') weekday = weekdays.indexOf(part.value);
    }
    return { hourOfDay, weekday };
  };
}

function slugOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** The first id of a variant beside a product's default one, as the catalog numbers them. */
export const firstAddedVariantId = 1_000_000_000_000;
const apparelDepartment = 'Fashion';
const sizes = ['S', 'M', 'L', 'XL'];
const colours = ['Black', 'Navy'];

/**
 * Every product's variants: apparel comes in sizes (every other piece in two colours too), the larger sizes a little
 * dearer; everything else has its default variant alone. Derived from the products without drawing random numbers,
 * so the rest of the store stays as it was.
 */
function planVariants(products: readonly SeedProduct[], categories: readonly SeedCategory[]): SeedVariant[] {
  const apparel = categories.find((category) => category.name === apparelDepartment)?.id;
  const variants: SeedVariant[] = [];
  let nextId = firstAddedVariantId;
  for (const product of products) {
    if (product.categoryId !== apparel) {
      variants.push({ id: product.id, productId: product.id, sku: product.sku, selectedOptions: [], priceAmount: product.priceAmount, position: 0 });
      continue;
    }
    const combinations = sizes.flatMap((size) => (product.id % 2 === 0 ? colours.map((colour) => [size, colour]) : [[size]]));
    combinations.forEach((values, position) => {
      const selectedOptions = values.map((value, index) => ({ name: index === 0 ? 'Size' : 'Colour', value }));
      const dearer = values[0] === 'L' || values[0] === 'XL' ? 500 : 0;
      variants.push({
        // The first combination is the default variant: the product's id, SKU and price.
        id: position === 0 ? product.id : nextId++,
        productId: product.id,
        sku: position === 0 ? product.sku : `${product.sku}-${values.map((value) => value.toUpperCase()).join('-')}`,
        selectedOptions,
        priceAmount: product.priceAmount + (position === 0 ? 0 : dearer),
        position,
      });
    });
  }
  return variants;
}

function planCatalog(random: Random, count: number, now: number) {
  // Groups first: a category's parent must exist when it is written. Departments keep ids 1 to 20.
  const groups: SeedCategory[] = departmentGroups.map((group, index) => ({
    id: departments.length + index + 1,
    name: group.name,
    slug: slugOf(group.name),
    description: `Everything ${group.name.toLowerCase()} at RTC`,
    parentId: null,
  }));
  const categories: SeedCategory[] = [
    ...groups,
    ...departments.map((department, index) => ({
      id: index + 1,
      name: department.name,
      slug: slugOf(department.name),
      description: `${department.name} picked by RTC's buyers`,
      parentId: groups[departmentGroups.findIndex((group) => (group.departments as readonly string[]).includes(department.name))]!.id,
    })),
  ];
  const products: SeedProduct[] = [];
  const productImages: SeedProductImage[] = [];
  for (let id = 1; id <= count; id++) {
    const categoryIndex = (id - 1) % departments.length;
    const department = departments[categoryIndex]!;
    const noun = random.pick(department.nouns);
    const adjective = random.pick(adjectives);
    const series = random.int(100, 999);
    // Prices spread log-normally around the department's typical price, ending in .99.
    const price = Math.max(99, Math.round((department.base * Math.exp(random.normal(0, 0.45))) / 100) * 100 - 1);
    const sku = `${department.name.slice(0, 3).toUpperCase()}-${String(id).padStart(5, '0')}`;
    const name = `${adjective} ${noun} ${series}`;
    // Two pictures each, served by the store's image host: a front view (the featured one) and a detail.
    const imageBase = `https://images.rtc.example/products/${sku.toLowerCase()}`;
    productImages.push(
      { productId: id, position: 0, url: `${imageBase}/front.jpg`, altText: name },
      { productId: id, position: 1, url: `${imageBase}/detail.jpg`, altText: `${name}, close up` },
    );
    products.push({
      id,
      sku,
      name,
      handle: `${slugOf(name)}-${id}`,
      // Every ninth product is on sale, a quarter off its former price.
      compareAtAmount: id % 9 === 0 ? Math.round((price * 4) / 3) : null,
      description: `The ${adjective.toLowerCase()} ${noun.toLowerCase()} from our ${department.name.toLowerCase()} range, series ${series}.`,
      priceAmount: price,
      active: random.next() > 0.03,
      categoryId: categoryIndex + 1,
      createdAt: new Date(now - random.int(31, 720) * day),
    });
  }
  return { categories, products, productImages };
}

function planUsers(random: Random, customers: number, now: number, days: number): SeedUser[] {
  const users: SeedUser[] = staffAccounts.map((staff, index) => ({
    id: index + 1,
    email: staff.email,
    name: staff.name,
    role: staff.role,
    createdAt: new Date(now - 800 * day),
  }));
  for (let n = 1; n <= customers; n++) {
    // About one customer in six signed up inside the seeded window: the store keeps winning new buyers.
    const recent = random.next() < 1 / 6;
    const age = recent ? random.int(minute, days * day) : random.int((days + 1) * day, 400 * day);
    users.push({
      id: users.length + 1,
      email: `customer${n}@example.com`,
      name: `${random.pick(firstNames)} ${random.pick(lastNames)}`,
      role: 'CUSTOMER',
      createdAt: new Date(now - age),
    });
  }
  return users;
}

function statusFor(random: Random, age: number): SeedStatus {
  const roll = random.next();
  if (age < 2 * hour) return roll < 0.02 ? 'CANCELLED' : 'PAID';
  if (age < day) return roll < 0.03 ? 'CANCELLED' : roll < 0.6 ? 'PAID' : 'SHIPPED';
  if (age < 5 * day) return roll < 0.04 ? 'CANCELLED' : roll < 0.5 ? 'SHIPPED' : 'DELIVERED';
  return roll < 0.05 ? 'CANCELLED' : 'DELIVERED';
}

/** A realistic, deterministic store: the same options always give the same rows. */
export function planStore(options: SeedOptions): StorePlan {
  const { now: nowDate, timeZone, products: productCount = 2_000, customers = 5_000, orders: orderCount = 50_000, days = 30 } = options;
  const now = nowDate.getTime();
  const random = createRandom(options.seed ?? 20_261_125);
  const { categories, products, productImages } = planCatalog(random, productCount, now);
  const users = planUsers(random, customers, now, days);
  const variants = planVariants(products, categories);
  const stock: SeedStock[] = products.map((product) => {
    const roll = random.next();
    const onHand = roll < 0.01 ? 0 : roll < 0.06 ? random.int(1, 10) : random.int(40, 600);
    return { productId: product.id, parentProductId: product.id, onHand, lowStockThreshold: 10 };
  });
  // The other sizes and colours: a few dozen each, some running low.
  for (const variant of variants) {
    if (variant.id !== variant.productId)
      stock.push({ productId: variant.id, parentProductId: variant.productId, onHand: 5 + ((variant.id * 37) % 90), lowStockThreshold: 5 });
  }
  const variantsOf = new Map<number, SeedVariant[]>();
  for (const variant of variants) variantsOf.set(variant.productId, [...(variantsOf.get(variant.productId) ?? []), variant]);

  // Demand: a long tail over products (Zipf over a shuffled order) and over customers (repeat buyers).
  const sellable = random.shuffle(products.filter((product) => product.active));
  const pickProduct = createWeightedSampler(zipfWeights(sellable.length, 1.05), random);
  const customerList = random.shuffle(users.filter((user) => user.role === 'CUSTOMER'));
  const pickCustomer = createWeightedSampler(zipfWeights(customerList.length, 0.6), random);
  const pickLineCount = createWeightedSampler([55, 25, 12, 5, 3], random);
  const pickQuantity = createWeightedSampler([80, 15, 5], random);
  const clock = localClock(timeZone);
  const start = now - days * day;

  const placedTimes: number[] = [];
  while (placedTimes.length < orderCount) {
    const candidate = start + random.next() * (now - start);
    const { hourOfDay, weekday } = clock(candidate);
    // A gentle upward trend over the month, on top of the daily and weekly rhythm.
    const trend = 0.85 + 0.3 * ((candidate - start) / (now - start));
    const demand = hourlyDemand[hourOfDay]! * weekdayDemand[weekday]! * trend;
    if (random.next() * peakDemand * 1.15 < demand) placedTimes.push(Math.floor(candidate));
  }
  placedTimes.sort((a, b) => a - b);

  const orders: SeedOrder[] = placedTimes.map((placed, index) => {
    let customer = customerList[pickCustomer()]!;
    for (let tries = 0; customer.createdAt.getTime() > placed && tries < 20; tries++) customer = customerList[pickCustomer()]!;
    const lines = new Map<number, SeedOrderLine>();
    const lineCount = pickLineCount() + 1;
    while (lines.size < lineCount) {
      const product = sellable[pickProduct()]!;
      // A size and colour by turns, without drawing from the random stream.
      const choices = variantsOf.get(product.id)!;
      const variant = choices[(placed + product.id) % choices.length]!;
      lines.set(product.id, { productId: product.id, variantId: variant.id, quantity: pickQuantity() + 1, unitAmount: variant.priceAmount });
    }
    const orderLines = [...lines.values()].sort((a, b) => a.productId - b.productId);
    const age = now - placed;
    const status = statusFor(random, age);
    const at = (offset: number) => new Date(Math.min(now, placed + offset));
    const paidAt = at(random.int(1, 10) * minute);
    return {
      id: index + 1,
      userId: customer.id,
      status,
      placedAt: new Date(placed),
      paidAt: status === 'CANCELLED' && random.next() < 0.5 ? null : paidAt,
      shippedAt: status === 'SHIPPED' || status === 'DELIVERED' ? at(random.int(6, 30) * hour) : null,
      deliveredAt: status === 'DELIVERED' ? at(random.int(2, 4) * day) : null,
      cancelledAt: status === 'CANCELLED' ? at(random.int(5, 120) * minute) : null,
      lines: orderLines,
      total: orderLines.reduce((sum, line) => sum + line.quantity * line.unitAmount, 0),
      units: orderLines.reduce((sum, line) => sum + line.quantity, 0),
    };
  });
  return { categories, products, productImages, variants, users, stock, orders };
}
