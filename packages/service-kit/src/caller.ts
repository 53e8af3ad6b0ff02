import { isIP } from 'node:net';
import { z } from 'zod';
import { forbidden, unauthenticated } from './errors';

export const roles = ['CUSTOMER', 'ANALYST', 'ADMIN'] as const;
export type Role = (typeof roles)[number];
export const staffRoles: readonly Role[] = ['ANALYST', 'ADMIN'];

/** Who is calling, as the gateway established it from the JWT. */
export interface Caller {
  readonly userId: string;
  readonly role: Role;
}

/** Headers that only the gateway (or another RTC service, with the internal token) may set. */
export const InternalHeader = {
  Token: 'x-rtc-internal-token',
  UserId: 'x-rtc-user-id',
  UserRole: 'x-rtc-user-role',
  RequestId: 'x-request-id',
  /** The end user's IP address as the gateway saw it: what per-address rate limits count. */
  ClientAddress: 'x-rtc-client-address',
} as const;

type HeaderReader = (name: string) => string | undefined;

const callerHeaders = z.object({ userId: z.string().regex(/^\d+$/), role: z.enum(roles) });

export function readCaller(header: HeaderReader): Caller | null {
  const parsed = callerHeaders.safeParse({ userId: header(InternalHeader.UserId), role: header(InternalHeader.UserRole) });
  return parsed.success ? parsed.data : null;
}

export function readClientAddress(header: HeaderReader): string | null {
  const address = header(InternalHeader.ClientAddress);
  return address && isIP(address) ? address : null;
}

export function callerHeadersOf(caller: Caller | null, internalToken: string, requestId?: string): Record<string, string> {
  const headers: Record<string, string> = { [InternalHeader.Token]: internalToken };
  if (caller) {
    headers[InternalHeader.UserId] = caller.userId;
    headers[InternalHeader.UserRole] = caller.role;
  }
  if (requestId) headers[InternalHeader.RequestId] = requestId;
  return headers;
}

export function requireCaller(caller: Caller | null): Caller {
  if (!caller) throw unauthenticated();
  return caller;
}

export function isStaff(caller: Caller | null): boolean {
  return caller !== null && staffRoles.includes(caller.role);
}

export function requireStaff(caller: Caller | null): Caller {
  const known = requireCaller(caller);
  if (!isStaff(known)) throw forbidden('This needs the ANALYST or ADMIN role');
  return known;
}

export function requireAdmin(caller: Caller | null): Caller {
  const known = requireCaller(caller);
  if (known.role !== 'ADMIN') throw forbidden('This needs the ADMIN role');
  return known;
}

/**
 * For service-to-service operations (e.g. stock reservations): the internal token alone admits the gateway too,
 * so a request made on behalf of an end user (caller headers present) is refused.
 */
export function requireServiceCall(caller: Caller | null, operation: string): void {
  if (caller) throw forbidden(`${operation} is called by RTC services only, never on behalf of a user`);
}
