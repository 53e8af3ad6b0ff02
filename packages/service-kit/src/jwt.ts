import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { roles, type Caller, type Role } from './caller';

const issuer = 'rtc';
const audience = 'rtc-gateway';

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/**
 * `tokenVersion` is the account's token version when the token was issued (the `ver` claim): the gateway refuses
 * tokens whose version the account has since moved past (log-out everywhere, password or role change, disable).
 */
export async function signAccessToken(caller: Caller, secret: string, ttlSeconds = 3600, tokenVersion = 0): Promise<string> {
  return new SignJWT({ role: caller.role, ver: tokenVersion })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(caller.userId)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(keyOf(secret));
}

export type TokenCheck = { ok: true; caller: Caller; tokenVersion: number; expiresAt: number } | { ok: false; reason: 'expired' | 'invalid' };

/** Verifies signature, issuer, audience and expiry; never throws. */
export async function verifyAccessToken(token: string, secret: string): Promise<TokenCheck> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), { issuer, audience, algorithms: ['HS256'] });
    const role = payload['role'];
    const version = payload['ver'];
    if (typeof payload.sub !== 'string' || !roles.includes(role as Role) || typeof payload.exp !== 'number') return { ok: false, reason: 'invalid' };
    if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return { ok: false, reason: 'invalid' };
    return { ok: true, caller: { userId: payload.sub, role: role as Role }, tokenVersion: version, expiresAt: payload.exp * 1000 };
  } catch (error) {
    return { ok: false, reason: error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
  }
}
