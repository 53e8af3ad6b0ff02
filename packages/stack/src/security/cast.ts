import { postGraphQL } from '@rtc/testkit';
import { createProducts, placeOrder, type CreatedProduct, type TestStack } from '../testing';

export interface Account {
  readonly id: string;
  readonly token: string;
}

/** The people and things every security test acts on: one of each role, a product, and an order of `customer`'s. */
export interface Cast {
  readonly admin: Account;
  readonly analyst: Account;
  readonly customer: Account;
  /** A second customer, who must never reach `customer`'s order or cart. */
  readonly otherCustomer: Account;
  readonly product: CreatedProduct;
  /** Withdrawn from sale: listed to staff only. */
  readonly withdrawnProduct: CreatedProduct;
  /** `customer`'s PENDING order. */
  readonly orderId: string;
}

export async function createCast(stack: TestStack): Promise<Cast> {
  const [admin, analyst, customer, otherCustomer] = await Promise.all([
    stack.createUser('ADMIN'),
    stack.createUser('ANALYST'),
    stack.createUser('CUSTOMER', 'Ada Customer'),
    stack.createUser('CUSTOMER', 'Other Customer'),
  ]);
  const [product, withdrawnProduct] = await createProducts(stack.graphqlUrl, admin.token, [
    { price: 1_250, stock: 500 },
    { price: 990, stock: 3 },
  ]);
  await postGraphQL(
    stack.graphqlUrl,
    'mutation($id: ID!) { updateProduct(input: { id: $id, active: false }) { product { id } } }',
    { id: withdrawnProduct!.id },
    { token: admin.token },
  );
  const placed = await placeOrder(stack.graphqlUrl, customer.token, [{ productId: product!.id, quantity: 1 }]);
  const orderId = placed.data?.placeOrder.order?.id;
  if (!orderId) throw new Error(`the cast's order was not placed: ${JSON.stringify(placed.errors)}`);
  await postGraphQL(
    stack.graphqlUrl,
    'mutation($id: ID!) { addToCart(input: { productId: $id, quantity: 2 }) { cart { itemCount } } }',
    { id: product!.id },
    { token: customer.token },
  );
  return { admin, analyst, customer, otherCustomer, product: product!, withdrawnProduct: withdrawnProduct!, orderId };
}

type TypeRef = { kind: string; ofType: TypeRef | null };
const namedKind = (type: TypeRef): string => (type.ofType ? namedKind(type.ofType) : type.kind);

/** The selection a mutation's result needs: none when it returns a scalar or an enum, read through introspection. */
export async function selectionForMutation(stack: TestStack, name: string): Promise<string> {
  const introspection = await postGraphQL<{ __type: { fields: { name: string; type: TypeRef }[] } }>(
    stack.graphqlUrl,
    '{ __type(name: "Mutation") { fields { name type { kind ofType { kind ofType { kind } } } } } }',
  );
  const field = introspection.data?.__type.fields.find((candidate) => candidate.name === name);
  return field && !['SCALAR', 'ENUM'].includes(namedKind(field.type)) ? '{ __typename }' : '';
}

/** Disables an account through the ADMIN mutation `disableUser(input: { id })`, whatever type it returns. */
export async function disableAccount(stack: TestStack, adminToken: string, userId: string): Promise<void> {
  const selection = await selectionForMutation(stack, 'disableUser');
  const result = await postGraphQL(
    stack.graphqlUrl,
    `mutation($id: ID!) { disableUser(input: { id: $id }) ${selection} }`,
    { id: userId },
    { token: adminToken },
  );
  if (result.errors) throw new Error(`disableUser failed: ${JSON.stringify(result.errors)}`);
}
