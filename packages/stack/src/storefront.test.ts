import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, queryRows } from '@rtc/testkit';
import { parseTaxRates } from '@rtc/orders';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from './testing';

/** A shop front written against the gateway as a new client would write it: accounts, browsing, paying, the figures. */
let stack: TestStack;
let admin: { id: string; token: string };
let products: CreatedProduct[];
let categoryId: string;

async function call<T>(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const result = await postGraphQL<T>(stack.graphqlUrl, query, variables, token ? { token } : {});
  expect(result.errors, query).toBeUndefined();
  return result.data!;
}

beforeAll(async () => {
  // A flat 4.95 shipping fee, free from 50.00, and German VAT: so the totals of an order have every part.
  stack = await startTestStack({ orderPricing: { shippingFee: 495, shippingFreeFrom: 5_000, taxRates: parseTaxRates('DE:19') } });
  admin = await stack.createUser('ADMIN');
  products = await createProducts(stack.graphqlUrl, admin.token, [
    { price: 900, stock: 50, name: 'Enamel Mug' },
    { price: 2_400, stock: 50, name: 'Linen Apron' },
    { price: 6_500, stock: 50, name: 'Cast Iron Pan' },
    { price: 31_000, stock: 50, name: 'Copper Kettle' },
  ]);
  const [row] = await queryRows<{ category_id: number }>(stack.databaseUrl('catalog'), 'SELECT category_id FROM products WHERE id = ?', [products[0]!.id]);
  categoryId = String(row!.category_id);
});

afterAll(async () => {
  await stack?.stop();
});

describe('a storefront through the gateway', () => {
  let shopper: { token: string; refreshToken: string; user: { id: string; email: string } };

  it('signs up and sees its own email, updates its profile, and changes its password ending the old session', async () => {
    const email = `shopper.${Date.now()}@example.com`;
    shopper = (
      await call<{ signUp: typeof shopper }>(
        'mutation($input: SignUpInput!) { signUp(input: $input) { token refreshToken user { id email } errors { code } } }',
        {
          input: { email, password: 'shopper password 1', name: 'Shopper' },
        },
      )
    ).signUp;
    expect(shopper.user.email).toBe(email);
    const profile = await call<{ updateProfile: { user: { name: string } } }>(
      'mutation { updateProfile(input: { name: "Ada Shopper" }) { user { name } errors { code } } }',
      {},
      shopper.token,
    );
    expect(profile.updateProfile.user.name).toBe('Ada Shopper');
    const changed = await call<{ changePassword: typeof shopper }>(
      'mutation { changePassword(input: { currentPassword: "shopper password 1", newPassword: "shopper password 2" }) { token refreshToken user { id email } errors { code } } }',
      {},
      shopper.token,
    );
    const stale = await postGraphQL(stack.graphqlUrl, 'mutation($r: String!) { refreshSession(input: { refreshToken: $r }) { token errors { code } } }', {
      r: shopper.refreshToken,
    });
    expect(stale.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    shopper = changed.changePassword;
    expect(shopper.user.email).toBe(email);
    const reset = await call<{ requestPasswordReset: { requested: boolean } }>(
      'mutation { requestPasswordReset(input: { email: "nobody.here@example.com" }) { requested errors { code } } }',
    );
    expect(reset.requestPasswordReset).toEqual({ requested: true, errors: [] });
  });

  it('pages a category two at a time with counts, page edges and facets', async () => {
    const query = `query($first: Int, $after: String, $filter: ProductFilter) {
      products(first: $first, after: $after, filter: $filter, sort: PRICE_ASC) {
        totalCount
        edges { cursor node { name } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        facets { categories { category { id } count } priceBands { minPrice count } }
      }
    }`;
    type Page = {
      products: {
        totalCount: number;
        edges: { cursor: string; node: { name: string } }[];
        pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
        facets: { categories: { category: { id: string }; count: number }[]; priceBands: { minPrice: number; count: number }[] };
      };
    };
    const first = (await call<Page>(query, { first: 2, filter: { categoryId } })).products;
    expect(first.totalCount).toBe(4);
    expect(first.edges.map((edge) => edge.node.name)).toEqual(['Enamel Mug', 'Linen Apron']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, startCursor: first.edges[0]!.cursor });
    expect(first.facets.categories).toEqual([{ category: { id: categoryId }, count: 4 }]);
    expect(first.facets.priceBands.filter((band) => band.count > 0)).toEqual([
      { minPrice: 0, count: 1 },
      { minPrice: 1_000, count: 1 },
      { minPrice: 5_000, count: 1 },
      { minPrice: 25_000, count: 1 },
    ]);
    const second = (await call<Page>(query, { first: 2, after: first.pageInfo.endCursor, filter: { categoryId } })).products;
    expect(second.edges.map((edge) => edge.node.name)).toEqual(['Cast Iron Pan', 'Copper Kettle']);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const cheap = (await call<Page>(query, { first: 0, filter: { categoryId, maxPrice: 2_399 } })).products;
    expect([cheap.totalCount, cheap.facets.priceBands.reduce((sum, band) => sum + band.count, 0)]).toEqual([1, 4]);
  });

  it('browses the category tree, opens a product by its handle with its images and sale price, and finds it by relevance', async () => {
    const tag = Date.now().toString(36);
    const create = 'mutation($input: CreateCategoryInput!) { createCategory(input: $input) { category { id slug } errors { code } } }';
    const shop = (await call<{ createCategory: { category: { id: string; slug: string } } }>(create, { input: { name: `Cookware ${tag}` } }, admin.token))
      .createCategory.category;
    const pans = (
      await call<{ createCategory: { category: { id: string; slug: string } } }>(create, { input: { name: `Pans ${tag}`, parentId: shop.id } }, admin.token)
    ).createCategory.category;
    const images = [
      { url: `https://images.rtc.example/products/${tag}/front.jpg`, altText: 'The pan from above' },
      { url: `https://images.rtc.example/products/${tag}/handle.jpg`, altText: 'Its riveted handle' },
    ];
    const pan = (
      await call<{ createProduct: { product: { id: string; handle: string } } }>(
        'mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id handle } errors { code } } }',
        { input: { sku: `PAN-${tag}`, name: `Carbon Steel Skillet ${tag}`, price: 4_500, compareAtPrice: 6_000, categoryId: pans.id, images } },
        admin.token,
      )
    ).createProduct.product;
    expect(pan.handle).toBe(`carbon-steel-skillet-${tag}`);

    const roots = await call<{ categories: { slug: string }[] }>('{ categories(rootsOnly: true) { slug } }');
    expect(roots.categories.map((row) => row.slug)).toContain(shop.slug);
    expect(roots.categories.map((row) => row.slug)).not.toContain(pans.slug);
    const tree = await call<{ categoryBySlug: { parent: { slug: string }; breadcrumbs: { slug: string }[]; children: unknown[] } }>(
      'query($slug: String!) { categoryBySlug(slug: $slug) { parent { slug } breadcrumbs { slug } children { slug } } }',
      { slug: pans.slug },
    );
    expect(tree.categoryBySlug).toEqual({ parent: { slug: shop.slug }, breadcrumbs: [{ slug: shop.slug }, { slug: pans.slug }], children: [] });
    const underShop = await call<{ products: { totalCount: number; edges: { node: { handle: string } }[] } }>(
      'query($id: ID!) { products(first: 10, filter: { categoryId: $id }) { totalCount edges { node { handle } } } }',
      { id: shop.id },
    );
    expect(underShop.products).toEqual({ totalCount: 1, edges: [{ node: { handle: pan.handle } }] });

    const page = await call<{ productByHandle: Record<string, unknown> }>(
      `query($handle: String!) { productByHandle(handle: $handle) {
        id name price { amount } compareAtPrice { amount } onSale inStock
        featuredImage { url altText } images { url position } category { breadcrumbs { slug } }
      } }`,
      { handle: pan.handle.toUpperCase() },
    );
    expect(page.productByHandle).toEqual({
      id: pan.id,
      name: `Carbon Steel Skillet ${tag}`,
      price: { amount: 4_500 },
      compareAtPrice: { amount: 6_000 },
      onSale: true,
      inStock: false,
      featuredImage: images[0],
      images: images.map((image, position) => ({ url: image.url, position })),
      category: { breadcrumbs: [{ slug: shop.slug }, { slug: pans.slug }] },
    });

    const found = await call<{ products: { edges: { node: { id: string } }[] } }>(
      'query($text: String!) { products(first: 3, sort: RELEVANCE, filter: { search: $text }) { edges { node { id } } } }',
      { text: `skillet ${tag}` },
    );
    expect(found.products.edges[0]?.node.id).toBe(pan.id);
  });

  it('orders, pays and cancels, and the payment status and gross and net figures agree with the orders', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const ids: string[] = [];
    for (const [index, product] of products.slice(0, 3).entries()) {
      const placed = await placeOrder(stack.graphqlUrl, shopper.token, [{ productId: product.id, quantity: index + 1 }]);
      expect(placed.errors).toBeUndefined();
      ids.push(placed.data!.placeOrder.order!.id);
    }
    type Changed = Record<string, { order: { paymentStatus: string } }>;
    const pay = 'mutation($id: ID!) { payOrder(input: { orderId: $id, paymentToken: "tok_visa" }) { order { paymentStatus } errors { code } } }';
    expect((await call<Changed>(pay, { id: ids[0] }, shopper.token))['payOrder']!.order.paymentStatus).toBe('PAID');
    await call(pay, { id: ids[1] }, shopper.token);
    const cancel = 'mutation($id: ID!) { cancelOrder(input: { orderId: $id }) { order { paymentStatus } errors { code } } }';
    expect((await call<Changed>(cancel, { id: ids[1] }, shopper.token))['cancelOrder']!.order.paymentStatus).toBe('REFUNDED');
    expect((await call<Changed>(cancel, { id: ids[2] }, shopper.token))['cancelOrder']!.order.paymentStatus).toBe('VOIDED');

    const to = new Date(Date.now() + 60_000).toISOString();
    const figures = 'orders revenue { amount } units';
    const summary = await call<{ salesSummary: { current: Record<'gross' | 'net', { orders: number; revenue: { amount: number }; units: number }> } }>(
      `query($from: DateTime!, $to: DateTime!) { salesSummary(from: $from, to: $to) { current { gross { ${figures} } net { ${figures} } } } }`,
      { from, to },
      admin.token,
    );
    const [raw] = await queryRows<Record<string, unknown>>(
      stack.databaseUrl('orders'),
      `SELECT COUNT(*) AS gross_orders, SUM(total_amount) AS gross_revenue, SUM(item_count) AS gross_units,
         SUM(status IN ('PAID', 'SHIPPED', 'DELIVERED')) AS net_orders, SUM(IF(status IN ('PAID', 'SHIPPED', 'DELIVERED'), total_amount, 0)) AS net_revenue,
         SUM(IF(status IN ('PAID', 'SHIPPED', 'DELIVERED'), item_count, 0)) AS net_units
       FROM orders WHERE placed_at >= ? AND placed_at < ?`,
      [new Date(from), new Date(to)],
    );
    const { gross, net } = summary.salesSummary.current;
    expect([gross.orders, gross.revenue.amount, gross.units]).toEqual([
      Number(raw!['gross_orders']),
      Number(raw!['gross_revenue']),
      Number(raw!['gross_units']),
    ]);
    expect([net.orders, net.revenue.amount, net.units]).toEqual([Number(raw!['net_orders']), Number(raw!['net_revenue']), Number(raw!['net_units'])]);
    // The paid order's total: 900 of lines and 495 of shipping (no address, so no tax).
    expect([gross.orders, net.orders, net.revenue.amount]).toEqual([3, 1, 900 + 495]);
  });

  it('fills a guest cart, logs in and merges it, saves an address and orders the cart, which keeps the address and its totals', async () => {
    const cartFields = 'itemCount lines { product { name } quantity } subtotal { amount } shippingTotal { amount } taxTotal { amount } total { amount }';
    type CartView = {
      itemCount: number;
      lines: { product: { name: string }; quantity: number }[];
      subtotal: { amount: number };
      shippingTotal: { amount: number };
      taxTotal: { amount: number };
      total: { amount: number };
    };
    // As a guest: no token at all.
    const created = await call<{ createCart: { cartToken: string; cart: CartView; errors: unknown[] } }>(
      `mutation($input: CreateCartInput!) { createCart(input: $input) { cartToken cart { ${cartFields} } errors { code } } }`,
      { input: { lines: [{ productId: products[0]!.id, quantity: 2 }] } },
    );
    expect(created.createCart.errors).toEqual([]);
    const cartToken = created.createCart.cartToken;
    const added = await call<{ addToCart: { cart: CartView; errors: unknown[] } }>(
      `mutation($input: AddToCartInput!) { addToCart(input: $input) { cart { ${cartFields} } errors { code } } }`,
      { input: { productId: products[1]!.id, quantity: 1, cartToken } },
    );
    expect(added.addToCart.errors).toEqual([]);
    // 2 x 900 + 2,400 = 4,200, under the free-shipping threshold; no address yet, so no tax.
    expect(added.addToCart.cart).toMatchObject({ itemCount: 3, subtotal: { amount: 4_200 }, shippingTotal: { amount: 495 }, total: { amount: 4_695 } });
    const unavailable = await call<{ addToCart: { cart: null; errors: { code: string; field: string[] }[] } }>(
      'mutation($input: AddToCartInput!) { addToCart(input: $input) { cart { itemCount } errors { code field } } }',
      { input: { productId: '987654321', quantity: 1, cartToken } },
    );
    expect(unavailable.addToCart).toEqual({ cart: null, errors: [{ code: 'PRODUCT_UNAVAILABLE', field: ['input', 'productId'] }] });

    // Log in, then fold the guest cart into the customer's.
    const session = await call<{ logIn: { token: string } }>(
      'mutation($email: String!, $password: String!) { logIn(input: { email: $email, password: $password }) { token errors { code } } }',
      {
        email: shopper.user.email,
        password: 'shopper password 2',
      },
    );
    const token = session.logIn.token;
    const merged = await call<{ mergeCart: { cart: CartView; errors: unknown[] } }>(
      `mutation($input: MergeCartInput!) { mergeCart(input: $input) { cart { ${cartFields} } errors { code } } }`,
      { input: { cartToken } },
      token,
    );
    expect(merged.mergeCart.cart.lines.map((line) => [line.product.name, line.quantity])).toEqual([
      ['Enamel Mug', 2],
      ['Linen Apron', 1],
    ]);
    const gone = await postGraphQL(stack.graphqlUrl, 'query($t: String) { cart(cartToken: $t) { itemCount } }', { t: cartToken });
    expect(gone.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');

    // Save an address on the account and ship the order there.
    const address = { name: 'Ada Shopper', line1: 'Unter den Linden 1', city: 'Berlin', postalCode: '10117', country: 'DE' };
    const addressFields = 'name line1 line2 city region postalCode country phone';
    const saved = await call<{ addAddress: { address: { id: string; isDefault: boolean }; errors: unknown[] } }>(
      'mutation($input: AddAddressInput!) { addAddress(input: $input) { address { id isDefault } errors { code } } }',
      { input: { address } },
      token,
    );
    expect(saved.addAddress).toMatchObject({ address: { isDefault: true }, errors: [] });
    const me = await call<{ me: { addresses: ({ id: string; isDefault: boolean } & Record<string, string | null>)[] } }>(
      `{ me { addresses { id isDefault ${addressFields} } } }`,
      {},
      token,
    );
    const { id: addressId, isDefault: _default, ...shipTo } = me.me.addresses.find((saved) => saved.isDefault)!;
    const orderFields = `id lines { lineTotal { amount } } subtotal { amount } shippingTotal { amount } taxTotal { amount } discountTotal { amount } total { amount }
      shippingAddress { ${addressFields} }`;
    type OrderView = {
      id: string;
      lines: { lineTotal: { amount: number } }[];
      subtotal: { amount: number };
      shippingTotal: { amount: number };
      taxTotal: { amount: number };
      discountTotal: { amount: number };
      total: { amount: number };
      shippingAddress: Record<string, string | null>;
    };
    const placed = await call<{ placeOrder: { order: OrderView } }>(
      `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { ${orderFields} } errors { code } } }`,
      { input: { idempotencyKey: 'storefront-cart', fromCart: true, shippingAddress: shipTo } },
      token,
    );
    const order = placed.placeOrder.order;
    expect(order.subtotal.amount).toBe(order.lines.reduce((sum, line) => sum + line.lineTotal.amount, 0));
    expect(order.total.amount).toBe(order.subtotal.amount + order.shippingTotal.amount + order.taxTotal.amount - order.discountTotal.amount);
    // 19% of 4,200 = 798.
    expect([order.subtotal.amount, order.shippingTotal.amount, order.taxTotal.amount, order.discountTotal.amount, order.total.amount]).toEqual([
      4_200, 495, 798, 0, 5_493,
    ]);
    expect(order.shippingAddress).toEqual({ ...address, line2: null, region: null, phone: null });

    // Moving house later changes the saved address, not the order.
    await call(
      'mutation($input: UpdateAddressInput!) { updateAddress(input: $input) { address { city } errors { code } } }',
      { input: { id: addressId, address: { ...address, city: 'Potsdam', postalCode: '14467' } } },
      token,
    );
    const again = await call<{ order: OrderView }>(`query($id: ID!) { order(id: $id) { ${orderFields} } }`, { id: order.id }, token);
    expect(again.order.shippingAddress['city']).toBe('Berlin');
    const emptied = await call<{ cart: { itemCount: number } }>('{ cart { itemCount } }', {}, token);
    expect(emptied.cart.itemCount).toBe(0);
  });

  it('switches on typed failures: each names what went wrong, leaves its result null and writes nothing', async () => {
    type Payload = { errors: { code: string; field: string[] | null; productIds?: string[] | null }[] } & Record<string, unknown>;
    const wrong = await call<{ logIn: Payload }>('mutation($input: LogInInput!) { logIn(input: $input) { token errors { code field } } }', {
      input: { email: shopper.user.email, password: 'not the password' },
    });
    expect(wrong.logIn).toEqual({ token: null, errors: [{ code: 'UNAUTHENTICATED', field: null }] });

    const kettle = products[3]!;
    const order = 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } errors { code field productIds } } }';
    const short = await call<{ placeOrder: Payload }>(
      order,
      { input: { idempotencyKey: 'too-many-kettles', lines: [{ productId: kettle.id, quantity: 51 }] } },
      shopper.token,
    );
    expect(short.placeOrder).toEqual({ order: null, errors: [{ code: 'OUT_OF_STOCK', field: null, productIds: [kettle.id] }] });
    const empty = await call<{ placeOrder: Payload }>(order, { input: { idempotencyKey: 'empty-cart', fromCart: true } }, shopper.token);
    expect(empty.placeOrder).toEqual({ order: null, errors: [{ code: 'CART_EMPTY', field: ['input', 'fromCart'], productIds: null }] });

    const placed = await placeOrder(stack.graphqlUrl, shopper.token, [{ productId: kettle.id, quantity: 1 }]);
    const orderId = placed.data!.placeOrder.order!.id;
    const reused = await call<{ placeOrder: Payload }>(
      order,
      { input: { idempotencyKey: 'kettle-key', lines: [{ productId: kettle.id, quantity: 1 }] } },
      shopper.token,
    );
    expect(reused.placeOrder.errors).toEqual([]);
    const again = await call<{ placeOrder: Payload }>(
      order,
      { input: { idempotencyKey: 'kettle-key', lines: [{ productId: kettle.id, quantity: 2 }] } },
      shopper.token,
    );
    expect(again.placeOrder.errors).toEqual([{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'], productIds: null }]);

    const pay = 'mutation($input: PayOrderInput!) { payOrder(input: $input) { order { status } errors { code } } }';
    const declined = await call<{ payOrder: Payload }>(pay, { input: { orderId, paymentToken: 'tok_decline_card' } }, shopper.token);
    expect(declined.payOrder).toEqual({ order: null, errors: [{ code: 'PAYMENT_DECLINED' }] });
    await call(`mutation { cancelOrder(input: { orderId: "${orderId}" }) { errors { code } } }`, {}, shopper.token);
    const afterCancel = await call<{ payOrder: Payload }>(pay, { input: { orderId, paymentToken: 'tok_visa' } }, shopper.token);
    expect(afterCancel.payOrder).toEqual({ order: null, errors: [{ code: 'INVALID_TRANSITION' }] });

    const [stock] = await queryRows<{ available: number }>(stack.databaseUrl('inventory'), 'SELECT available FROM stock WHERE product_id = ?', [kettle.id]);
    // The cancelled order's kettle came back; the kettle-key order holds one, its refused second payload nothing.
    expect(stock!.available).toBe(50 - 1);
    const [paid] = await queryRows<{ n: number }>(stack.databaseUrl('orders'), 'SELECT COUNT(*) AS n FROM orders WHERE id = ? AND paid_at IS NOT NULL', [
      orderId,
    ]);
    expect(Number(paid!.n)).toBe(0);
  });

  it("picks a size, carts and orders it, and sees that size's stock go down and the order line name it", async () => {
    const [tee] = await createProducts(stack.graphqlUrl, admin.token, [{ price: 2_000, stock: 6, name: 'Organic Tee' }]);
    const variantFields = 'variant { id title sku price { amount } }';
    // The product's default variant becomes size S; M and L are added beside it, each with its own price and stock.
    await call(
      `mutation($input: UpdateProductVariantInput!) { updateProductVariant(input: $input) { ${variantFields} errors { code } } }`,
      { input: { id: tee!.id, selectedOptions: [{ name: 'Size', value: 'S' }] } },
      admin.token,
    );
    const added: Record<string, string> = {};
    for (const [size, price, units] of [
      ['M', 2_000, 4],
      ['L', 2_300, 9],
    ] as const) {
      const result = await call<{ addProductVariant: { variant: { id: string }; errors: unknown[] } }>(
        `mutation($input: AddProductVariantInput!) { addProductVariant(input: $input) { ${variantFields} errors { code } } }`,
        { input: { productId: tee!.id, sku: `TEE-${tee!.id}-${size}`, selectedOptions: [{ name: 'Size', value: size }], price } },
        admin.token,
      );
      expect(result.addProductVariant.errors).toEqual([]);
      added[size] = result.addProductVariant.variant.id;
      await call(
        'mutation($p: ID!, $v: ID, $q: Int!) { restock(input: { productId: $p, variantId: $v, quantity: $q, reason: "opening stock" }) { stock { available } errors { code } } }',
        { p: tee!.id, v: added[size], q: units },
        admin.token,
      );
    }

    type Page = {
      product: {
        options: { name: string; values: string[] }[];
        stock: { available: number };
        variants: { id: string; title: string; price: { amount: number }; stock: { available: number }; inStock: boolean }[];
      };
    };
    const page = `query($id: ID!) { product(id: $id) { options { name values } stock { available } variants { id title price { amount } stock { available } inStock } } }`;
    const before = (await call<Page>(page, { id: tee!.id }, shopper.token)).product;
    expect(before.options).toEqual([{ name: 'Size', values: ['S', 'M', 'L'] }]);
    expect(before.variants.map((variant) => [variant.title, variant.price.amount, variant.stock.available])).toEqual([
      ['S', 2_000, 6],
      ['M', 2_000, 4],
      ['L', 2_300, 9],
    ]);
    expect(before.stock.available).toBe(19);
    const large = before.variants.find((variant) => variant.title === 'L')!;

    const cart = await call<{ addToCart: { cart: { lines: { variant: { id: string; title: string }; quantity: number; unitPrice: { amount: number } }[] } } }>(
      'mutation($p: ID!, $v: ID, $q: Int!) { addToCart(input: { productId: $p, variantId: $v, quantity: $q }) { cart { lines { variant { id title } quantity unitPrice { amount } } } errors { code } } }',
      { p: tee!.id, v: large.id, q: 2 },
      shopper.token,
    );
    expect(cart.addToCart.cart.lines).toEqual([{ variant: { id: large.id, title: 'L' }, quantity: 2, unitPrice: { amount: 2_300 } }]);
    const placed = await call<{
      placeOrder: {
        order: { subtotal: { amount: number }; lines: { product: { id: string }; variant: { id: string; title: string; sku: string }; quantity: number }[] };
      };
    }>(
      'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { subtotal { amount } lines { product { id } variant { id title sku } quantity } } errors { code } } }',
      { input: { fromCart: true, idempotencyKey: `tee-${tee!.id}` } },
      shopper.token,
    );
    // The lines' sum; the order's total adds the stack's flat shipping fee.
    expect(placed.placeOrder.order.subtotal.amount).toBe(4_600);
    expect(placed.placeOrder.order.lines).toEqual([{ product: { id: tee!.id }, variant: { id: large.id, title: 'L', sku: `TEE-${tee!.id}-L` }, quantity: 2 }]);

    const after = (await call<Page>(page, { id: tee!.id }, shopper.token)).product;
    expect(after.variants.map((variant) => [variant.title, variant.stock.available])).toEqual([
      ['S', 6],
      ['M', 4],
      ['L', 7],
    ]);
    expect(after.stock.available).toBe(17);
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const top = await call<{ topVariants: { variant: { id: string }; units: number; revenue: { amount: number } }[] }>(
      'query($from: DateTime!, $to: DateTime!, $p: ID) { topVariants(from: $from, to: $to, productId: $p) { variant { id } units revenue { amount } } }',
      { from, to, p: tee!.id },
      admin.token,
    );
    expect(top.topVariants).toEqual([{ variant: { id: large.id }, units: 2, revenue: { amount: 4_600 } }]);
  });
});
