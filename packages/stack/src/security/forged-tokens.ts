import { createHmac } from 'node:crypto';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Claims as the gateway expects them (issuer, audience, subject, role), valid for an hour unless overridden. */
export function accessClaims(userId: string, role: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { role, sub: userId, iss: 'rtc', aud: 'rtc-gateway', iat: now, exp: now + 3600, ...overrides };
}

/** An HS256 JWT over any header and claims, signed with `secret`: the tokens an attacker would craft. */
export function signHs256(claims: Record<string, unknown>, secret: string, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const unsigned = `${encode(header)}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** An unsigned JWT (`alg: none`). */
export function unsignedToken(claims: Record<string, unknown>): string {
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
}

/** A real token whose claims were edited after signing (e.g. a customer promoting itself), signature kept. */
export function tamperedToken(token: string, edit: (claims: Record<string, unknown>) => Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${header}.${encode(edit(claims))}.${signature}`;
}

/** A real token re-signed with `secret` after editing its claims: keeps every claim the issuer adds (e.g. a version). */
export function resignedToken(token: string, secret: string, edit: (claims: Record<string, unknown>) => Record<string, unknown>): string {
  const [header, payload] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return signHs256(edit(claims), secret, JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8')) as Record<string, unknown>);
}
