import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeKey, now, type SigningKey } from '@portico/test-kit';
import type { JWTVerifyGetKey } from 'jose';
import { createTokenVerifier, InvalidTokenError } from '../src/index.js';
import {
  AUDIENCE,
  accessToken,
  ISSUER,
  startProtectedApp,
  userClaims,
} from './support/token-kit.js';

const TOLERANCE_S = 30;
const HOUR = 3600;
const CENTURY = 100 * 365 * 24 * HOUR;

let signing: SigningKey;
let lookups = 0;
let app: Awaited<ReturnType<typeof startProtectedApp>>;

beforeAll(async () => {
  signing = await makeKey();
  const getKey: JWTVerifyGetKey = async () => {
    lookups += 1;
    return signing.publicJwk;
  };
  const verifier = createTokenVerifier({
    getKey,
    issuer: ISSUER,
    audience: AUDIENCE,
    clockToleranceSeconds: TOLERANCE_S,
  });
  app = await startProtectedApp(verifier);
});

afterAll(() => app.close());

async function me(token: string) {
  const res = await fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as never };
}

async function expectInvalidToken(token: string): Promise<void> {
  const answer = await me(token);
  expect(answer.status).toBe(401);
  expect(answer.body).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  expect(answer.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
}

describe('the maximum token age', () => {
  it('when iat is in the future beyond the clock tolerance, then 401 invalid_token; within it, accepted', async () => {
    const ahead = now() + HOUR;
    await expectInvalidToken(
      await accessToken(signing, userClaims({ iat: ahead, exp: ahead + 300 })),
    );
    const skewed = now() + TOLERANCE_S - 10;
    const answer = await me(
      await accessToken(signing, userClaims({ iat: skewed, exp: skewed + 900 })),
    );
    expect(answer.status).toBe(200);
  });

  it('when iat is now and exp is centuries away, then 401 invalid_token; a 900 s token is accepted', async () => {
    await expectInvalidToken(await accessToken(signing, userClaims({ exp: now() + 3 * CENTURY })));
    const iat = now() - 1;
    const answer = await me(await accessToken(signing, userClaims({ iat, exp: iat + 900 })));
    expect(answer.status).toBe(200);
  });

  it('when iat is more than 24 h ago and exp is still ahead, then 401 invalid_token', async () => {
    const iat = now() - 25 * HOUR;
    await expectInvalidToken(await accessToken(signing, userClaims({ iat, exp: now() + 300 })));
  });

  it('when maxTokenAgeSeconds is set, then a token issued for longer is refused and one within it accepted', async () => {
    const verifier = createTokenVerifier({
      getKey: async () => signing.publicJwk,
      issuer: ISSUER,
      audience: AUDIENCE,
      maxTokenAgeSeconds: 600,
    });
    const iat = now() - 1;
    const long = await accessToken(signing, userClaims({ iat, exp: iat + 601 }));
    await expect(verifier.verify(long)).rejects.toBeInstanceOf(InvalidTokenError);
    const within = await accessToken(signing, userClaims({ iat, exp: iat + 600 }));
    await expect(verifier.verify(within)).resolves.toMatchObject({ kind: 'user' });
  });

  it('when a token is refused for its age, then the refusal is not remembered and it is checked every time', async () => {
    const verifier = createTokenVerifier({
      getKey: async () => {
        lookups += 1;
        return signing.publicJwk;
      },
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const iat = now() + HOUR;
    const future = await accessToken(signing, userClaims({ iat, exp: iat + 300 }));
    const forever = await accessToken(signing, userClaims({ exp: now() + 3 * CENTURY }));
    const before = lookups;
    for (let i = 0; i < 2; i += 1) {
      await expect(verifier.verify(future)).rejects.toBeInstanceOf(InvalidTokenError);
      await expect(verifier.verify(forever)).rejects.toBeInstanceOf(InvalidTokenError);
    }
    expect(verifier.cached(future)).toBeUndefined();
    expect(verifier.cached(forever)).toBeUndefined();
    expect(lookups - before).toBe(4);
  });
});
