// Bearer tokens: HS256 with AUTH_SECRET, and/or RS256/ES256 from an identity provider's JWKS.
// jose checks signature, algorithm, expiry, issuer and audience; we add the lifetime cap and the
// user id claim. Verified tokens are remembered, but never past what the rules allow.
import { createRemoteJWKSet, errors, type JWTHeaderParameters, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { USER_ID_PATTERN } from '../resolvers/ids.ts';

export type Identity = { userID: string; expiresAt?: number };

export class AuthError extends Error {}

/** The identity provider's JWKS could not be fetched: not the caller's fault, worth a retry. */
export class KeySetUnavailable extends Error {}

/** What the verifier needs from config (see AUTH_* in README.md). */
export type AuthSettings = {
  /** HS256 secret; without it, HS256 tokens are refused. */
  secret?: string;
  /** The identity provider's JWKS; without it, RS256/ES256 tokens are refused. */
  jwksUrl?: string;
  /** How long fetched keys are trusted before the JWKS is fetched again (seconds). */
  jwksCacheSeconds: number;
  issuer?: string;
  audience?: string;
  /** The claim that holds the userID (`sub` unless AUTH_USER_ID_CLAIM says otherwise). */
  userIdClaim: string;
  /** The longest lifetime (exp - iat, or exp - now without iat) a token may have, in seconds. */
  maxTokenAgeSeconds: number;
};

const encoder = new TextEncoder();

/** Tokens already verified, remembered: a client sends the same one on every request. */
const VERIFIED_LIMIT = 10_000;
/** An unknown kid triggers a JWKS fetch at most this often (jose's default), to stop a flood of fetches. */
const JWKS_COOLDOWN_MS = 30_000;
/** Asymmetric algorithms identity providers sign with (Auth0, Keycloak, Cognito, Firebase: RS256; some ES256). */
const JWKS_ALGORITHMS = ['RS256', 'ES256'];

const nowSeconds = () => Math.floor(Date.now() / 1000);

type Remembered = Identity & { forgetAt: number };

export function createTokenVerifier(settings: AuthSettings) {
  // One imported HMAC key, not an import per request.
  const hmacKey = settings.secret
    ? crypto.subtle.importKey('raw', encoder.encode(settings.secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'verify',
      ])
    : undefined;
  const cacheMs = settings.jwksCacheSeconds * 1000;
  const jwks = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl), {
        cacheMaxAge: cacheMs,
        cooldownDuration: Math.min(JWKS_COOLDOWN_MS, cacheMs),
      })
    : undefined;
  const algorithms = [...(hmacKey ? ['HS256'] : []), ...(jwks ? JWKS_ALGORITHMS : [])];
  // HS256 is verified with the secret only; any other allowed alg with the JWKS only (no alg confusion).
  const keyFor = async (header: JWTHeaderParameters, token: Parameters<NonNullable<typeof jwks>>[1]) => {
    if (header.alg === 'HS256' && hmacKey) return hmacKey;
    if (!jwks) throw new AuthError('the token is invalid');
    try {
      return await jwks(header, token);
    } catch (error) {
      // No such key (or an unusable one) is the token's problem; anything else is the fetch's.
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JOSENotSupported) throw error;
      if (error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new KeySetUnavailable(`the identity provider's keys could not be fetched (${String(error)})`, {
        cause: error,
      });
    }
  };
  const verified = new Map<string, Remembered>();

  async function verifyToken(token: string): Promise<Remembered> {
    const { payload, protectedHeader } = await jwtVerify(token, keyFor, {
      algorithms,
      issuer: settings.issuer,
      audience: settings.audience,
      requiredClaims: ['exp'],
    });
    checkLifetime(payload, settings.maxTokenAgeSeconds);
    const userID = payload[settings.userIdClaim];
    if (typeof userID !== 'string' || !USER_ID_PATTERN.test(userID)) {
      throw new AuthError(`the token has no valid ${settings.userIdClaim} (userID)`);
    }
    const expiresAt = payload.exp as number;
    // A key removed from the JWKS must stop working once the key set is fetched again: a
    // remembered JWKS token is checked again after the key cache's age.
    const forgetAt = protectedHeader.alg === 'HS256' ? expiresAt : Math.min(expiresAt, nowSeconds() + cacheMs / 1000);
    return { userID, expiresAt, forgetAt };
  }

  return async function verifyBearer(header: string | null | undefined): Promise<Identity | null> {
    if (!header) return null;
    // Remembered by the header as sent (a client sends the same one every time), so a known
    // one is not parsed again; a header that differs in any byte is verified in full.
    const known = verified.get(header);
    // The same test as jose's: a token whose exp has come is expired.
    if (known && known.forgetAt > nowSeconds()) return { userID: known.userID, expiresAt: known.expiresAt };
    if (known) verified.delete(header);
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match) throw new AuthError('the Authorization header must be "Bearer <token>"');
    try {
      const identity = await verifyToken(match[1]);
      if (verified.size >= VERIFIED_LIMIT) verified.delete(verified.keys().next().value as string);
      verified.set(header, identity);
      return { userID: identity.userID, expiresAt: identity.expiresAt };
    } catch (error) {
      throw asAuthError(error);
    }
  };
}

function checkLifetime(payload: JWTPayload, maxSeconds: number) {
  const exp = payload.exp as number;
  // From iat, or from now when iat is missing or in the future (a future iat cannot shorten it).
  const from = Math.min(typeof payload.iat === 'number' ? payload.iat : nowSeconds(), nowSeconds());
  if (exp - from > maxSeconds) throw new AuthError(`the token lives longer than the allowed ${maxSeconds} s`);
}

function asAuthError(error: unknown): Error {
  if (error instanceof AuthError || error instanceof KeySetUnavailable) return error;
  if (error instanceof errors.JWTExpired) return new AuthError('the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'exp') return new AuthError('the token has no exp');
    if (error.claim === 'iss' || error.claim === 'aud')
      return new AuthError(`the token's ${error.claim} is not accepted`);
  }
  return new AuthError('the token is invalid');
}

/** HS256, for development tokens and tests; the lifetime must fit AUTH_MAX_TOKEN_AGE (24 h by default). */
export async function signToken(secret: string, userID: string, expiresIn: string | number = '12h'): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userID)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(encoder.encode(secret));
}
