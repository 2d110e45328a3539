import { ConfigError } from '@portico/config';
import { createTokenVerifier } from '@portico/token-auth';
import { decodeProtectedHeader } from 'jose';
import { readConfig } from '../src/config.js';
import {
  ADMIN,
  type AuthHarness,
  devSecret,
  login,
  postForm,
  registerAndLogin,
  serviceToken,
  startAuth,
} from './support/auth-harness.js';

const TOKEN = '/api/v1/auth/token';
const ISSUER = 'http://127.0.0.1:8080';
const AUDIENCE = 'portico-api';

const basic = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});

function expectProblem(
  res: { status: number; headers: Headers; body: Record<string, unknown> },
  status: number,
  code: string,
) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

/** The token endpoint's errors are RFC 6749 §5.2 errors too: application/json with `error` (openid-client needs both). */
function expectOAuthError(
  res: { status: number; headers: Headers; body: Record<string, unknown> },
  status: number,
  code: string,
) {
  expect({ status: res.status, code: res.body.code, error: res.body.error }).toEqual({
    status,
    code,
    error: code.toLowerCase(),
  });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
}

async function getAccount(base: string, id: string, token?: string) {
  const res = await fetch(`${base}/internal/v1/accounts/${id}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, headers: res.headers, body: JSON.parse(await res.text()) };
}

describe('client credentials', () => {
  let auth: AuthHarness;
  beforeAll(async () => {
    auth = await startAuth();
  });
  afterAll(() => auth.stop());

  const verifier = () =>
    createTokenVerifier({
      jwksUrl: `${auth.url}/.well-known/jwks.json`,
      issuer: ISSUER,
      audience: AUDIENCE,
    });

  describe('issuing', () => {
    it('when a client authenticates with client_secret_basic, then it gets a bearer token with all its scopes', async () => {
      const res = await postForm(
        auth.url,
        TOKEN,
        { grant_type: 'client_credentials' },
        basic('user-service', devSecret('user-service')),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 600,
        scope: 'accounts:read events:read revocations:read',
      });
    });

    it('when a client authenticates with client_secret_post and asks for one scope, then it gets just that scope', async () => {
      const res = await postForm(auth.url, TOKEN, {
        grant_type: 'client_credentials',
        client_id: 'order-service',
        client_secret: devSecret('order-service'),
        scope: 'inventory:read',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'inventory:read' });
    });

    it.each([
      ['client_secret_basic', basic('gateway', 'not-the-secret-at-all'), {}],
      ['client_secret_post', {}, { client_id: 'gateway', client_secret: 'not-the-secret-at-all' }],
    ])(
      'when the secret is wrong (%s), then 401 INVALID_CLIENT with a Basic challenge',
      async (_method, headers, fields) => {
        const res = await postForm(
          auth.url,
          TOKEN,
          { grant_type: 'client_credentials', ...fields },
          headers,
        );
        expectOAuthError(res, 401, 'INVALID_CLIENT');
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
      },
    );

    it.each([
      ['an unknown client', 'billing-service', devSecret('billing-service')],
      ['a client named constructor (a prototype member)', 'constructor', devSecret('gateway')],
      ["another client's secret", 'user-service', devSecret('gateway')],
    ])('when %s asks, then 401 INVALID_CLIENT', async (_what, clientId, secret) => {
      const res = await postForm(auth.url, TOKEN, {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
      });
      expectOAuthError(res, 401, 'INVALID_CLIENT');
    });

    it.each([
      ['a scope of another client', 'gateway', 'accounts:read'],
      ['an allowed scope next to a forbidden one', 'gateway', 'users:read accounts:read'],
      ['a scope named after a prototype member', 'gateway', 'toString'],
    ])('when a client asks for %s, then 400 INVALID_SCOPE', async (_what, clientId, scope) => {
      const res = await postForm(auth.url, TOKEN, {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: devSecret(clientId),
        scope,
      });
      expectOAuthError(res, 400, 'INVALID_SCOPE');
    });

    it('when the issued token is verified through the JWKS, then it is a service caller with its client id and scopes', async () => {
      const token = await serviceToken(auth.url, 'order-service');
      expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      const caller = await verifier().verify(token);
      expect(caller).toMatchObject({
        kind: 'service',
        sub: 'order-service',
        clientId: 'order-service',
        scopes: ['users:read', 'inventory:read', 'events:read', 'revocations:read'],
      });
    });
  });

  describe('configured secrets', () => {
    it('when SERVICE_CLIENT_SECRETS is set, then its secret works and the development default no longer does', async () => {
      const custom = await startAuth({ SERVICE_CLIENT_SECRETS: 'gateway=a-real-secret-for-tests' });
      try {
        const ok = await postForm(
          custom.url,
          TOKEN,
          { grant_type: 'client_credentials' },
          basic('gateway', 'a-real-secret-for-tests'),
        );
        expect(ok.status).toBe(200);
        const old = await postForm(
          custom.url,
          TOKEN,
          { grant_type: 'client_credentials' },
          basic('gateway', devSecret('gateway')),
        );
        expectOAuthError(old, 401, 'INVALID_CLIENT');
        // A client the variable leaves out has no secret at all.
        const absent = await postForm(
          custom.url,
          TOKEN,
          { grant_type: 'client_credentials' },
          basic('user-service', devSecret('user-service')),
        );
        expectOAuthError(absent, 401, 'INVALID_CLIENT');
      } finally {
        await custom.stop();
      }
    });

    it.each([
      ['an unknown client', 'billing=0123456789abcdef'],
      ['an inherited property as client id', 'constructor=0123456789abcdef'],
      ['a secret under 16 characters', 'gateway=short'],
      ['a pair without a secret', 'gateway'],
    ])(
      'when SERVICE_CLIENT_SECRETS names %s, then the config is refused naming the variable',
      (_what, value) => {
        expect(() => readConfig({ SERVICE_CLIENT_SECRETS: value })).toThrow(ConfigError);
        expect(() => readConfig({ SERVICE_CLIENT_SECRETS: value })).toThrow(
          /SERVICE_CLIENT_SECRETS/,
        );
      },
    );
  });

  describe('GET /internal/v1/accounts/{id}', () => {
    it('when user-service asks with accounts:read, then it gets the account without secrets', async () => {
      const { id, email } = await registerAndLogin(auth.url);
      const res = await getAccount(auth.url, id, await serviceToken(auth.url, 'user-service'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id, email, name: 'Ada', roles: ['user'], status: 'active' });
    });

    it('when the account is the admin, then both roles are listed', async () => {
      const admin = await auth.database.db
        .selectFrom('accounts')
        .select('id')
        .where('email', '=', ADMIN.email)
        .executeTakeFirstOrThrow();
      const res = await getAccount(
        auth.url,
        admin.id,
        await serviceToken(auth.url, 'user-service'),
      );
      expect(res.status).toBe(200);
      expect(res.body.roles).toEqual(['user', 'admin']);
    });

    it('when the account is disabled, then its status says so', async () => {
      const { id } = await registerAndLogin(auth.url);
      await auth.database.db
        .updateTable('accounts')
        .set({ status: 'disabled' })
        .where('id', '=', id)
        .execute();
      const res = await getAccount(auth.url, id, await serviceToken(auth.url, 'user-service'));
      expect(res.body.status).toBe('disabled');
    });

    it('when user-service holds only events:read, then 403 SCOPE_REQUIRED', async () => {
      const { id } = await registerAndLogin(auth.url);
      const token = await serviceToken(auth.url, 'user-service', 'events:read');
      expectProblem(await getAccount(auth.url, id, token), 403, 'SCOPE_REQUIRED');
    });

    it('when the gateway asks (no accounts:read), then 403 SCOPE_REQUIRED with an insufficient_scope challenge', async () => {
      const { id } = await registerAndLogin(auth.url);
      const res = await getAccount(auth.url, id, await serviceToken(auth.url, 'gateway'));
      expectProblem(res, 403, 'SCOPE_REQUIRED');
      expect(res.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
    });

    it.each([
      ['a user', () => registerAndLogin(auth.url).then((u) => u.tokens.access_token)],
      ['the admin', () => login(auth.url, ADMIN).then((t) => t.access_token)],
    ])('when %s asks with a user access token, then 403 SCOPE_REQUIRED', async (_who, token) => {
      const { id } = await registerAndLogin(auth.url);
      expectProblem(await getAccount(auth.url, id, await token()), 403, 'SCOPE_REQUIRED');
    });

    it('when there is no token, then 401 TOKEN_REQUIRED with a Bearer challenge', async () => {
      const { id } = await registerAndLogin(auth.url);
      const res = await getAccount(auth.url, id);
      expectProblem(res, 401, 'TOKEN_REQUIRED');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    });

    it('when the id is an unknown uuid, then 404 NOT_FOUND', async () => {
      const token = await serviceToken(auth.url, 'user-service');
      const res = await getAccount(auth.url, '5f0c7a52-9f1e-4c8e-a1d2-3b4c5d6e7f80', token);
      expectProblem(res, 404, 'NOT_FOUND');
    });

    it('when the id is not a uuid, then 400 VALIDATION_FAILED', async () => {
      const token = await serviceToken(auth.url, 'user-service');
      expectProblem(await getAccount(auth.url, 'ada', token), 400, 'VALIDATION_FAILED');
    });
  });
});
