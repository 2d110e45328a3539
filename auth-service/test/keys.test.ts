import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { accessToken, JWKS_PATH, makeKey, now } from '@portico/test-kit';
import { createTokenVerifier, type TokenVerifier } from '@portico/token-auth';
import { decodeProtectedHeader, type JWK } from 'jose';
import {
  ADMIN,
  type AuthHarness,
  login,
  makeAuthDir,
  registerAndLogin,
  serviceToken,
  startAuth,
} from './support/auth-harness.js';
import { type JwksProxy, startJwksProxy } from './support/jwks-proxy.js';

const ISSUER = 'http://127.0.0.1:8080';
const AUDIENCE = 'portico-api';
const ROTATE = '/api/v1/auth/keys/rotate';

type JwkSet = { keys: JWK[] };

async function getJson(url: string) {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, body: JSON.parse(await res.text()) };
}

async function jwksKids(base: string): Promise<string[]> {
  const { body } = await getJson(`${base}${JWKS_PATH}`);
  return (body as JwkSet).keys.map((k) => k.kid!);
}

async function rotate(base: string, accessToken?: string) {
  const res = await fetch(`${base}${ROTATE}`, {
    method: 'POST',
    headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
  });
  return { status: res.status, headers: res.headers, body: JSON.parse(await res.text()) };
}

const kidOf = (token: string) => decodeProtectedHeader(token).kid!;

async function keyStates(auth: AuthHarness) {
  const rows = await auth.database.db
    .selectFrom('signing_keys')
    .select(['kid', 'state'])
    .orderBy('kid')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.kid, r.state]));
}

function remoteVerifier(jwksBase: string, cooldownMs?: number): TokenVerifier {
  return createTokenVerifier({
    jwksUrl: `${jwksBase}${JWKS_PATH}`,
    issuer: ISSUER,
    audience: AUDIENCE,
    ...(cooldownMs !== undefined && { cooldownMs }),
  });
}

/** Well-formed tokens, each naming a random kid that no key set holds. */
async function tokensWithUnknownKids(count: number): Promise<string[]> {
  const key = await makeKey();
  const iat = now();
  return Promise.all(
    Array.from({ length: count }, () =>
      accessToken(
        { kid: randomUUID(), privateKey: key.privateKey },
        {
          roles: ['user', 'admin'],
          iss: ISSUER,
          aud: AUDIENCE,
          sub: randomUUID(),
          iat,
          exp: iat + 300,
          jti: randomUUID(),
        },
      ),
    ),
  );
}

describe('keys', () => {
  describe('JWKS and discovery', () => {
    let auth: AuthHarness;
    beforeAll(async () => {
      auth = await startAuth({ PUBLIC_BASE_URL: 'https://portico.example/' });
    });
    afterAll(() => auth.stop());

    it('when the JWKS is fetched, then it holds exactly the active and the next key, public members only, cacheable', async () => {
      const res = await getJson(`${auth.url}${JWKS_PATH}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toMatch(/^public, max-age=[1-9]\d*$/);
      const { keys } = res.body as JwkSet;
      expect(keys).toHaveLength(2);
      for (const key of keys) {
        expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
        expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
        expect(key).not.toHaveProperty('d');
      }
      const states = await keyStates(auth);
      expect(Object.values(states).sort()).toEqual(['active', 'next']);
      expect(keys.map((k) => k.kid).sort()).toEqual(Object.keys(states).sort());
      const { access_token } = await login(auth.url, ADMIN);
      expect(states[kidOf(access_token)]).toBe('active');
    });

    it('when the discovery document is fetched, then it names the issuer, the JWKS and the token endpoint', async () => {
      const res = await getJson(`${auth.url}/.well-known/openid-configuration`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
      expect(res.body).toMatchObject({
        issuer: ISSUER,
        jwks_uri: 'https://portico.example/.well-known/jwks.json',
        token_endpoint: 'https://portico.example/api/v1/auth/token',
        token_endpoint_auth_methods_supported: [
          'client_secret_basic',
          'client_secret_post',
          'none',
        ],
      });
      expect(res.body.grant_types_supported).toContain('client_credentials');
      expect(res.body.grant_types_supported).not.toContain('password');
    });
  });

  describe('rotation', () => {
    let auth: AuthHarness;
    let proxy: JwksProxy;
    beforeEach(async () => {
      auth = await startAuth();
      proxy = await startJwksProxy(auth.url);
    });
    afterEach(async () => {
      await proxy.close();
      await auth.stop();
    });

    it('when a caller without the admin role rotates, then 401 without a token, 403 for a user or a service, and no key changes', async () => {
      const before = await keyStates(auth);
      const none = await rotate(auth.url);
      expect({ status: none.status, code: none.body.code }).toEqual({
        status: 401,
        code: 'TOKEN_REQUIRED',
      });
      expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
      const user = (await registerAndLogin(auth.url)).tokens.access_token;
      const service = await serviceToken(auth.url, 'user-service');
      for (const token of [user, service]) {
        const res = await rotate(auth.url, token);
        expect({ status: res.status, code: res.body.code }).toEqual({
          status: 403,
          code: 'ROLE_REQUIRED',
        });
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
      expect(await keyStates(auth)).toEqual(before);
    });

    it('when the admin rotates, then the already published next key signs and a new next key is published', async () => {
      const admin = (await login(auth.url, ADMIN)).access_token;
      const oldActive = kidOf(admin);
      const before = await jwksKids(auth.url);
      const oldNext = before.find((kid) => kid !== oldActive)!;

      const res = await rotate(auth.url, admin);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ activeKid: oldNext, nextKid: expect.any(String) });
      expect(before).not.toContain(res.body.nextKid);

      const after = await jwksKids(auth.url);
      expect(after.sort()).toEqual([oldActive, oldNext, res.body.nextKid].sort());
      expect(await keyStates(auth)).toEqual({
        [oldActive]: 'retired',
        [oldNext]: 'active',
        [res.body.nextKid]: 'next',
      });
      expect(kidOf((await login(auth.url, ADMIN)).access_token)).toBe(oldNext);
      expect(kidOf(await serviceToken(auth.url, 'gateway'))).toBe(oldNext);
    });

    it('when keys rotate, then earlier tokens still verify everywhere and a verifier that cached the JWKS before needs no fetch for the new kid', async () => {
      const cachedBefore = remoteVerifier(proxy.url);
      const oldUserToken = (await login(auth.url, ADMIN)).access_token;
      const oldServiceToken = await serviceToken(auth.url, 'user-service');
      await cachedBefore.verify(oldUserToken);
      expect(proxy.fetches()).toBe(1);

      expect((await rotate(auth.url, oldUserToken)).status).toBe(200);
      const newToken = (await login(auth.url, ADMIN)).access_token;
      expect(kidOf(newToken)).not.toBe(kidOf(oldUserToken));

      // The new kid was published as `next` before it signed, so the cache already holds it.
      await expect(cachedBefore.verify(newToken)).resolves.toMatchObject({ kind: 'user' });
      await expect(cachedBefore.verify(oldUserToken)).resolves.toMatchObject({ kind: 'user' });
      expect(proxy.fetches()).toBe(1);

      const createdAfter = remoteVerifier(proxy.url);
      await expect(createdAfter.verify(oldUserToken)).resolves.toMatchObject({
        kind: 'user',
        roles: ['user', 'admin'],
      });
      await expect(createdAfter.verify(oldServiceToken)).resolves.toMatchObject({
        kind: 'service',
        clientId: 'user-service',
      });
      expect(proxy.fetches()).toBe(2);

      // The auth service's own verifier accepts the retired key too.
      const { id } = await registerAndLogin(auth.url);
      const res = await fetch(`${auth.url}/internal/v1/accounts/${id}`, {
        headers: { authorization: `Bearer ${oldServiceToken}` },
      });
      expect(res.status).toBe(200);
    });

    it('when a cached key set lacks the signing kid, then one refetch finds it, and unknown kids cost at most one fetch per cooldown', async () => {
      const cooldownMs = 1000;
      const verifier = remoteVerifier(proxy.url, cooldownMs);
      const admin = (await login(auth.url, ADMIN)).access_token;
      await verifier.verify(admin);
      expect(proxy.fetches()).toBe(1);

      // Two rotations: the key that signs now was created after the verifier's fetch.
      expect((await rotate(auth.url, admin)).status).toBe(200);
      expect((await rotate(auth.url, admin)).status).toBe(200);
      const fresh = (await login(auth.url, ADMIN)).access_token;
      await sleep(cooldownMs + 100);
      await expect(verifier.verify(fresh)).resolves.toMatchObject({ kind: 'user' });
      expect(proxy.fetches()).toBe(2);

      const unknownKid = /signed by an unknown key/;
      const floodNow = await Promise.allSettled(
        (await tokensWithUnknownKids(50)).map((t) => verifier.verify(t)),
      );
      expect(
        floodNow.every((r) => r.status === 'rejected' && unknownKid.test(r.reason.message)),
      ).toBe(true);
      expect(proxy.fetches()).toBe(2);

      await sleep(cooldownMs + 100);
      const floodLater = await Promise.allSettled(
        (await tokensWithUnknownKids(50)).map((t) => verifier.verify(t)),
      );
      expect(floodLater.every((r) => r.status === 'rejected')).toBe(true);
      expect(proxy.fetches()).toBe(3);
    });
  });

  describe('retired key lifetime', () => {
    it.each([
      [
        'access tokens live longest',
        { ACCESS_TOKEN_TTL_SECONDS: '900', SERVICE_TOKEN_TTL_SECONDS: '600' },
        930,
      ],
      [
        'service tokens live longest',
        { ACCESS_TOKEN_TTL_SECONDS: '60', SERVICE_TOKEN_TTL_SECONDS: '600' },
        630,
      ],
    ])(
      'when %s, then a retired key stays published for that TTL plus 30 s of skew',
      async (_case, env, seconds) => {
        const auth = await startAuth(env);
        try {
          const admin = (await login(auth.url, ADMIN)).access_token;
          const oldKid = kidOf(admin);
          const start = Date.now();
          expect((await rotate(auth.url, admin)).status).toBe(200);
          const end = Date.now();
          const retired = await auth.database.db
            .selectFrom('signing_keys')
            .select(['state', 'publish_until'])
            .where('kid', '=', oldKid)
            .executeTakeFirstOrThrow();
          expect(retired.state).toBe('retired');
          expect(retired.publish_until).toBeGreaterThanOrEqual(start + seconds * 1000);
          expect(retired.publish_until).toBeLessThanOrEqual(end + seconds * 1000);
        } finally {
          await auth.stop();
        }
      },
    );
  });

  describe('restart', () => {
    const dir = makeAuthDir();
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('when the service restarts on the same database, then it keeps its keys and earlier tokens still verify', async () => {
      const first = await startAuth({}, { dir });
      const kids = await jwksKids(first.url);
      const userToken = (await login(first.url, ADMIN)).access_token;
      const service = await serviceToken(first.url, 'user-service');
      await first.stop();

      const second = await startAuth({}, { dir });
      try {
        expect((await jwksKids(second.url)).sort()).toEqual(kids.sort());
        await expect(remoteVerifier(second.url).verify(userToken)).resolves.toMatchObject({
          kind: 'user',
        });
        const { id } = await registerAndLogin(second.url);
        const res = await fetch(`${second.url}/internal/v1/accounts/${id}`, {
          headers: { authorization: `Bearer ${service}` },
        });
        expect(res.status).toBe(200);
      } finally {
        await second.stop();
      }
    });
  });
});
