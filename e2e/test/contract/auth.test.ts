import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { contractSuite, OVERSIZED, PLAIN_TEXT } from '../support/contract-suite.js';
import { ADMIN } from '../support/system.js';

const REGISTER = 'POST /api/v1/auth/register';
const LOGIN = 'POST /api/v1/auth/login';
const REFRESH = 'POST /api/v1/auth/refresh';
const LOGOUT = 'POST /api/v1/auth/logout';
const TOKEN = 'POST /api/v1/auth/token';
const ROTATE = 'POST /api/v1/auth/keys/rotate';
const ACCOUNT = 'GET /internal/v1/accounts/{id}';
const EVENTS = 'GET /internal/v1/events';
const REVOKE = 'POST /api/v1/auth/revoke';
const INTROSPECT = 'POST /api/v1/auth/introspect';
const LOGOUT_ALL = 'POST /api/v1/auth/logout-all';
const REVOCATIONS = 'GET /internal/v1/revocations';
const AUTHORIZE = 'GET /api/v1/auth/authorize';
const SUBMIT_LOGIN = 'POST /api/v1/auth/authorize';
const USERINFO = 'GET /api/v1/auth/userinfo';
const USERINFO_POST = 'POST /api/v1/auth/userinfo';
const END_SESSION = 'GET /api/v1/auth/end-session';
/** The development client `npm start` registers (PUBLIC_BASE_URL's default). */
const DEMO = { client_id: 'portico-demo', redirect_uri: 'http://127.0.0.1:8080/demo/' };

const form = (fields: Record<string, string>) => ({
  contentType: 'application/x-www-form-urlencoded',
  text: new URLSearchParams(fields).toString(),
});
const credentials = (clientId: string) => ({
  grant_type: 'client_credentials',
  client_id: clientId,
  client_secret: `dev-secret-${clientId}-change-me`,
});
const email = () => `auth-contract-${randomUUID()}@example.com`;
const PASSWORD = 'a long enough password';

describe('auth.yaml, against the running auth service', () => {
  const suite = contractSuite('auth');
  const { call } = suite;

  it('when someone registers, then 201 and the account; a taken email, a bad body, a huge one or text: 409, 400, 413, 415', async () => {
    const body = { email: email(), password: PASSWORD, name: 'Ada' };
    expect((await call(REGISTER, { body })).status).toBe(201);
    expect((await call(REGISTER, { body })).body.code).toBe('EMAIL_TAKEN');
    expect(
      (await call(REGISTER, { body: { ...body, email: email(), password: 'short' } })).status,
    ).toBe(400);
    expect((await call(REGISTER, { body: { ...body, email: email(), admin: true } })).status).toBe(
      400,
    );
    expect(
      (await call(REGISTER, { raw: { contentType: 'application/json', text: '{"email":' } }))
        .status,
    ).toBe(400);
    expect((await call(REGISTER, { raw: OVERSIZED })).status).toBe(413);
    expect((await call(REGISTER, { raw: PLAIN_TEXT })).status).toBe(415);
  });

  it('when someone logs in, then 200 and a token pair; wrong password 401, repeated failures 429, bad bodies 400/413/415', async () => {
    const user = await suite.newUser();
    const ok = await call(LOGIN, { body: { email: user.email, password: user.password } });
    expect(ok.body.token_type).toBe('Bearer');
    expect((await call(LOGIN, { body: { email: user.email } })).status).toBe(400);
    expect((await call(LOGIN, { raw: OVERSIZED })).status).toBe(413);
    expect((await call(LOGIN, { raw: PLAIN_TEXT })).status).toBe(415);
    const wrong = { body: { email: user.email, password: 'not the password' } };
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt++) statuses.push((await call(LOGIN, wrong)).status);
    expect(statuses[0]).toBe(401);
    expect(statuses.at(-1)).toBe(429);
  });

  it('when a refresh token is rotated, then 200 and a new pair; spending it twice 401; bad bodies 400/413/415', async () => {
    const user = await suite.newUser();
    const login = await call(LOGIN, { body: { email: user.email, password: user.password } });
    const body = { refresh_token: login.body.refresh_token };
    expect((await call(REFRESH, { body })).status).toBe(200);
    expect((await call(REFRESH, { body })).body.code).toBe('INVALID_REFRESH_TOKEN');
    expect((await call(REFRESH, { body: { refresh_token: '' } })).status).toBe(400);
    expect((await call(REFRESH, { raw: OVERSIZED })).status).toBe(413);
    expect((await call(REFRESH, { raw: PLAIN_TEXT })).status).toBe(415);
  });

  it('when someone logs out, then 204 with no body, even for an unknown token; bad bodies 400/413/415', async () => {
    const user = await suite.newUser();
    const login = await call(LOGIN, { body: { email: user.email, password: user.password } });
    expect((await call(LOGOUT, { body: { refresh_token: login.body.refresh_token } })).status).toBe(
      204,
    );
    expect((await call(LOGOUT, { body: { refresh_token: 'unknown' } })).status).toBe(204);
    expect((await call(LOGOUT, { body: {} })).status).toBe(400);
    expect((await call(LOGOUT, { raw: OVERSIZED })).status).toBe(413);
    expect((await call(LOGOUT, { raw: PLAIN_TEXT })).status).toBe(415);
  });

  it('when a service asks for a token, then 200 by form or Basic; a wrong secret 401, a scope it may not hold 400, JSON 415', async () => {
    const viaForm = await call(TOKEN, {
      raw: form({ ...credentials('order-service'), scope: 'users:read' }),
    });
    expect(viaForm.body.scope).toBe('users:read');
    const basic = Buffer.from('gateway:dev-secret-gateway-change-me').toString('base64');
    const viaBasic = await call(TOKEN, {
      raw: form({ grant_type: 'client_credentials' }),
      headers: { authorization: `Basic ${basic}` },
    });
    expect(viaBasic.status).toBe(200);
    const wrong = { ...credentials('gateway'), client_secret: 'not-the-secret-at-all' };
    expect((await call(TOKEN, { raw: form(wrong) })).body.code).toBe('INVALID_CLIENT');
    expect(
      (await call(TOKEN, { raw: form({ ...credentials('gateway'), scope: 'accounts:read' }) }))
        .status,
    ).toBe(400);
    expect(
      (await call(TOKEN, { raw: form({ ...credentials('gateway'), grant_type: 'password' }) }))
        .status,
    ).toBe(400);
    expect(
      (await call(TOKEN, { raw: form({ ...credentials('gateway'), scope: 'x'.repeat(20_000) }) }))
        .status,
    ).toBe(413);
    expect((await call(TOKEN, { body: credentials('gateway') })).status).toBe(415);
  });

  it('when a browser signs in through the hosted page, then the page, a 303 with a code, tokens, userinfo and end-session answer as the spec says; bad input is refused', async () => {
    const user = await suite.newUser();
    const verifier = randomBytes(32).toString('base64url');
    const query = {
      ...DEMO,
      response_type: 'code',
      scope: 'openid email profile',
      state: 's',
      nonce: 'n',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    };
    const page = await call(AUTHORIZE, { query });
    expect(page.status).toBe(200);
    expect(
      (await call(AUTHORIZE, { query: { ...query, code_challenge_method: 'plain' } })).status,
    ).toBe(302);
    expect(
      (await call(AUTHORIZE, { query: { ...query, redirect_uri: 'https://evil.test/' } })).status,
    ).toBe(400);
    const hidden = (name: string) =>
      String(page.body).match(new RegExp(`name="${name}" value="([^"]*)"`))![1]!;
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    const login = {
      email: user.email,
      password: user.password,
      request: hidden('request'),
      csrf_token: hidden('csrf_token'),
    };
    expect(
      (
        await call(SUBMIT_LOGIN, {
          raw: form({ ...login, password: 'wrong password' }),
          headers: { cookie },
        })
      ).status,
    ).toBe(400);
    expect((await call(SUBMIT_LOGIN, { raw: form(login) })).status).toBe(403);
    expect((await call(SUBMIT_LOGIN, { raw: PLAIN_TEXT })).status).toBe(415);
    const signedIn = await call(SUBMIT_LOGIN, { raw: form(login), headers: { cookie } });
    expect(signedIn.status).toBe(303);
    const code = new URL(signedIn.headers.get('location')!).searchParams.get('code')!;

    const grant = { grant_type: 'authorization_code', code, code_verifier: verifier, ...DEMO };
    const tokens = await call(TOKEN, { raw: form(grant) });
    expect(tokens.body.id_token).toEqual(expect.any(String));
    expect((await call(USERINFO, { token: tokens.body.access_token })).body.email).toBe(user.email);
    expect((await call(USERINFO_POST, { token: tokens.body.access_token })).status).toBe(200);
    expect((await call(USERINFO, { token: tokens.body.id_token })).status).toBe(401);
    expect((await call(USERINFO, { token: user.token })).status).toBe(403);

    const hint = { id_token_hint: tokens.body.id_token };
    expect(
      (
        await call(END_SESSION, {
          query: { ...hint, post_logout_redirect_uri: 'https://evil.test/' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call(END_SESSION, {
          query: { ...hint, post_logout_redirect_uri: DEMO.redirect_uri, state: 'x' },
        })
      ).status,
    ).toBe(302);
    expect((await call(END_SESSION, { query: hint })).status).toBe(200);
    // A redeemed code presented again: refused, in the RFC 6749 shape.
    expect((await call(TOKEN, { raw: form(grant) })).body.error).toBe('invalid_grant');
  });

  it('when anyone reads the keys or the discovery document, then 200 and what the spec describes', async () => {
    const jwks = await call('GET /.well-known/jwks.json');
    expect(jwks.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(jwks.body.keys.length).toBeGreaterThan(0);
    expect((await call('GET /.well-known/openid-configuration')).status).toBe(200);
  });

  it('when a service reads an account, then 200 with accounts:read; 401 without a token, 403 without the scope, 404 unknown, 400 not a uuid', async () => {
    const user = await suite.newUser();
    const token = await suite.serviceToken('user-service', 'accounts:read');
    const found = await call(ACCOUNT, { params: { id: user.id }, token });
    expect(found.body).toMatchObject({ id: user.id, status: 'active', roles: ['user'] });
    expect((await call(ACCOUNT, { params: { id: randomUUID() }, token })).status).toBe(404);
    expect((await call(ACCOUNT, { params: { id: 'not-a-uuid' }, token })).status).toBe(400);
    expect((await call(ACCOUNT, { params: { id: user.id } })).status).toBe(401);
    const other = await suite.serviceToken('inventory-service');
    expect((await call(ACCOUNT, { params: { id: user.id }, token: other })).status).toBe(403);
  });

  it('when a service reads the event feed, then 200 pages; 400 out of range, 401 without a token, 403 for a user', async () => {
    const token = await suite.serviceToken('user-service', 'events:read');
    const page = await call(EVENTS, { query: { after: 0, limit: 5 }, token });
    expect(page.body.source).toBe('auth');
    expect((await call(EVENTS, { query: { after: 'latest' }, token })).body.events).toEqual([]);
    expect((await call(EVENTS, { query: { limit: 501 }, token })).status).toBe(400);
    expect((await call(EVENTS, {})).status).toBe(401);
    expect((await call(EVENTS, { token: (await suite.newUser()).token })).status).toBe(403);
  });

  it('when tokens are revoked, introspected or signed out everywhere, then the answers the spec describes; bad input 400/401/415', async () => {
    const user = await suite.newUser();
    const gateway = await suite.serviceToken('gateway', 'tokens:introspect');
    const introspect = (token: string) =>
      call(INTROSPECT, {
        raw: form({ token }),
        headers: { authorization: `Bearer ${gateway}` },
      });
    expect((await introspect(user.token)).body).toMatchObject({ active: true, sub: user.id });
    expect((await call(INTROSPECT, { raw: form({ token: user.token }) })).status).toBe(401);
    expect((await call(INTROSPECT, { raw: form({}) })).status).toBe(400);
    expect((await call(REVOKE, { raw: form({ token: user.token }) })).status).toBe(200);
    expect((await introspect(user.token)).body).toEqual({ active: false });
    expect((await call(REVOKE, { raw: form({ token: 'unknown' }) })).status).toBe(200);
    expect((await call(REVOKE, { raw: form({ token: gateway }) })).status).toBe(400);
    expect((await call(REVOKE, { raw: form({ token: 'x', client_id: 'nobody' }) })).status).toBe(
      401,
    );
    expect((await call(REVOKE, { body: { token: 'x' } })).status).toBe(415);

    const revocations = await call(REVOCATIONS, {
      token: await suite.serviceToken('order-service', 'revocations:read'),
    });
    expect(revocations.body.tokens.length).toBeGreaterThan(0);
    // The revoked token is refused by the auth service itself; a fresh user token lacks the scope.
    expect((await call(REVOCATIONS, { token: user.token })).status).toBe(401);
    const fresh = await suite.login(user);
    expect((await call(REVOCATIONS, { token: fresh })).status).toBe(403);
    expect((await call(REVOCATIONS)).status).toBe(401);

    expect((await call(LOGOUT_ALL)).status).toBe(401);
    expect((await call(LOGOUT_ALL, { token: gateway })).status).toBe(403);
    expect((await call(LOGOUT_ALL, { token: fresh })).status).toBe(204);
    expect((await introspect(fresh)).body).toEqual({ active: false });
  });

  it('when an admin rotates the signing key, then 200 and the new kids; 401 without a token, 403 for a user', async () => {
    expect((await call(ROTATE)).status).toBe(401);
    expect((await call(ROTATE, { token: (await suite.newUser()).token })).status).toBe(403);
    const rotated = await call(ROTATE, { token: await suite.adminToken() });
    expect(rotated.body.activeKid).not.toBe(rotated.body.nextKid);
    const login = await call(LOGIN, { body: ADMIN });
    expect(login.status).toBe(200);
  });

  suite.everyOperationExercised();
});
