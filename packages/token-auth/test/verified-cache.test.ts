import { describe, expect, it } from '@jest/globals';
import { makeKey, now, type SigningKey } from '@portico/test-kit';
import type { JWTVerifyGetKey } from 'jose';
import { createTokenVerifier, InvalidTokenError } from '../src/index.js';
import { AUDIENCE, accessToken, ISSUER, userClaims } from './support/token-kit.js';

/** A verifier whose key source counts its lookups: one per signature actually checked. */
function countingVerifier(key: SigningKey, options: { cacheMaxAgeMs?: number } = {}) {
  let lookups = 0;
  const getKey: JWTVerifyGetKey = async () => {
    lookups += 1;
    return key.publicJwk;
  };
  const verifier = createTokenVerifier({ getKey, issuer: ISSUER, audience: AUDIENCE, ...options });
  return { verifier, lookups: () => lookups };
}

describe('the verified-token cache', () => {
  it('when a token is verified again, then its signature is not checked again and the caller is the same', async () => {
    const key = await makeKey();
    const { verifier, lookups } = countingVerifier(key);
    const token = await accessToken(key);

    expect(verifier.cached(token)).toBeUndefined();
    const first = await verifier.verify(token);
    const again = await verifier.verify(token);
    expect(again).toEqual(first);
    expect(verifier.cached(token)).toEqual(first);
    expect(lookups()).toBe(1);

    await verifier.verify(await accessToken(key));
    expect(lookups()).toBe(2);
  });

  it('when a token is refused, then nothing is remembered and it is refused every time', async () => {
    const key = await makeKey();
    const { verifier, lookups } = countingVerifier(key);
    const wrongAudience = await accessToken(key, userClaims({ aud: 'someone-else' }));

    for (let i = 0; i < 3; i += 1)
      await expect(verifier.verify(wrongAudience)).rejects.toBeInstanceOf(InvalidTokenError);
    expect(verifier.cached(wrongAudience)).toBeUndefined();
    expect(lookups()).toBe(3);
  });

  it('when the cache age passes, then the token is checked again', async () => {
    const key = await makeKey();
    const { verifier, lookups } = countingVerifier(key, { cacheMaxAgeMs: 50 });
    const token = await accessToken(key);
    await verifier.verify(token);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(verifier.cached(token)).toBeUndefined();
    await verifier.verify(token);
    expect(lookups()).toBe(2);
  });

  it('when a token expires, then it is not remembered past its exp', async () => {
    const key = await makeKey();
    const { verifier } = countingVerifier(key);
    const iat = now() - 1;
    const token = await accessToken(key, userClaims({ iat, exp: iat + 2 }));
    await verifier.verify(token);
    expect(verifier.cached(token)).toMatchObject({ kind: 'user', exp: iat + 2 });
    const expiresInMs = (iat + 2) * 1000 - Date.now();
    await new Promise((resolve) => setTimeout(resolve, expiresInMs + 20));
    expect(verifier.cached(token)).toBeUndefined();
  });
});
