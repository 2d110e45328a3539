import { createTokenVerifier } from '@portico/token-auth';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { type AuthHarness, postForm, registerAndLogin, startAuth } from './support/auth-harness.js';
import { authorizationCode, OAUTH_ENV, OTHER, SERVER, SPA, TOKEN } from './support/oauth-flow.js';

const ISSUER = 'http://127.0.0.1:8080';
const AUDIENCE = 'portico-api';

const basic = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});

function expectOAuthError(
  res: { status: number; headers: Headers; body: Record<string, unknown> },
  status: number,
  error: string,
) {
  expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
  expect(res.body.error_description).toEqual(expect.any(String));
  expect(res.body.type).toEqual(expect.stringMatching(/^urn:portico:problem:/));
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
}

describe('authorization codes, the token endpoint and OpenID Connect', () => {
  let auth: AuthHarness;
  let user: Awaited<ReturnType<typeof registerAndLogin>>;
  let clock = Date.now();
  beforeAll(async () => {
    auth = await startAuth(OAUTH_ENV, { now: () => clock });
    user = await registerAndLogin(auth.url);
  });
  afterAll(() => auth.stop());
  afterEach(() => {
    clock = Date.now();
  });

  const redeem = (
    flow: { code: string; verifier: string },
    overrides: Record<string, string | undefined> = {},
    headers: Record<string, string> = {},
  ) => {
    const form: Record<string, string | undefined> = {
      grant_type: 'authorization_code',
      code: flow.code,
      redirect_uri: SPA.redirect_uris[0],
      code_verifier: flow.verifier,
      client_id: SPA.client_id,
      ...overrides,
    };
    const defined = Object.entries(form).filter((e): e is [string, string] => e[1] !== undefined);
    return postForm(auth.url, TOKEN, Object.fromEntries(defined), headers);
  };
  const refreshFamily = async (sessionId: string) =>
    auth.database.db
      .selectFrom('refresh_tokens')
      .select('state')
      .where('family_id', '=', sessionId)
      .execute();
  const keys = () => createRemoteJWKSet(new URL(`${auth.url}/.well-known/jwks.json`));

  describe('the authorization_code grant', () => {
    it('when a public client redeems its code with the verifier, then it gets an access, refresh and ID token', async () => {
      const flow = await authorizationCode(auth.url, user);
      const res = await redeem(flow);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 900,
        refresh_token: expect.any(String),
        scope: 'openid profile email',
        id_token: expect.any(String),
      });
      // The access token is an ordinary user token for the API, naming the client in azp.
      const verifier = createTokenVerifier({ getKey: keys(), issuer: ISSUER, audience: AUDIENCE });
      const caller = await verifier.verify(res.body.access_token);
      expect(caller).toMatchObject({ kind: 'user', sub: user.id, roles: ['user'] });
      const { payload } = await jwtVerify(res.body.access_token, keys(), { typ: 'at+jwt' });
      expect(payload).toMatchObject({ azp: SPA.client_id, scope: 'openid profile email' });
      expect(payload.client_id).toBeUndefined();
    });

    it('when the ID token is verified, then it carries iss, aud = client, azp, nonce, auth_time and sid', async () => {
      const flow = await authorizationCode(auth.url, user);
      const before = Math.floor(Date.now() / 1000) - 1;
      const res = await redeem(flow);
      const { payload, protectedHeader } = await jwtVerify(res.body.id_token, keys(), {
        issuer: ISSUER,
        audience: SPA.client_id,
        algorithms: ['ES256'],
        typ: 'JWT',
      });
      expect(protectedHeader.typ).toBe('JWT');
      expect(payload).toMatchObject({ sub: user.id, azp: SPA.client_id, nonce: 'nonce-456' });
      expect(payload.auth_time).toBeGreaterThanOrEqual(before);
      const { payload: access } = await jwtVerify(res.body.access_token, keys());
      expect(payload.sid).toBe(access.sid);
      expect(await refreshFamily(payload.sid as string)).toEqual([{ state: 'active' }]);
    });

    it('when the scope lacks openid, then no ID token is issued', async () => {
      const flow = await authorizationCode(auth.url, user, { scope: 'email', nonce: undefined });
      const res = await redeem(flow);
      expect(res.status).toBe(200);
      expect(res.body.id_token).toBeUndefined();
      expect(res.body.scope).toBe('email');
    });

    it('when a confidential client authenticates by Basic or by form, then its code redeems; without its secret, 401 invalid_client', async () => {
      const confidential = {
        client_id: SERVER.client_id,
        redirect_uri: SERVER.redirect_uris[0],
        scope: 'openid email',
      };
      const first = await authorizationCode(auth.url, user, confidential);
      const noSecret = await redeem(first, {
        client_id: SERVER.client_id,
        redirect_uri: SERVER.redirect_uris[0],
      });
      expectOAuthError(noSecret, 401, 'invalid_client');
      const wrongSecret = await redeem(
        first,
        { client_id: undefined, redirect_uri: SERVER.redirect_uris[0] },
        basic(SERVER.client_id, 'x'.repeat(40)),
      );
      expectOAuthError(wrongSecret, 401, 'invalid_client');
      const byBasic = await redeem(
        first,
        { client_id: undefined, redirect_uri: SERVER.redirect_uris[0] },
        basic(SERVER.client_id, SERVER.secret),
      );
      expect(byBasic.status).toBe(200);
      const second = await authorizationCode(auth.url, user, confidential);
      const byPost = await redeem(second, {
        client_id: SERVER.client_id,
        client_secret: SERVER.secret,
        redirect_uri: SERVER.redirect_uris[0],
      });
      expect(byPost.status).toBe(200);
    });

    it('when a public client sends a secret, then 401 invalid_client', async () => {
      const flow = await authorizationCode(auth.url, user);
      expectOAuthError(
        await redeem(flow, { client_secret: 'x'.repeat(40) }),
        401,
        'invalid_client',
      );
      expect((await redeem(flow)).status).toBe(200);
    });

    const refused: [string, number, string, Record<string, string | undefined>][] = [
      ['the code_verifier is missing', 400, 'invalid_request', { code_verifier: undefined }],
      ['the code_verifier is wrong', 400, 'invalid_grant', { code_verifier: 'w'.repeat(43) }],
      ['the code_verifier is malformed', 400, 'invalid_request', { code_verifier: 'short' }],
      ['the redirect_uri differs', 400, 'invalid_grant', { redirect_uri: SPA.redirect_uris[1] }],
      ['the redirect_uri is missing', 400, 'invalid_request', { redirect_uri: undefined }],
      ['another client presents the code', 400, 'invalid_grant', { client_id: OTHER.client_id }],
      ['an unknown client presents the code', 401, 'invalid_client', { client_id: 'nobody' }],
      ['the code is unknown', 400, 'invalid_grant', { code: 'c'.repeat(43) }],
    ];
    it.each(refused)(
      'when %s, then %i %s and the code still redeems for its client',
      async (_when, status, error, overrides) => {
        const flow = await authorizationCode(auth.url, user);
        expectOAuthError(await redeem(flow, overrides), status, error);
        expect((await redeem(flow)).status).toBe(200);
      },
    );

    it('when a code is older than 60 s, then invalid_grant', async () => {
      const flow = await authorizationCode(auth.url, user);
      clock = Date.now() + 61_000;
      expectOAuthError(await redeem(flow), 400, 'invalid_grant');
    });

    it('when a code is presented again, then invalid_grant and the session it started is revoked', async () => {
      const flow = await authorizationCode(auth.url, user);
      const first = await redeem(flow);
      expect(first.status).toBe(200);
      const replay = await redeem(flow);
      expectOAuthError(replay, 400, 'invalid_grant');
      const { payload } = await jwtVerify(first.body.access_token, keys());
      expect(await refreshFamily(payload.sid as string)).toEqual([{ state: 'revoked' }]);
      const refresh = await postForm(auth.url, TOKEN, {
        grant_type: 'refresh_token',
        refresh_token: first.body.refresh_token,
        client_id: SPA.client_id,
      });
      expectOAuthError(refresh, 400, 'invalid_grant');
    });

    it('when the same code is redeemed twice at once, then exactly one succeeds', async () => {
      const flow = await authorizationCode(auth.url, user);
      const answers = await Promise.all([redeem(flow), redeem(flow), redeem(flow)]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400]);
    });
  });

  describe('the refresh_token grant', () => {
    it('when the client refreshes, then the next pair comes with the same scope and the old token is spent', async () => {
      const tokens = (await redeem(await authorizationCode(auth.url, user))).body;
      const form = {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: SPA.client_id,
      };
      const next = await postForm(auth.url, TOKEN, form);
      expect(next.status).toBe(200);
      expect(next.body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile email' });
      expect(next.body.refresh_token).not.toBe(tokens.refresh_token);
      const { payload } = await jwtVerify(next.body.access_token, keys());
      expect(payload).toMatchObject({ azp: SPA.client_id, scope: 'openid profile email' });
      // Reusing the spent token revokes the family: the next one dies too.
      expectOAuthError(await postForm(auth.url, TOKEN, form), 400, 'invalid_grant');
      const after = await postForm(auth.url, TOKEN, {
        ...form,
        refresh_token: next.body.refresh_token,
      });
      expectOAuthError(after, 400, 'invalid_grant');
    });

    it('when another client presents the refresh token, then invalid_grant and the owner still refreshes', async () => {
      const tokens = (await redeem(await authorizationCode(auth.url, user))).body;
      const stolen = await postForm(auth.url, TOKEN, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: OTHER.client_id,
      });
      expectOAuthError(stolen, 400, 'invalid_grant');
      const json = await fetch(`${auth.url}/api/v1/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: tokens.refresh_token }),
      });
      expect(json.status).toBe(401);
      const owner = await postForm(auth.url, TOKEN, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: SPA.client_id,
      });
      expect(owner.status).toBe(200);
    });

    it('when a JSON login refresh token is presented by an OAuth client, then invalid_grant', async () => {
      const res = await postForm(auth.url, TOKEN, {
        grant_type: 'refresh_token',
        refresh_token: user.tokens.refresh_token,
        client_id: SPA.client_id,
      });
      expectOAuthError(res, 400, 'invalid_grant');
    });
  });

  describe('userinfo', () => {
    const userinfo = (token: string, method = 'GET') =>
      fetch(`${auth.url}/api/v1/auth/userinfo`, {
        method,
        headers: { authorization: `Bearer ${token}` },
      });

    it('when the token has openid profile email, then sub, email and name answer (GET and POST)', async () => {
      const tokens = (await redeem(await authorizationCode(auth.url, user))).body;
      for (const method of ['GET', 'POST']) {
        const res = await userinfo(tokens.access_token, method);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ sub: user.id, email: user.email, name: 'Ada' });
      }
    });

    it('when the token has openid only, then only sub answers', async () => {
      const tokens = (await redeem(await authorizationCode(auth.url, user, { scope: 'openid' })))
        .body;
      expect(await (await userinfo(tokens.access_token)).json()).toEqual({ sub: user.id });
    });

    it('when the token is an ID token, a service token or garbage, then 401 with a Bearer invalid_token challenge', async () => {
      const tokens = (await redeem(await authorizationCode(auth.url, user))).body;
      for (const token of [tokens.id_token, 'garbage', `${tokens.access_token}x`]) {
        const res = await userinfo(token);
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
      }
      const none = await fetch(`${auth.url}/api/v1/auth/userinfo`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    });

    it('when a JSON login token (no openid scope) asks, then 403 insufficient_scope', async () => {
      const res = await userinfo(user.tokens.access_token);
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
    });
  });

  describe('end-session', () => {
    const endSession = (params: Record<string, string>) =>
      fetch(`${auth.url}/api/v1/auth/end-session?${new URLSearchParams(params)}`, {
        redirect: 'manual',
      });

    it('when the hint and a registered post_logout_redirect_uri are given, then the session ends and a 302 carries state', async () => {
      const tokens = (await redeem(await authorizationCode(auth.url, user))).body;
      const { payload } = await jwtVerify(tokens.id_token, keys());
      const res = await endSession({
        id_token_hint: tokens.id_token,
        post_logout_redirect_uri: SPA.post_logout_redirect_uris[0]!,
        state: 'bye-1',
      });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(SPA.post_logout_redirect_uris[0]);
      expect(location.searchParams.get('state')).toBe('bye-1');
      expect(await refreshFamily(payload.sid as string)).toEqual([{ state: 'revoked' }]);
    });

    it('when the hint has expired, then it still ends its session', async () => {
      const tokens = (await redeem(await authorizationCode(auth.url, user))).body;
      const { payload } = await jwtVerify(tokens.id_token, keys());
      clock = Date.now() + 3600_000;
      const res = await endSession({ id_token_hint: tokens.id_token });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await refreshFamily(payload.sid as string)).toEqual([{ state: 'revoked' }]);
    });

    const refused: [string, (idToken: string) => Record<string, string>][] = [
      [
        'post_logout_redirect_uri is not registered',
        (id) => ({ id_token_hint: id, post_logout_redirect_uri: 'https://evil.test/' }),
      ],
      [
        'post_logout_redirect_uri has a suffix',
        (id) => ({
          id_token_hint: id,
          post_logout_redirect_uri: `${SPA.post_logout_redirect_uris[0]}/x`,
        }),
      ],
      [
        "post_logout_redirect_uri is another client's",
        (id) => ({
          id_token_hint: id,
          post_logout_redirect_uri: OTHER.post_logout_redirect_uris[0]!,
        }),
      ],
      [
        'post_logout_redirect_uri comes with neither hint nor client_id',
        () => ({ post_logout_redirect_uri: SPA.post_logout_redirect_uris[0]! }),
      ],
      [
        'client_id differs from the hint',
        (id) => ({
          id_token_hint: id,
          client_id: OTHER.client_id,
          post_logout_redirect_uri: OTHER.post_logout_redirect_uris[0]!,
        }),
      ],
      [
        'the hint is not signed by this server',
        () => ({
          id_token_hint: 'eyJhbGciOiJub25lIn0.e30.',
          post_logout_redirect_uri: SPA.post_logout_redirect_uris[0]!,
        }),
      ],
    ];
    it.each(refused)(
      'when %s, then an HTML error page (400), no redirect, and the session lives',
      async (_when, params) => {
        const tokens = (await redeem(await authorizationCode(auth.url, user))).body;
        const { payload } = await jwtVerify(tokens.id_token, keys());
        const res = await endSession(params(tokens.id_token));
        expect(res.status).toBe(400);
        expect(res.headers.get('location')).toBeNull();
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(await refreshFamily(payload.sid as string)).toEqual([{ state: 'active' }]);
      },
    );

    it('when an access token is given as the hint, then it is refused', async () => {
      const tokens = (await redeem(await authorizationCode(auth.url, user))).body;
      const res = await endSession({ id_token_hint: tokens.access_token });
      expect(res.status).toBe(400);
    });
  });

  describe('discovery', () => {
    it('when the document is read, then it is complete and names no password grant', async () => {
      const res = await fetch(`${auth.url}/.well-known/openid-configuration`);
      const doc = await res.json();
      const endpoints = `${ISSUER}/api/v1/auth`;
      expect(doc).toEqual({
        issuer: ISSUER,
        authorization_endpoint: `${endpoints}/authorize`,
        token_endpoint: `${endpoints}/token`,
        userinfo_endpoint: `${endpoints}/userinfo`,
        end_session_endpoint: `${endpoints}/end-session`,
        revocation_endpoint: `${endpoints}/revoke`,
        introspection_endpoint: `${endpoints}/introspect`,
        jwks_uri: `${ISSUER}/.well-known/jwks.json`,
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
        code_challenge_methods_supported: ['S256'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
        scopes_supported: ['openid', 'profile', 'email'],
        claims_supported: expect.arrayContaining([
          'sub',
          'email',
          'name',
          'nonce',
          'auth_time',
          'sid',
        ]),
        token_endpoint_auth_methods_supported: [
          'client_secret_basic',
          'client_secret_post',
          'none',
        ],
        prompt_values_supported: ['none', 'login'],
        authorization_response_iss_parameter_supported: true,
      });
    });
  });
});
