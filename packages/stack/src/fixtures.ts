import { randomBytes } from 'node:crypto';
import { postGraphQL, type GraphQLResult } from '@rtc/testkit';

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
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** Creates a category, its products and their opening stock through the gateway, as an admin would. */
export async function createProducts(graphqlUrl: string, adminToken: string, specs: readonly ProductSpec[]): Promise<CreatedProduct[]> {
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const category = dataOf(
    await postGraphQL<{ createCategory: { id: string } }>(
      graphqlUrl,
      'mutation($input: CreateCategoryInput!) { createCategory(input: $input) { id } }',
      { input: { name: `Category ${tag}` } },
      { token: adminToken },
    ),
    'createCategory',
  ).createCategory;
  const created: CreatedProduct[] = [];
  for (const [index, spec] of specs.entries()) {
    const name = spec.name ?? `Product ${tag}-${index + 1}`;
    const product = dataOf(
      await postGraphQL<{ createProduct: { id: string } }>(
        graphqlUrl,
        'mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }',
        { input: { sku: `SKU-${tag}-${index + 1}`, name, price: spec.price, categoryId: category.id } },
        { token: adminToken },
      ),
      'createProduct',
    ).createProduct;
    if (spec.stock > 0) {
      dataOf(
        await postGraphQL(
          graphqlUrl,
          'mutation($id: ID!, $quantity: Int!) { restock(productId: $id, quantity: $quantity, reason: "opening stock") { available } }',
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
  placeOrder(input: $input) { id status total { amount currency } }
}`;

export interface PlacedOrder {
  readonly id: string;
  readonly status: string;
  readonly total: { amount: number; currency: string };
}

/** Places one order through the gateway; resolves with the whole GraphQL result, errors included. */
export function placeOrder(
  graphqlUrl: string,
  token: string,
  lines: readonly { productId: string; quantity: number }[],
  idempotencyKey = randomBytes(8).toString('hex'),
): Promise<GraphQLResult<{ placeOrder: PlacedOrder }>> {
  return postGraphQL(graphqlUrl, placeOrderMutation, { input: { lines, idempotencyKey } }, { token });
}
