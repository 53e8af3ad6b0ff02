import { GraphQLError } from 'graphql';
import { serviceUnavailableRequest, verifyAccessToken, type Caller } from '@rtc/service-kit';
import type { AccountStandingLookup } from './account-standings';

/** A verified token: who it speaks for, the account version it was issued at, when it expires (epoch ms). */
export interface TokenIdentity {
  readonly caller: Caller;
  readonly tokenVersion: number;
  readonly expiresAt: number;
}

export interface Authenticator {
  /** The caller of an Authorization header: null without one; 401 UNAUTHENTICATED when bad, expired or revoked. */
  callerOf(authorization: string | undefined): Promise<Caller | null>;
  /** Like callerOf for a header that must be there, with the token's expiry and version. */
  identityOf(authorization: string): Promise<TokenIdentity>;
  /** Signature and expiry only; an expired token is refused with `extensions.reason: 'expired'`, so clients know to refresh. */
  verify(authorization: string): Promise<TokenIdentity>;
  /** Why a verified token no longer holds (account deleted or disabled, token revoked), or null while it does. */
  revocationOf(identity: TokenIdentity): Promise<string | null>;
}

export interface AuthenticatorOptions {
  readonly jwtSecret: string;
  readonly standings: AccountStandingLookup;
  readonly maxRemembered?: number;
}

/**
 * Tokens are checked twice: their signature and expiry (remembered until they expire: a storefront sends the same
 * token with every request, and checking its signature each time is pure cost), then their grounds, the account as
 * it stands now (cached briefly by `standings`), so a deleted, disabled, demoted or logged-out-everywhere account
 * loses access within that cache's lifetime.
 */
export function createAuthenticator({ jwtSecret, standings, maxRemembered = 10_000 }: AuthenticatorOptions): Authenticator {
  const verified = new Map<string, TokenIdentity>();

  const verify = async (authorization: string): Promise<TokenIdentity> => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) throw unauthenticatedRequest('Authorization must be "Bearer <token>"');
    const token = match[1];
    const known = verified.get(token);
    if (known && known.expiresAt > Date.now()) return known;
    verified.delete(token);
    const check = await verifyAccessToken(token, jwtSecret);
    if (!check.ok) {
      throw check.reason === 'expired'
        ? unauthenticatedRequest('Access token expired; refresh the session', 'expired')
        : unauthenticatedRequest('Access token invalid');
    }
    if (verified.size >= maxRemembered) verified.delete(verified.keys().next().value as string);
    const identity: TokenIdentity = { caller: check.caller, tokenVersion: check.tokenVersion, expiresAt: check.expiresAt };
    verified.set(token, identity);
    return identity;
  };

  const revocationOf = async ({ caller, tokenVersion }: TokenIdentity): Promise<string | null> => {
    let standing;
    try {
      standing = await standings(caller.userId);
    } catch {
      throw serviceUnavailableRequest();
    }
    // Only users sign tokens, so one newer than the cached standing (a password just changed or reset) means the
    // cache is behind: read the account again rather than refuse the session users has just issued.
    if (standing && standing.tokenVersion < tokenVersion) {
      try {
        standing = await standings(caller.userId, { fresh: true });
      } catch {
        throw serviceUnavailableRequest();
      }
    }
    if (!standing) return 'The account was deleted';
    if (standing.disabled) return 'The account is disabled';
    if (standing.tokenVersion !== tokenVersion || standing.role !== caller.role) return 'Access token revoked; log in again';
    return null;
  };

  const identityOf = async (authorization: string): Promise<TokenIdentity> => {
    const identity = await verify(authorization);
    const revoked = await revocationOf(identity);
    if (revoked) throw unauthenticatedRequest(revoked);
    return identity;
  };

  return {
    callerOf: async (authorization) => (authorization ? (await identityOf(authorization)).caller : null),
    identityOf,
    verify,
    revocationOf,
  };
}

function unauthenticatedRequest(message: string, reason?: 'expired'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', ...(reason ? { reason } : {}), http: { status: 401 } } });
}

export const isExpiredTokenError = (error: unknown): boolean => error instanceof GraphQLError && error.extensions['reason'] === 'expired';
