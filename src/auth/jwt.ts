// HS256 bearer tokens: `sub` is the caller's userID. jose checks signature, algorithm and expiry.
import { errors, jwtVerify, SignJWT } from 'jose';
import { USER_ID_PATTERN } from '../resolvers/ids.ts';

export type Identity = { userID: string; expiresAt?: number };

export class AuthError extends Error {}

const encoder = new TextEncoder();

export function createTokenVerifier(secret: string) {
  const key = encoder.encode(secret);
  return async function verifyBearer(header: string | null | undefined): Promise<Identity | null> {
    if (!header) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match) throw new AuthError('the Authorization header must be "Bearer <token>"');
    try {
      const { payload } = await jwtVerify(match[1], key, { algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || !USER_ID_PATTERN.test(payload.sub)) {
        throw new AuthError('the token has no valid sub (userID)');
      }
      return { userID: payload.sub, expiresAt: payload.exp };
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
