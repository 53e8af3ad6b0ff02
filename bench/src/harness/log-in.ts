import type { GraphQLHttp } from './graphql-http';

/** The seeded store's customers: customer1@example.com … customer5000@example.com, one shared password. */
export const seededCustomerCount = 5_000;
export const seededCustomerPassword = 'rtc-customer-password';
export const seededCustomerEmail = (n: number) => `customer${n}@example.com`;

export interface Customer {
  readonly email: string;
  readonly userId: number;
  readonly token: string;
}

const logInMutation = /* GraphQL */ `
  mutation BenchLogIn($input: LogInInput!) {
    logIn(input: $input) { token user { id } errors { code message } }
  }
`;

export async function logIn(http: GraphQLHttp, email: string, password: string): Promise<Customer> {
  const { logIn: session } = await http.request<{ logIn: { token: string; user: { id: string } } }>(logInMutation, { input: { email, password } });
  return { email, userId: Number(session.user.id), token: session.token };
}

/**
 * Logs in `count` seeded customers starting at `first`, a few at a time: each login verifies an argon2 hash,
 * which is slow on purpose.
 */
export async function logInCustomers(
  http: GraphQLHttp,
  { count, first = 1, parallel = 4, password = seededCustomerPassword }: { count: number; first?: number; parallel?: number; password?: string },
): Promise<Customer[]> {
  if (first < 1 || first + count - 1 > seededCustomerCount) throw new RangeError(`the seeded customers are 1 to ${seededCustomerCount}`);
  const customers: Customer[] = new Array(count);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) customers[index] = await logIn(http, seededCustomerEmail(first + index), password);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return customers;
}
