import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLive, postGraphQL, queryRows, sendHttp, type LiveClient } from '@rtc/testkit';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from '../testing';
import { bodyOf, codesOf, type GraphQLBody } from './answers';
import { createCast, disableAccount, selectionForMutation, type Account, type Cast } from './cast';

/**
 * Cells that need APIs merged from other slices; switch each on once its slice is in main.
 * - disabledAccounts: the ADMIN mutation `disableUser(input: { id })` and the disabled column.
 * - staffOnlyExposure: `Stock.onHand`, `reserved`, `lowStockThreshold` and withdrawn products for staff only.
 */

const actors = ['anonymous', 'customer', 'otherCustomer', 'analyst', 'admin', 'disabled'] as const;
type Actor = (typeof actors)[number];

/**
 * ok: the field answers, with the caller's own data; null: the field is null without an error;
 * withheld: the guarded value never reaches the caller (left out, null, or refused with FORBIDDEN).
 */
type Outcome = 'ok' | 'declined' | 'null' | 'withheld' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';
/** One outcome per actor, in the order of `actors`. */
type Outcomes = readonly [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];

interface Fixture extends Cast {
  readonly disabled: Account;
  /** Added to and removed from carts by the cart mutations, so the customer's own cart line stays as it was. */
  readonly cartProduct: CreatedProduct;
  readonly account: (actor: Actor) => Account | undefined;
  /** A new order of the customer's, moved on to `status` by its owner and an admin. */
  freshOrder(status: 'PENDING' | 'PAID' | 'SHIPPED'): Promise<string>;
  /** The selection `disableUser` needs: none when it returns a scalar. */
  readonly disableUserSelection: string;
  readonly categoryId: string;
  /** An account signed up with a password, for the log-in cells. */
  readonly credentials: { email: string; password: string };
  newUser(): Promise<Account>;
  /** A new account disabled by an admin. */
  newDisabledUser(): Promise<Account>;
  /** The refresh token of a new session. */
  newRefreshToken(): Promise<string>;
  /** A new account in `actor`'s role whose password is `credentials.password`; the anonymous and disabled callers as they are. */
  standIn(actor: Actor): Promise<Account | undefined>;
}

interface Row {
  /** A root field, or `Type.field` for a field guarded inside another's answer. */
  readonly field: string;
  readonly operation: string | ((fx: Fixture) => string);
  readonly variables?: (fx: Fixture, actor: Actor) => Promise<Record<string, unknown>> | Record<string, unknown>;
  readonly outcomes: Outcomes;
  /** For ok cells: the answer is the caller's own. */
  readonly verify?: (value: unknown, fx: Fixture, actor: Actor) => void;
  /** For field rows: whether the answer shows the guarded value. */
  readonly reveals?: (data: Record<string, unknown>, fx: Fixture) => boolean;
  /** The cell revokes its caller's tokens or password: it runs as a stand-in, so later cells keep the cast's accounts. */
  readonly spendsCaller?: true;
}

const U = 'UNAUTHENTICATED';
const F = 'FORBIDDEN';
const ok = 'ok';
/** Allowed, and answered with a typed business failure in the payload's errors: the caller reached the rule. */
const declined = 'declined';
const nul = 'null';
const hidden = 'withheld';

const uniqueEmail = () => `${randomBytes(6).toString('hex')}@test.rtc.example`;

/** A password-reset token of `userId`, stored as requestPasswordReset stores one (its delivery is not the question here). */
async function resetTokenFor(userId: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await queryRows(
    stack.databaseUrl('users'),
    'INSERT INTO password_reset_tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, NOW(3), NOW(3) + INTERVAL 10 MINUTE)',
    [createHash('sha256').update(token).digest('hex'), userId],
  );
  return token;
}
const key = () => randomBytes(8).toString('hex');
const lastHour = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
const cartLineOf = (value: unknown, productId: string) =>
  (value as { lines: { quantity: number; product: { id: string } }[] }).lines.find((line) => line.product.id === productId);
const tableAddress = { name: 'Table Shopper', line1: '1 Main Street', city: 'York', postalCode: 'YO1 7HH', country: 'GB' };

/** A new guest cart holding one unit of `productId`; its token. */
async function guestCartWith(productId: string): Promise<string> {
  const created = await postGraphQL<{ createCart: { cartToken: string } }>(
    stack.graphqlUrl,
    'mutation($id: ID!) { createCart(input: { lines: [{ productId: $id, quantity: 1 }] }) { cartToken } }',
    { id: productId },
  );
  return created.data!.createCart.cartToken;
}

/** A new address saved on `actor`'s account; a made-up id for callers without one. */
async function addressOf(fx: Fixture, actor: Actor): Promise<string> {
  const account = fx.account(actor);
  if (!account || actor === 'disabled') return '1';
  const added = await postGraphQL<{ addAddress: { address: { id: string } } }>(
    stack.graphqlUrl,
    'mutation($address: AddressInput!) { addAddress(input: { address: $address }) { address { id } } }',
    { address: tableAddress },
    { token: account.token },
  );
  return added.data!.addAddress.address.id;
}
const stockOf = (data: Record<string, unknown>) => (data['product'] as { stock?: Record<string, unknown> } | null)?.stock;

//                                                                   anonymous customer  other     analyst   admin     disabled
const queries: Row[] = [
  { field: 'products', operation: '{ products(first: 5) { edges { node { id name price { amount } } } } }', outcomes: [ok, ok, ok, ok, ok, U] },
  {
    field: 'product',
    operation: 'query($id: ID!) { product(id: $id) { id name } }',
    variables: (fx) => ({ id: fx.product.id }),
    outcomes: [ok, ok, ok, ok, ok, U],
  },
  { field: 'productBySku', operation: 'query { productBySku(sku: "NO-SUCH-SKU") { id } }', outcomes: [nul, nul, nul, nul, nul, U] },
  { field: 'productByHandle', operation: 'query { productByHandle(handle: "no-such-handle") { id } }', outcomes: [nul, nul, nul, nul, nul, U] },
  { field: 'categoryBySlug', operation: 'query { categoryBySlug(slug: "no-such-category") { id } }', outcomes: [nul, nul, nul, nul, nul, U] },
  {
    field: 'productVariant',
    operation: 'query($id: ID!) { productVariant(id: $id) { id sku stock { available } } }',
    // A product's default variant carries the product's id.
    variables: (fx) => ({ id: fx.product.id }),
    outcomes: [ok, ok, ok, ok, ok, U],
  },
  { field: 'categories', operation: '{ categories { id name } }', outcomes: [ok, ok, ok, ok, ok, U] },
  { field: 'lowStock', operation: '{ lowStock(first: 5) { edges { node { stock { available } } } } }', outcomes: [U, F, F, ok, ok, U] },
  {
    field: 'stockLedger',
    operation: 'query($id: ID!) { stockLedger(productId: $id, first: 5) { edges { node { kind } } } }',
    variables: (fx) => ({ id: fx.product.id }),
    outcomes: [U, F, F, ok, ok, U],
  },
  {
    field: 'cart',
    operation: '{ cart { itemCount lines { quantity product { id } } } }',
    outcomes: [U, ok, ok, ok, ok, U],
    verify: (value, fx, actor) => expect(cartLineOf(value, fx.product.id)?.quantity).toBe(actor === 'customer' ? 2 : undefined),
  },
  {
    field: 'order',
    operation: 'query($id: ID!) { order(id: $id) { id user { id } } }',
    variables: (fx) => ({ id: fx.orderId }),
    outcomes: [U, ok, F, ok, ok, U],
    verify: (value, fx) => expect(value).toEqual({ id: fx.orderId, user: { id: fx.customer.id } }),
  },
  { field: 'orders', operation: '{ orders(first: 5) { edges { node { id } } } }', outcomes: [U, F, F, ok, ok, U] },
  {
    field: 'salesSeries',
    operation: 'query($from: DateTime!, $to: DateTime!) { salesSeries(from: $from, to: $to, bucket: HOUR) { orders } }',
    variables: () => lastHour,
    outcomes: [U, F, F, ok, ok, U],
  },
  {
    field: 'salesSummary',
    operation: 'query($from: DateTime!, $to: DateTime!) { salesSummary(from: $from, to: $to) { current { orders } } }',
    variables: () => lastHour,
    outcomes: [U, F, F, ok, ok, U],
  },
  {
    field: 'topProducts',
    operation: 'query($from: DateTime!, $to: DateTime!) { topProducts(from: $from, to: $to) { units } }',
    variables: () => lastHour,
    outcomes: [U, F, F, ok, ok, U],
  },
  {
    field: 'topVariants',
    operation: 'query($from: DateTime!, $to: DateTime!) { topVariants(from: $from, to: $to) { units } }',
    variables: () => lastHour,
    outcomes: [U, F, F, ok, ok, U],
  },
  {
    field: 'customerStats',
    operation: 'query($from: DateTime!, $to: DateTime!) { customerStats(from: $from, to: $to) { customers } }',
    variables: () => lastHour,
    outcomes: [U, F, F, ok, ok, U],
  },
  { field: 'liveVisitors', operation: '{ liveVisitors { activeSessions } }', outcomes: [U, F, F, ok, ok, U] },
  { field: 'liveFunnel', operation: '{ liveFunnel(windowSeconds: 300) { steps { sessions } } }', outcomes: [U, F, F, ok, ok, U] },
  {
    field: 'funnel',
    operation: 'query($from: DateTime!, $to: DateTime!) { funnel(from: $from, to: $to) { stage sessions } }',
    variables: () => lastHour,
    outcomes: [U, F, F, ok, ok, U],
  },
  {
    field: 'cartAbandonment',
    operation: 'query($from: DateTime!, $to: DateTime!) { cartAbandonment(from: $from, to: $to) { abandoned } }',
    variables: () => lastHour,
    outcomes: [U, F, F, ok, ok, U],
  },
  {
    field: 'customerRetention',
    operation: 'query($from: DateTime!, $to: DateTime!) { customerRetention(from: $from, to: $to) { returningRate } }',
    variables: () => lastHour,
    outcomes: [U, F, F, ok, ok, U],
  },
  {
    field: 'dailyOrderStats',
    operation: 'query($from: DateTime!, $to: DateTime!) { dailyOrderStats(from: $from, to: $to) { orders } }',
    variables: () => lastHour,
    outcomes: [U, F, F, ok, ok, U],
  },
  {
    field: 'me',
    operation: '{ me { id role } }',
    outcomes: [nul, ok, ok, ok, ok, U],
    verify: (value, fx, actor) => expect((value as { id: string }).id).toBe(fx.account(actor)?.id),
  },
  {
    field: 'user',
    operation: 'query($id: ID!) { user(id: $id) { id email } }',
    variables: (fx) => ({ id: fx.customer.id }),
    outcomes: [nul, ok, nul, ok, ok, U],
    verify: (value, fx) => expect((value as { id: string; email: string }).id).toBe(fx.customer.id),
  },
];

const orderMutation = (name: string, extra = '') => `mutation($id: ID!) { ${name}(input: { orderId: $id${extra} }) { order { id status } errors { code } } }`;

//                                                                   anonymous customer  other     analyst   admin     disabled
const mutations: Row[] = [
  {
    field: 'trackEvents',
    operation: 'mutation($input: TrackEventsInput!) { trackEvents(input: $input) { accepted duplicates errors { code } } }',
    variables: () => ({
      input: { events: [{ eventId: `auth-${key()}`, kind: 'SESSION_STARTED', sessionId: `auth-session-${key()}`, occurredAt: new Date().toISOString() }] },
    }),
    outcomes: [ok, ok, ok, ok, ok, U],
  },
  {
    field: 'createProduct',
    operation: 'mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } errors { code } } }',
    variables: (fx) => ({ input: { sku: `SKU-${key()}`.toUpperCase(), name: 'Table product', price: 500, categoryId: fx.categoryId } }),
    outcomes: [U, F, F, F, ok, U],
  },
  {
    field: 'updateProduct',
    operation: 'mutation($id: ID!) { updateProduct(input: { id: $id, description: "Edited" }) { product { id } errors { code } } }',
    variables: (fx) => ({ id: fx.product.id }),
    outcomes: [U, F, F, F, ok, U],
  },
  {
    field: 'createCategory',
    operation: 'mutation($name: String!) { createCategory(input: { name: $name }) { category { id } errors { code } } }',
    variables: () => ({ name: `Category ${key()}` }),
    outcomes: [U, F, F, F, ok, U],
  },
  // The admin's cells change nothing: a second variant without options conflicts with the default one (a typed
  // CONFLICT), setting an absent compare-at price to none keeps the variant as it is, and the default variant cannot
  // be removed (a typed DEFAULT_VARIANT).
  {
    field: 'addProductVariant',
    operation: 'mutation($input: AddProductVariantInput!) { addProductVariant(input: $input) { variant { id } errors { code } } }',
    variables: (fx) => ({ input: { productId: fx.product.id, sku: `SKU-${key()}`.toUpperCase(), selectedOptions: [], price: 500 } }),
    outcomes: [U, F, F, F, declined, U],
  },
  {
    field: 'updateProductVariant',
    operation: 'mutation($input: UpdateProductVariantInput!) { updateProductVariant(input: $input) { variant { id } errors { code } } }',
    variables: (fx) => ({ input: { id: fx.product.id, compareAtPrice: null } }),
    outcomes: [U, F, F, F, ok, U],
  },
  {
    field: 'removeProductVariant',
    operation: 'mutation($input: RemoveProductVariantInput!) { removeProductVariant(input: $input) { product { id } errors { code } } }',
    variables: (fx) => ({ input: { id: fx.product.id } }),
    outcomes: [U, F, F, F, declined, U],
  },
  {
    field: 'restock',
    operation: 'mutation($id: ID!) { restock(input: { productId: $id, quantity: 1, reason: "count" }) { stock { available } errors { code } } }',
    variables: (fx) => ({ id: fx.product.id }),
    outcomes: [U, F, F, F, ok, U],
  },
  {
    field: 'adjustStock',
    operation: 'mutation($id: ID!) { adjustStock(input: { productId: $id, delta: 1, reason: "count" }) { stock { available } errors { code } } }',
    variables: (fx) => ({ id: fx.product.id }),
    outcomes: [U, F, F, F, ok, U],
  },
  {
    field: 'setLowStockThreshold',
    operation: 'mutation($id: ID!) { setLowStockThreshold(input: { productId: $id, threshold: 5 }) { stock { available } errors { code } } }',
    variables: (fx) => ({ id: fx.product.id }),
    outcomes: [U, F, F, F, ok, U],
  },
  {
    field: 'addToCart',
    operation: 'mutation($id: ID!) { addToCart(input: { productId: $id, quantity: 1 }) { cart { itemCount } } }',
    variables: (fx) => ({ id: fx.cartProduct.id }),
    outcomes: [U, ok, ok, ok, ok, U],
  },
  {
    field: 'updateCartLine',
    operation: 'mutation($id: ID!) { updateCartLine(input: { productId: $id, quantity: 3 }) { cart { itemCount } } }',
    variables: (fx) => ({ id: fx.cartProduct.id }),
    outcomes: [U, ok, ok, ok, ok, U],
  },
  {
    field: 'removeFromCart',
    operation: 'mutation($id: ID!) { removeFromCart(input: { productId: $id }) { cart { itemCount } } }',
    variables: (fx) => ({ id: fx.cartProduct.id }),
    outcomes: [U, ok, ok, ok, ok, U],
  },
  {
    field: 'createCart',
    operation: 'mutation { createCart(input: { lines: [] }) { cartToken errors { code } } }',
    outcomes: [ok, ok, ok, ok, ok, U],
    verify: (value) => expect((value as { cartToken: string | null }).cartToken).toBeTruthy(),
  },
  {
    field: 'mergeCart',
    operation: 'mutation($token: String!) { mergeCart(input: { cartToken: $token }) { cart { itemCount } errors { code } } }',
    variables: async (fx) => ({ token: await guestCartWith(fx.cartProduct.id) }),
    outcomes: [U, ok, ok, ok, ok, U],
    verify: (value) => expect((value as { errors: unknown[] }).errors).toEqual([]),
  },
  {
    field: 'addAddress',
    operation: 'mutation($address: AddressInput!) { addAddress(input: { address: $address }) { address { id } errors { code } } }',
    variables: () => ({ address: tableAddress }),
    outcomes: [U, ok, ok, ok, ok, U],
    verify: (value) => expect((value as { errors: unknown[] }).errors).toEqual([]),
  },
  {
    field: 'updateAddress',
    operation: 'mutation($id: ID!, $address: AddressInput!) { updateAddress(input: { id: $id, address: $address }) { address { id } errors { code } } }',
    variables: async (fx, actor) => ({ id: await addressOf(fx, actor), address: { ...tableAddress, city: 'Leeds' } }),
    outcomes: [U, ok, ok, ok, ok, U],
  },
  {
    field: 'setDefaultAddress',
    operation: 'mutation($id: ID!) { setDefaultAddress(input: { id: $id }) { address { isDefault } errors { code } } }',
    variables: async (fx, actor) => ({ id: await addressOf(fx, actor) }),
    outcomes: [U, ok, ok, ok, ok, U],
  },
  {
    field: 'removeAddress',
    operation: 'mutation($id: ID!) { removeAddress(input: { id: $id }) { user { id } errors { code } } }',
    variables: async (fx, actor) => ({ id: await addressOf(fx, actor) }),
    outcomes: [U, ok, ok, ok, ok, U],
  },
  {
    field: 'placeOrder',
    operation: 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id status } errors { code } } }',
    variables: (fx) => ({ input: { lines: [{ productId: fx.product.id, quantity: 1 }], idempotencyKey: key() } }),
    outcomes: [U, ok, ok, ok, ok, U],
  },
  {
    field: 'payOrder',
    operation: orderMutation('payOrder', ', paymentToken: "tok_visa"'),
    variables: async (fx) => ({ id: await fx.freshOrder('PENDING') }),
    outcomes: [U, ok, F, F, ok, U],
  },
  {
    field: 'cancelOrder',
    operation: orderMutation('cancelOrder'),
    variables: async (fx) => ({ id: await fx.freshOrder('PENDING') }),
    outcomes: [U, ok, F, F, ok, U],
  },
  { field: 'shipOrder', operation: orderMutation('shipOrder'), variables: async (fx) => ({ id: await fx.freshOrder('PAID') }), outcomes: [U, F, F, F, ok, U] },
  {
    field: 'deliverOrder',
    operation: orderMutation('deliverOrder'),
    variables: async (fx) => ({ id: await fx.freshOrder('SHIPPED') }),
    outcomes: [U, F, F, F, ok, U],
  },
  {
    field: 'signUp',
    operation: 'mutation($email: String!) { signUp(input: { email: $email, password: "table-password-123", name: "Table" }) { user { id } errors { code } } }',
    variables: () => ({ email: uniqueEmail() }),
    outcomes: [ok, ok, ok, ok, ok, U],
  },
  {
    field: 'logIn',
    operation: 'mutation($email: String!, $password: String!) { logIn(input: { email: $email, password: $password }) { token errors { code } } }',
    variables: (fx) => fx.credentials,
    outcomes: [ok, ok, ok, ok, ok, U],
  },
  {
    field: 'refreshSession',
    operation: 'mutation($refreshToken: String!) { refreshSession(input: { refreshToken: $refreshToken }) { token refreshToken errors { code } } }',
    variables: async (fx) => ({ refreshToken: await fx.newRefreshToken() }),
    outcomes: [ok, ok, ok, ok, ok, U],
  },
  {
    field: 'logOut',
    operation: 'mutation($refreshToken: String!) { logOut(input: { refreshToken: $refreshToken }) { loggedOut errors { code } }}',
    variables: async (fx) => ({ refreshToken: await fx.newRefreshToken() }),
    outcomes: [ok, ok, ok, ok, ok, U],
  },
  { field: 'logOutEverywhere', operation: 'mutation { logOutEverywhere { loggedOut errors { code } } }', outcomes: [U, ok, ok, ok, ok, U], spendsCaller: true },
  {
    field: 'changePassword',
    operation:
      'mutation($current: String!) { changePassword(input: { currentPassword: $current, newPassword: "table-password-456" }) { token user { id } errors { code } } }',
    variables: (fx) => ({ current: fx.credentials.password }),
    outcomes: [U, ok, ok, ok, ok, U],
    spendsCaller: true,
  },
  {
    field: 'updateProfile',
    operation: 'mutation { updateProfile(input: { name: "Table Renamed" }) { user { id name } errors { code } } }',
    outcomes: [U, ok, ok, ok, ok, U],
    verify: (value) => expect((value as { user: { name: string } }).user.name).toBe('Table Renamed'),
  },
  {
    field: 'requestPasswordReset',
    operation: 'mutation($email: String!) { requestPasswordReset(input: { email: $email }) { requested errors { code } }}',
    variables: () => ({ email: uniqueEmail() }),
    outcomes: [ok, ok, ok, ok, ok, U],
  },
  {
    field: 'completePasswordReset',
    operation:
      'mutation($token: String!) { completePasswordReset(input: { token: $token, newPassword: "table-password-789" }) { token user { id } errors { code } } }',
    variables: async (fx) => ({ token: await resetTokenFor((await fx.newUser()).id) }),
    outcomes: [ok, ok, ok, ok, ok, U],
  },
  {
    field: 'setUserRole',
    operation: 'mutation($id: ID!) { setUserRole(input: { id: $id, role: ANALYST }) { user { id role } errors { code } } }',
    variables: async (fx) => ({ id: (await fx.newUser()).id }),
    outcomes: [U, F, F, F, ok, U],
    verify: (value) => expect((value as { user: { role: string } }).user.role).toBe('ANALYST'),
  },
  {
    field: 'disableUser',
    operation: (fx) => `mutation($id: ID!) { disableUser(input: { id: $id })${fx.disableUserSelection} }`,
    variables: async (fx) => ({ id: (await fx.newUser()).id }),
    outcomes: [U, F, F, F, ok, U],
  },
  {
    field: 'enableUser',
    operation: 'mutation($id: ID!) { enableUser(input: { id: $id }) { user { id disabledAt } errors { code } } }',
    variables: async (fx) => ({ id: (await fx.newDisabledUser()).id }),
    outcomes: [U, F, F, F, ok, U],
    verify: (value) => expect((value as { user: { disabledAt: string | null } }).user.disabledAt).toBeNull(),
  },
];

//                                                                   anonymous customer  other     analyst   admin     disabled
const subscriptions: Row[] = [
  { field: 'salesTicks', operation: 'subscription { salesTicks { at order { id } } }', outcomes: [U, F, F, ok, ok, U] },
  { field: 'salesStats', operation: 'subscription { salesStats(windowSeconds: 60) { orders } }', outcomes: [U, F, F, ok, ok, U] },
  { field: 'inventoryAlerts', operation: 'subscription { inventoryAlerts { kind product { id } } }', outcomes: [U, F, F, ok, ok, U] },
  { field: 'funnelStats', operation: 'subscription { funnelStats(windowSeconds: 300) { visitors { activeSessions } } }', outcomes: [U, F, F, ok, ok, U] },
  {
    field: 'orderStatus',
    operation: 'subscription($id: ID!) { orderStatus(orderId: $id) { status } }',
    variables: (fx) => ({ id: fx.orderId }),
    outcomes: [U, ok, F, ok, ok, U],
  },
];

const stockField = (name: string): Row => ({
  field: `Stock.${name}`,
  operation: `query($id: ID!) { product(id: $id) { id stock { ${name} } } }`,
  variables: (fx) => ({ id: fx.product.id }),
  outcomes: [U, F, F, ok, ok, U],
  reveals: (data) => typeof stockOf(data)?.[name] === 'number',
});

//                                                                   anonymous customer  other     analyst   admin     disabled
const guardedFields: Row[] = [
  stockField('onHand'),
  stockField('reserved'),
  stockField('lowStockThreshold'),
  {
    field: 'Stock.available',
    operation: 'query($id: ID!) { product(id: $id) { id stock { available } } }',
    variables: (fx) => ({ id: fx.product.id }),
    outcomes: [ok, ok, ok, ok, ok, U],
    reveals: (data) => typeof stockOf(data)?.['available'] === 'number',
  },
  {
    field: 'User.addresses',
    operation: 'query($id: ID!) { user(id: $id) { id addresses { id } } }',
    variables: (fx) => ({ id: fx.customer.id }),
    outcomes: [hidden, ok, hidden, hidden, ok, U],
    reveals: (data) => Array.isArray((data['user'] as { addresses?: unknown } | null)?.addresses),
  },
  {
    field: 'Query.products(activeOnly: false)',
    operation: '{ products(first: 100, filter: { activeOnly: false }) { edges { node { id } } } }',
    outcomes: [hidden, hidden, hidden, ok, ok, U],
    reveals: (data, fx) =>
      ((data['products'] as { edges: { node: { id: string } }[] } | null)?.edges ?? []).some((edge) => edge.node.id === fx.withdrawnProduct.id),
  },
];

let stack: TestStack;
let fx: Fixture;
const clients: LiveClient[] = [];

/** What the schema offers clients at the root, by operation type, read through introspection. */
async function rootFieldsOfSchema(): Promise<Record<'query' | 'mutation' | 'subscription', string[]>> {
  const result = await postGraphQL<{ __schema: Record<string, { fields: { name: string }[] } | null> }>(
    stack.graphqlUrl,
    '{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }',
  );
  const names = (type: string) => (result.data?.__schema[type]?.fields ?? []).map((field) => field.name).sort();
  return { query: names('queryType'), mutation: names('mutationType'), subscription: names('subscriptionType') };
}

beforeAll(async () => {
  stack = await startTestStack();
  const cast = await createCast(stack);
  const disabled = await stack.createUser('CUSTOMER', 'Disabled Customer');
  const [cartProduct] = await createProducts(stack.graphqlUrl, cast.admin.token, [{ price: 300, stock: 100 }]);
  const credentials = { email: uniqueEmail(), password: 'table-password-123' };
  await postGraphQL(stack.graphqlUrl, 'mutation($input: SignUpInput!) { signUp(input: $input) { user { id } errors { code } } }', {
    input: { ...credentials, name: 'Log-in Owner' },
  });
  const category = await postGraphQL<{ product: { category: { id: string } } }>(stack.graphqlUrl, 'query($id: ID!) { product(id: $id) { category { id } } }', {
    id: cast.product.id,
  });
  const accounts: Record<Actor, Account | undefined> = {
    anonymous: undefined,
    customer: cast.customer,
    otherCustomer: cast.otherCustomer,
    analyst: cast.analyst,
    admin: cast.admin,
    disabled,
  };
  const [owner] = await queryRows<{ password_hash: string }>(stack.databaseUrl('users'), 'SELECT password_hash FROM users WHERE email = ?', [
    credentials.email,
  ]);
  const passwordHash = owner!.password_hash;
  const act = async (query: string, id: string, token: string) => {
    const result = await postGraphQL(stack.graphqlUrl, query, { id }, { token });
    if (result.errors) throw new Error(`${query}: ${JSON.stringify(result.errors)}`);
  };
  fx = {
    ...cast,
    disabled,
    cartProduct: cartProduct!,
    categoryId: category.data!.product.category.id,
    credentials,
    account: (actor) => accounts[actor],
    newUser: () => stack.createUser('CUSTOMER'),
    async newDisabledUser() {
      const user = await stack.createUser('CUSTOMER');
      await disableAccount(stack, cast.admin.token, user.id);
      return user;
    },
    async newRefreshToken() {
      const signedUp = await postGraphQL<{ signUp: { refreshToken: string } }>(
        stack.graphqlUrl,
        'mutation($input: SignUpInput!) { signUp(input: $input) { refreshToken errors { code } } }',
        {
          input: { email: uniqueEmail(), password: 'table-password-123', name: 'Session Owner' },
        },
      );
      if (!signedUp.data) throw new Error(`sign-up failed: ${JSON.stringify(signedUp.errors)}`);
      return signedUp.data.signUp.refreshToken;
    },
    async standIn(actor) {
      const role = standInRoles[actor];
      if (!role) return accounts[actor];
      const account = await stack.createUser(role, `Stand-in ${actor}`);
      await queryRows(stack.databaseUrl('users'), 'UPDATE users SET password_hash = ? WHERE id = ?', [passwordHash, account.id]);
      return account;
    },
    disableUserSelection: await selectionForMutation(stack, 'disableUser'),
    async freshOrder(status) {
      const placed = await placeOrder(stack.graphqlUrl, cast.customer.token, [{ productId: cast.product.id, quantity: 1 }]);
      const id = placed.data!.placeOrder.order!.id;
      if (status !== 'PENDING')
        await act(
          'mutation($id: ID!) { payOrder(input: { orderId: $id, paymentToken: "tok_visa" }) { order { id } errors { code } } }',
          id,
          cast.customer.token,
        );
      if (status === 'SHIPPED') await act('mutation($id: ID!) { shipOrder(input: { orderId: $id }) { order { id } errors { code } } }', id, cast.admin.token);
      return id;
    },
  };
  await disableAccount(stack, cast.admin.token, disabled.id);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await stack?.stop();
});

const standInRoles: Record<Actor, 'CUSTOMER' | 'ANALYST' | 'ADMIN' | undefined> = {
  anonymous: undefined,
  customer: 'CUSTOMER',
  otherCustomer: 'CUSTOMER',
  analyst: 'ANALYST',
  admin: 'ADMIN',
  disabled: undefined,
};

const rootFieldOf = (row: Row) => row.field.split('(')[0]!.replace(/^\w+\./, '');

async function answerOverHttp(row: Row, actor: Actor): Promise<{ status: number; body: GraphQLBody | undefined; codes: string[] }> {
  const token = (row.spendsCaller ? await fx.standIn(actor) : fx.account(actor))?.token;
  const operation = typeof row.operation === 'string' ? row.operation : row.operation(fx);
  const response = await sendHttp(stack.graphqlUrl, {
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: operation, variables: (await row.variables?.(fx, actor)) ?? {} }),
  });
  return { status: response.status, body: bodyOf(response), codes: codesOf(response) };
}

async function checkHttpCell(row: Row, actor: Actor, outcome: Outcome): Promise<void> {
  const { status, body, codes } = await answerOverHttp(row, actor);
  const data = body?.data ?? {};
  const value = data[rootFieldOf(row)];
  const shown = JSON.stringify(body).slice(0, 400);
  if (actor === 'disabled') expect(status, shown).toBe(401);
  // A mutation's typed failures (its payload's errors) count as refusals too: an allowed call must carry none.
  const typed = ((value as { errors?: { code: string }[] } | null | undefined)?.errors ?? []).map((error) => error.code);
  if (outcome === 'ok') {
    expect([...codes, ...typed], shown).toEqual([]);
    if (row.reveals) expect(row.reveals(data, fx), shown).toBe(true);
    else expect(value, shown).toBeTruthy();
    row.verify?.(value, fx, actor);
  } else if (outcome === 'declined') {
    // Every code the answer carries is a typed one from the payload: no GraphQL error refused the caller.
    expect(typed.length, shown).toBeGreaterThan(0);
    expect((body?.errors ?? []).length, shown).toBe(0);
  } else if (outcome === 'null') {
    expect(codes, shown).toEqual([]);
    expect(value, shown).toBeNull();
  } else if (outcome === 'withheld') {
    expect(row.reveals!(data, fx), shown).toBe(false);
    expect(
      codes.filter((code) => code !== F && code !== U),
      shown,
    ).toEqual([]);
  } else {
    expect(codes.length, shown).toBeGreaterThan(0);
    expect(new Set(codes), shown).toEqual(new Set([outcome]));
    if (row.reveals) expect(row.reveals(data, fx), shown).toBe(false);
    else expect(value ?? null, shown).toBeNull();
  }
}

/** Subscribes as `actor`: accepted (a result, or a quiet second), or refused with codes or a close code. */
async function checkSocketCell(row: Row, actor: Actor, outcome: Outcome): Promise<void> {
  const token = fx.account(actor)?.token;
  const client = connectLive(stack.graphqlUrl, token ? { authorization: `Bearer ${token}` } : undefined);
  clients.push(client);
  const operation = typeof row.operation === 'string' ? row.operation : row.operation(fx);
  const subscription = client.subscribe(operation, (await row.variables?.(fx, actor)) ?? {});
  // A refusal comes within milliseconds; a loaded machine gets longer before silence counts as accepted where one is due.
  const quietMs = outcome === 'ok' ? 1_000 : 5_000;
  const answer = await Promise.race([
    subscription.next(quietMs + 500).then(() => 'accepted'),
    subscription
      .failure(quietMs + 500)
      .then((failure: unknown) =>
        Array.isArray(failure)
          ? failure.map((error: { extensions?: { code?: string } }) => error.extensions?.code ?? 'NO_CODE').join(',')
          : `close ${(failure as { code?: number }).code}`,
      ),
    new Promise<string>((resolve) => setTimeout(() => resolve('accepted'), quietMs)),
  ]);
  subscription.stop();
  await client.dispose();
  if (outcome === 'ok') expect(answer).toBe('accepted');
  else if (actor === 'disabled') expect(['close 4401', 'close 4403', U]).toContain(answer);
  else expect(answer).toBe(outcome);
}

interface Cell {
  readonly row: Row;
  readonly actor: Actor;
  readonly outcome: Outcome;
  readonly transport: 'HTTP' | 'graphql-ws';
}

const cellsOf = (rows: readonly Row[], transport: Cell['transport']): Cell[] =>
  rows.flatMap((row) => actors.map((actor, index) => ({ row, actor, outcome: row.outcomes[index]!, transport })));

const checkCell = (cell: Cell) =>
  cell.transport === 'HTTP' ? checkHttpCell(cell.row, cell.actor, cell.outcome) : checkSocketCell(cell.row, cell.actor, cell.outcome);

/** One `it` per cell, named `<field> as <actor> over <transport>: <outcome>`. */
function tableOf(rows: readonly Row[], transport: Cell['transport']): void {
  const cells = cellsOf(rows, transport).map((cell): [string, Cell] => [`${cell.row.field} as ${cell.actor} over ${transport}: ${cell.outcome}`, cell]);
  it.each(cells)('%s', (_name, cell) => checkCell(cell));
}

describe('authorization table', () => {
  it('covers every root field the supergraph offers clients, and no other', async () => {
    const schema = await rootFieldsOfSchema();
    const inTable = (rows: readonly Row[]) =>
      rows
        .filter((row) => !row.field.includes('.'))
        .map((row) => row.field)
        .sort();
    expect(inTable(queries)).toEqual(schema.query);
    expect(inTable(mutations)).toEqual(schema.mutation);
    expect(inTable(subscriptions)).toEqual(schema.subscription);
  });

  describe('queries', () => tableOf(queries, 'HTTP'));
  describe('mutations', () => tableOf(mutations, 'HTTP'));
  describe('subscriptions', () => tableOf(subscriptions, 'graphql-ws'));
  describe('guarded fields', () => tableOf(guardedFields, 'HTTP'));
});
