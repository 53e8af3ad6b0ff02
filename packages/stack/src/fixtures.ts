import { randomBytes } from 'node:crypto';
import { payloadErrorCodes, postGraphQL, type GraphQLResult } from '@rtc/testkit';

export interface ProductSpec {
  readonly price: number;
  readonly stock: number;
  readonly name?: string;
}

export interface CreatedProduct {
  readonly id: string;
  readonly name: string;
  readonly price: number;
}

function dataOf<T>(result: GraphQLResult<T>, what: string): T {
  if (result.errors?.length || !result.data || payloadErrorCodes(result).length > 0) {
    throw new Error(`${what} failed: ${JSON.stringify(result.errors ?? result.data)}`);
  }
  return result.data;
}

/** Creates a category, its products and their opening stock through the gateway, as an admin would. */
export async function createProducts(graphqlUrl: string, adminToken: string, specs: readonly ProductSpec[]): Promise<CreatedProduct[]> {
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const category = dataOf(
    await postGraphQL<{ createCategory: { category: { id: string } } }>(
      graphqlUrl,
      'mutation($input: CreateCategoryInput!) { createCategory(input: $input) { category { id } errors { code message } } }',
      { input: { name: `Category ${tag}` } },
      { token: adminToken },
    ),
    'createCategory',
  ).createCategory.category;
  const created: CreatedProduct[] = [];
  for (const [index, spec] of specs.entries()) {
    const name = spec.name ?? `Product ${tag}-${index + 1}`;
    const product = dataOf(
      await postGraphQL<{ createProduct: { product: { id: string } } }>(
        graphqlUrl,
        'mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } errors { code message } } }',
        { input: { sku: `SKU-${tag}-${index + 1}`, name, price: spec.price, categoryId: category.id } },
        { token: adminToken },
      ),
      'createProduct',
    ).createProduct.product;
    if (spec.stock > 0) {
      dataOf(
        await postGraphQL(
          graphqlUrl,
          'mutation($id: ID!, $quantity: Int!) { restock(input: { productId: $id, quantity: $quantity, reason: "opening stock" }) { stock { available } errors { code message } } }',
          { id: product.id, quantity: spec.stock },
          { token: adminToken },
        ),
        'restock',
      );
    }
    created.push({ id: product.id, name, price: spec.price });
  }
  return created;
}

export const placeOrderMutation = `mutation Place($input: PlaceOrderInput!) {
  placeOrder(input: $input) { order { id status total { amount currency } } errors { code message productIds } }
}`;

export interface PlacedOrder {
  readonly id: string;
  readonly status: string;
  readonly total: { amount: number; currency: string };
}

/** placeOrder's payload: the order, or null beside the typed failure (OUT_OF_STOCK...) that stopped it. */
export interface PlaceOrderPayload {
  readonly order: PlacedOrder | null;
  readonly errors: readonly { code: string; message: string; productIds: string[] | null }[];
}

/** Places one order through the gateway; resolves with the whole GraphQL result, GraphQL errors and typed failures included. */
export function placeOrder(
  graphqlUrl: string,
  token: string,
  lines: readonly { productId: string; quantity: number }[],
  idempotencyKey = randomBytes(8).toString('hex'),
): Promise<GraphQLResult<{ placeOrder: PlaceOrderPayload }>> {
  return postGraphQL(graphqlUrl, placeOrderMutation, { input: { lines, idempotencyKey } }, { token });
}
