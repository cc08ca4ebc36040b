// The verified-token cache (src/auth/jwt.ts) tried against what it must never do: hand back a
// token past its exp, or answer for a header it did not verify byte for byte.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthError, createTokenVerifier, signToken } from '../../src/auth/jwt.ts';

const SECRET = 'token-cache-secret-0123456789abcdef0123';
const settings = { secret: SECRET, jwksCacheSeconds: 600, userIdClaim: 'sub', maxTokenAgeSeconds: 24 * 60 * 60 };
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

afterEach(() => vi.useRealTimers());

describe('the verified-token cache', () => {
  it('refuses a remembered token once its exp has come', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const verify = createTokenVerifier(settings);
    const header = `Bearer ${await signToken(SECRET, 'alice', '10s')}`;
    await expect(verify(header)).resolves.toMatchObject({ userID: 'alice' });
    await expect(verify(header)).resolves.toMatchObject({ userID: 'alice' }); // from the cache
    vi.setSystemTime(Date.now() + 11_000);
    await expect(verify(header)).rejects.toThrow(new AuthError('the token has expired'));
    await expect(verify(header)).rejects.toThrow(AuthError);
  });

  it('verifies in full any header that differs from a remembered one, and refuses a forged one', async () => {
    const verify = createTokenVerifier(settings);
    const token = await signToken(SECRET, 'alice', '1h');
    await expect(verify(`Bearer ${token}`)).resolves.toMatchObject({ userID: 'alice' });
    const [head, body, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
    const forged = [
      `${head}.${b64({ ...claims, sub: 'mallory' })}.${signature}`, // payload changed, same signature
      `${head}.${body}.${flipped}`, // signature changed
      `${head}.${body}.`, // signature dropped
      `${token}x`,
    ];
    for (const other of forged) await expect(verify(`Bearer ${other}`), other).rejects.toThrow(AuthError);
    // The genuine one is still remembered as before.
    await expect(verify(`Bearer ${token}`)).resolves.toMatchObject({ userID: 'alice' });
  });

  it('never remembers a refused header', async () => {
    const verify = createTokenVerifier(settings);
    const wrongKey = await signToken('another-secret-0123456789abcdef012345', 'alice', '1h');
    for (let i = 0; i < 3; i++) await expect(verify(`Bearer ${wrongKey}`)).rejects.toThrow(AuthError);
    await expect(verify(`Basic ${wrongKey}`)).rejects.toThrow('"Bearer <token>"');
    await expect(verify(`Basic ${wrongKey}`)).rejects.toThrow('"Bearer <token>"');
  });

  it('accepts the same token however "Bearer" is spelled, each spelling verified', async () => {
    const verify = createTokenVerifier(settings);
    const token = await signToken(SECRET, 'alice', '1h');
    for (const header of [`Bearer ${token}`, `bearer ${token}`, ` Bearer   ${token} `]) {
      await expect(verify(header), header).resolves.toMatchObject({ userID: 'alice' });
    }
  });
});
