import { GraphQLError } from 'graphql';
import { verifyAccessToken, type Caller } from '@rtc/service-kit';

export type Authenticator = (authorization: string | undefined) => Promise<Caller | null>;

/**
 * The caller a bearer token speaks for; no token is an anonymous caller, a bad one an error.
 * Verified tokens are remembered until they expire: a storefront sends the same token with every request,
 * and checking its signature each time is pure cost.
 */
export function createAuthenticator(jwtSecret: string, { maxRemembered = 10_000 } = {}): Authenticator {
  const verified = new Map<string, { caller: Caller; expiresAt: number }>();
  return async (authorization) => {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) throw unauthenticatedRequest('Authorization must be "Bearer <token>"');
    const token = match[1];
    const known = verified.get(token);
    if (known && known.expiresAt > Date.now()) return known.caller;
    verified.delete(token);
    const check = await verifyAccessToken(token, jwtSecret);
    if (!check.ok) throw unauthenticatedRequest(check.reason === 'expired' ? 'Access token expired; log in again' : 'Access token invalid');
    if (verified.size >= maxRemembered) verified.delete(verified.keys().next().value as string);
    verified.set(token, { caller: check.caller, expiresAt: check.expiresAt });
    return check.caller;
  };
}

function unauthenticatedRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}
