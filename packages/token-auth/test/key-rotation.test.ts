import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { makeKey, startJwksServer } from '@portico/test-kit';
import { createTokenVerifier, InvalidTokenError, type TokenVerifier } from '../src/index.js';
import { AUDIENCE, accessToken, ISSUER, userClaims } from './support/token-kit.js';

const COOLDOWN_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let jwks: Awaited<ReturnType<typeof startJwksServer>> | undefined;

afterEach(async () => {
  await jwks?.close();
  jwks = undefined;
});

function verifierFor(jwksUrl: string, cooldownMs: number): TokenVerifier {
  return createTokenVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE, cooldownMs });
}

const fetches = () => jwks!.requests.length;

describe('createTokenVerifier, key rotation', () => {
  it('when a new kid is published after the cooldown, then exactly one refetch and the token verifies', async () => {
    const current = await makeKey('key-1');
    const next = await makeKey('key-2');
    jwks = await startJwksServer([current]);
    const verifier = verifierFor(jwks.jwksUrl, COOLDOWN_MS);

    await verifier.verify(await accessToken(current));
    expect(fetches()).toBe(1);
    await verifier.verify(await accessToken(current));
    expect(fetches()).toBe(1);

    // The auth service publishes the next key before it signs with it.
    jwks.keys.push(next);
    await sleep(COOLDOWN_MS + 50);
    const claims = userClaims();
    const caller = await verifier.verify(await accessToken(next, claims));
    expect(caller).toMatchObject({ kind: 'user', sub: claims.sub });
    expect(fetches()).toBe(2);

    // Both keys are now cached: neither needs another fetch.
    await verifier.verify(await accessToken(next));
    await verifier.verify(await accessToken(current));
    expect(fetches()).toBe(2);
  });

  it('when a new kid arrives within the cooldown, then it is refused without a fetch, and accepted after it', async () => {
    const current = await makeKey('key-1');
    const next = await makeKey('key-2');
    jwks = await startJwksServer([current, next]);
    const verifier = verifierFor(jwks.jwksUrl, COOLDOWN_MS);
    await verifier.verify(await accessToken(current));
    // Published only now: the verifier's copy predates it.
    const later = await makeKey('key-3');
    jwks.keys.push(later);

    await expect(verifier.verify(await accessToken(later))).rejects.toThrow(InvalidTokenError);
    expect(fetches()).toBe(1);

    await sleep(COOLDOWN_MS + 50);
    await expect(verifier.verify(await accessToken(later))).resolves.toMatchObject({
      kind: 'user',
    });
    expect(fetches()).toBe(2);
  });

  it('when 50 tokens with random unknown kids arrive within the cooldown, then at most one extra fetch', async () => {
    const current = await makeKey('key-1');
    jwks = await startJwksServer([current]);
    const verifier = verifierFor(jwks.jwksUrl, 60_000);
    await verifier.verify(await accessToken(current));
    expect(fetches()).toBe(1);

    const floods = await Promise.all(
      Array.from({ length: 50 }, async () => accessToken(await makeKey(randomUUID()))),
    );
    const results = await Promise.allSettled(floods.map((token) => verifier.verify(token)));

    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(fetches()).toBeLessThanOrEqual(2);
    // The real key still verifies afterwards.
    await expect(verifier.verify(await accessToken(current))).resolves.toMatchObject({
      kind: 'user',
    });
  });

  it('when 50 unknown kids arrive at once after the cooldown, then they share a single refetch', async () => {
    const current = await makeKey('key-1');
    jwks = await startJwksServer([current]);
    const verifier = verifierFor(jwks.jwksUrl, COOLDOWN_MS);
    await verifier.verify(await accessToken(current));
    const floods = await Promise.all(
      Array.from({ length: 50 }, async () => accessToken(await makeKey(randomUUID()))),
    );
    await sleep(COOLDOWN_MS + 50);

    const results = await Promise.allSettled(floods.map((token) => verifier.verify(token)));

    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(fetches()).toBe(2);
  });

  it('when the first requests arrive together, then the key set is fetched once', async () => {
    const current = await makeKey('key-1');
    jwks = await startJwksServer([current]);
    const verifier = verifierFor(jwks.jwksUrl, 60_000);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => accessToken(current)));

    const callers = await Promise.all(tokens.map((token) => verifier.verify(token)));

    expect(callers).toHaveLength(20);
    expect(fetches()).toBe(1);
  });

  it('when a retired key is no longer published, then its tokens are refused after the next refetch', async () => {
    const retired = await makeKey('key-old');
    const current = await makeKey('key-new');
    jwks = await startJwksServer([retired, current]);
    const verifier = verifierFor(jwks.jwksUrl, COOLDOWN_MS);
    await verifier.verify(await accessToken(retired));
    jwks.keys.splice(0, 1);
    await sleep(COOLDOWN_MS + 50);
    // An unknown kid forces the refetch that drops the retired key.
    await expect(verifier.verify(await accessToken(await makeKey('x')))).rejects.toThrow(
      InvalidTokenError,
    );

    await expect(verifier.verify(await accessToken(retired))).rejects.toThrow(
      'The token was signed by an unknown key.',
    );
    expect(fetches()).toBe(2);
  });
});
