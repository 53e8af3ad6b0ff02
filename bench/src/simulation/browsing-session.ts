import type { BasketLine } from './basket';
import type { Random } from './random';

/** The behaviour event kinds of the activity contract that a storefront sends. */
export type BehaviourEventKind = 'SESSION_STARTED' | 'PRODUCT_VIEWED' | 'SEARCHED' | 'ADDED_TO_CART' | 'CHECKOUT_STARTED';

/** How shoppers move through the store: each rate is a share of the sessions that reached the step before. */
export interface BrowsingShape {
  /** Sessions that view at least one product (the rest land and leave). */
  readonly viewRate: number;
  /** Product views per viewing session, on average (geometric, at least one). */
  readonly meanProductViews: number;
  /** Sessions that search the catalog once before viewing. */
  readonly searchRate: number;
  /** Viewing sessions that add something to the cart. */
  readonly cartRate: number;
  /** Sessions with a cart that start checkout. */
  readonly checkoutRate: number;
  /** Checkouts that end in an order. */
  readonly purchaseRate: number;
  /** Mean pause between two steps of one shopper, in ms (exponential). */
  readonly meanThinkMs: number;
}

/** A believable store: about two in three sessions view a product, one in twenty buys. */
export const defaultBrowsingShape: BrowsingShape = {
  viewRate: 0.7,
  meanProductViews: 3,
  searchRate: 0.3,
  cartRate: 0.22,
  checkoutRate: 0.55,
  purchaseRate: 0.65,
  meanThinkMs: 3_000,
};

/** The share of sessions that end in an order. */
export function purchaseProbability(shape: BrowsingShape): number {
  return shape.viewRate * shape.cartRate * shape.checkoutRate * shape.purchaseRate;
}

export interface PlannedStep {
  readonly kind: BehaviourEventKind;
  /** Milliseconds after the session started. */
  readonly afterMs: number;
  readonly path: string;
  readonly productId?: string;
  readonly quantity?: number;
  readonly searchQuery?: string;
  /** The cart so far (ADDED_TO_CART, CHECKOUT_STARTED), in minor units of the first product's currency. */
  readonly cartValue?: { readonly amount: number; readonly currency: string };
}

export interface PlannedSession {
  readonly steps: readonly PlannedStep[];
  /** The cart, ordered after the last step; null when the shopper leaves without buying. */
  readonly order: readonly BasketLine[] | null;
  /** When the order is placed, ms after the session started. */
  readonly orderAfterMs: number | null;
}

export interface BrowsableProduct {
  readonly id: string;
  /** Unit price in minor units. */
  readonly price: number;
  readonly currency: string;
}

const MAX_PRODUCT_VIEWS = 15;
const MAX_CART_LINES = 3;
const searchTerms = ['mug', 'teapot', 'linen', 'oak', 'gift', 'candle', 'blue', 'sale', 'coaster', 'lamp', 'wool', 'ceramic'];

/**
 * One shopper's visit: land, maybe search, view a few products (popular ones more often), and drop off at each
 * step of the funnel with the shape's rates; a cart holds up to three of the viewed products.
 */
export function planBrowsingSession(random: Random, shape: BrowsingShape, pickProduct: () => BrowsableProduct): PlannedSession {
  let at = 0;
  const pause = () => (at += Math.round(-Math.log(1 - random.next()) * shape.meanThinkMs));
  const steps: PlannedStep[] = [{ kind: 'SESSION_STARTED', afterMs: 0, path: '/' }];
  const leave = (): PlannedSession => ({ steps, order: null, orderAfterMs: null });

  if (!random.chance(shape.viewRate)) return leave();
  if (random.chance(shape.searchRate)) {
    const term = searchTerms[random.int(0, searchTerms.length - 1)]!;
    steps.push({ kind: 'SEARCHED', afterMs: pause(), path: `/search?q=${term}`, searchQuery: term });
  }
  // Geometric with the given mean: after each view, another with probability 1 - 1/mean.
  const viewed = new Map<string, BrowsableProduct>();
  const another = 1 - 1 / Math.max(1, shape.meanProductViews);
  let views = 0;
  do {
    const product = pickProduct();
    viewed.set(product.id, product);
    steps.push({ kind: 'PRODUCT_VIEWED', afterMs: pause(), path: `/products/${product.id}`, productId: product.id });
    views++;
  } while (views < MAX_PRODUCT_VIEWS && random.chance(another));

  if (!random.chance(shape.cartRate)) return leave();
  const candidates = random.shuffle([...viewed.values()]);
  const lines = candidates.slice(0, random.int(1, Math.min(MAX_CART_LINES, candidates.length))).map((product) => ({
    product,
    quantity: random.chance(0.8) ? 1 : random.int(2, 3),
  }));
  const currency = lines[0]!.product.currency;
  let cartValue = { amount: 0, currency };
  for (const { product, quantity } of lines) {
    cartValue = { amount: cartValue.amount + product.price * quantity, currency };
    steps.push({ kind: 'ADDED_TO_CART', afterMs: pause(), path: `/products/${product.id}`, productId: product.id, quantity, cartValue });
  }

  if (!random.chance(shape.checkoutRate)) return leave();
  steps.push({ kind: 'CHECKOUT_STARTED', afterMs: pause(), path: '/checkout', cartValue });
  if (!random.chance(shape.purchaseRate)) return leave();
  return { steps, order: lines.map(({ product, quantity }) => ({ productId: product.id, quantity })), orderAfterMs: pause() };
}

/** The furthest funnel stage a planned session reaches. */
export type FunnelReach = 'SESSION' | 'PRODUCT_VIEW' | 'CART' | 'CHECKOUT' | 'PURCHASE';

export function funnelReach(session: PlannedSession): FunnelReach {
  if (session.order) return 'PURCHASE';
  const kinds = new Set(session.steps.map((step) => step.kind));
  if (kinds.has('CHECKOUT_STARTED')) return 'CHECKOUT';
  if (kinds.has('ADDED_TO_CART')) return 'CART';
  if (kinds.has('PRODUCT_VIEWED')) return 'PRODUCT_VIEW';
  return 'SESSION';
}
