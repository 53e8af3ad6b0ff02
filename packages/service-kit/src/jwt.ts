import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { roles, type Caller, type Role } from './caller';

const issuer = 'rtc';
const audience = 'rtc-gateway';

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signAccessToken(caller: Caller, secret: string, ttlSeconds = 3600): Promise<string> {
  return new SignJWT({ role: caller.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(caller.userId)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(keyOf(secret));
}

export type TokenCheck = { ok: true; caller: Caller; expiresAt: number } | { ok: false; reason: 'expired' | 'invalid' };

/** Verifies signature, issuer, audience and expiry; never throws. */
export async function verifyAccessToken(token: string, secret: string): Promise<TokenCheck> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), { issuer, audience, algorithms: ['HS256'] });
    const role = payload['role'];
    if (typeof payload.sub !== 'string' || !roles.includes(role as Role) || typeof payload.exp !== 'number') return { ok: false, reason: 'invalid' };
    return { ok: true, caller: { userId: payload.sub, role: role as Role }, expiresAt: payload.exp * 1000 };
  } catch (error) {
    return { ok: false, reason: error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
  }
}
