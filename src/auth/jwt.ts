// HS256 bearer tokens: `sub` is the caller's userID. jose checks signature, algorithm and expiry.
import { errors, jwtVerify, SignJWT } from 'jose';
import { USER_ID_PATTERN } from '../resolvers/ids.ts';

export type Identity = { userID: string; expiresAt?: number };

export class AuthError extends Error {}

const encoder = new TextEncoder();

/** Tokens already verified, remembered until they expire: a client sends the same one on every request. */
const VERIFIED_LIMIT = 10_000;

export function createTokenVerifier(secret: string) {
  // One imported HMAC key, not an import per request.
  const key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'verify',
  ]);
  const verified = new Map<string, Identity>();

  return async function verifyBearer(header: string | null | undefined): Promise<Identity | null> {
    if (!header) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match) throw new AuthError('the Authorization header must be "Bearer <token>"');
    const token = match[1];
    const known = verified.get(token);
    // The same test as jose's: a token whose exp has come is expired.
    if (known && (known.expiresAt === undefined || known.expiresAt > Math.floor(Date.now() / 1000)))
      return { ...known };
    if (known) verified.delete(token);
    try {
      const { payload } = await jwtVerify(token, await key, { algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || !USER_ID_PATTERN.test(payload.sub)) {
        throw new AuthError('the token has no valid sub (userID)');
      }
      const identity = { userID: payload.sub, expiresAt: payload.exp };
      if (verified.size >= VERIFIED_LIMIT) verified.delete(verified.keys().next().value as string);
      verified.set(token, identity);
      return { ...identity };
    } catch (error) {
      if (error instanceof AuthError) throw error;
      if (error instanceof errors.JWTExpired) throw new AuthError('the token has expired');
      throw new AuthError('the token is invalid');
    }
  };
}

export async function signToken(secret: string, userID: string, expiresIn: string | number = '7d'): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userID)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(encoder.encode(secret));
}
