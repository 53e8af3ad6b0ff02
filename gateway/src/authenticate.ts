import { GraphQLError } from 'graphql';
import { verifyAccessToken, type Caller } from '@rtc/service-kit';

/** The caller a bearer token speaks for; no token is an anonymous caller, a bad one an error. */
export async function authenticate(authorization: string | undefined, jwtSecret: string): Promise<Caller | null> {
  if (!authorization) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match?.[1]) throw unauthenticatedRequest('Authorization must be "Bearer <token>"');
  const check = await verifyAccessToken(match[1], jwtSecret);
  if (!check.ok) throw unauthenticatedRequest(check.reason === 'expired' ? 'Access token expired; log in again' : 'Access token invalid');
  return check.caller;
}

function unauthenticatedRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}
