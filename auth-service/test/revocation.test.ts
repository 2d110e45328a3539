import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { createAccountRepository } from '../src/data/account-repository.js';
import {
  type AuthHarness,
  postForm,
  postJson,
  registerAndLogin,
  serviceToken,
  signedByService,
  startAuth,
} from './support/auth-harness.js';

const SECRET = 'a-confidential-client-secret-of-32-chars';
const CLIENTS = [
  {
    client_id: 'shop-server',
    name: 'Shop server',
    type: 'confidential',
    redirect_uris: ['http://127.0.0.1:9999/callback'],
    secret: SECRET,
  },
  {
    client_id: 'other-server',
    name: 'Other server',
    type: 'confidential',
    redirect_uris: ['http://127.0.0.1:9998/callback'],
    secret: `${SECRET}-other`,
  },
  { client_id: 'spa', name: 'SPA', type: 'public', redirect_uris: ['http://127.0.0.1:9997/'] },
];
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const SHOP = { authorization: basic('shop-server', SECRET) };

describe('token revocation, introspection and sign-out', () => {
  let auth: AuthHarness;
  let gatewayToken: string;
  beforeAll(async () => {
    auth = await startAuth({ OAUTH_CLIENTS: JSON.stringify(CLIENTS) });
    gatewayToken = await serviceToken(auth.url, 'gateway');
  });
  afterAll(() => auth.stop());

  /** Signs a user token as this service would, optionally for an OAuth client (`azp`) or earlier. */
  function signUser(
    sub: string,
    { client, ...options }: { client?: string; audience?: string; issuedAgoSeconds?: number } = {},
  ) {
    const claims = {
      roles: ['user'],
      sid: randomUUID(),
      ...(client && { azp: client, scope: 'openid' }),
    };
    return signedByService(auth, sub, claims, options);
  }

  const introspect = (token: string, headers: Record<string, string> = SHOP) =>
    postForm(auth.url, '/api/v1/auth/introspect', { token }, headers);
  const asGateway = (token: string) =>
    introspect(token, { authorization: `Bearer ${gatewayToken}` });
  const revoke = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    postForm(auth.url, '/api/v1/auth/revoke', form, headers);

  async function counts() {
    const count = async (
      table: 'revoked_tokens' | 'revoked_sessions' | 'account_sign_outs' | 'outbox',
    ) => {
      const row = await auth.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    return {
      tokens: await count('revoked_tokens'),
      sessions: await count('revoked_sessions'),
      signOuts: await count('account_sign_outs'),
      outbox: await count('outbox'),
    };
  }

  async function lastEvent() {
    const row = await auth.database.db
      .selectFrom('outbox')
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    return { type: row.type, data: JSON.parse(row.data) };
  }

  describe('revocation (RFC 7009)', () => {
    it('when a first-party app revokes its access token, then it is inactive and token.revoked is in the outbox', async () => {
      const { id, tokens } = await registerAndLogin(auth.url);
      expect((await asGateway(tokens.access_token)).body.active).toBe(true);
      const before = await counts();

      const res = await revoke({ token: tokens.access_token, token_type_hint: 'access_token' });

      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect((await asGateway(tokens.access_token)).body).toEqual({ active: false });
      expect(await counts()).toEqual({
        ...before,
        tokens: before.tokens + 1,
        outbox: before.outbox + 1,
      });
      const { jti, exp } = decodeJwt(tokens.access_token);
      expect(await lastEvent()).toEqual({
        type: 'token.revoked',
        data: { jti, accountId: id, expiresAt: exp! + 30 },
      });
    });

    it('when a refresh token is revoked, then its family and the session access tokens end (session.revoked)', async () => {
      const { id, tokens } = await registerAndLogin(auth.url);

      const res = await revoke({ token: tokens.refresh_token, token_type_hint: 'refresh_token' });

      expect(res.status).toBe(200);
      const refresh = await postJson(auth.url, '/api/v1/auth/refresh', {
        refresh_token: tokens.refresh_token,
      });
      expect(refresh.status).toBe(401);
      expect((await asGateway(tokens.access_token)).body).toEqual({ active: false });
      expect((await asGateway(tokens.refresh_token)).body).toEqual({ active: false });
      expect(await lastEvent()).toEqual({
        type: 'session.revoked',
        data: {
          sessionId: decodeJwt(tokens.access_token).sid,
          accountId: id,
          expiresAt: expect.any(Number),
        },
      });
    });

    it('when the hint names the wrong type, then the token is found all the same', async () => {
      const { tokens } = await registerAndLogin(auth.url);
      expect(
        (await revoke({ token: tokens.access_token, token_type_hint: 'refresh_token' })).status,
      ).toBe(200);
      expect((await asGateway(tokens.access_token)).body.active).toBe(false);
    });

    it('when the token is unknown or garbage, then 200 and nothing is written', async () => {
      const before = await counts();
      for (const token of ['not-a-token', 'a.b.c', randomUUID(), 'x'.repeat(8192)]) {
        expect((await revoke({ token })).status).toBe(200);
      }
      expect(await counts()).toEqual(before);
    });

    it("when a client revokes its own token, then it ends; another client's or a first-party token is left alone", async () => {
      const { id, tokens } = await registerAndLogin(auth.url);
      const shopToken = await signUser(id, { client: 'shop-server' });
      const before = await counts();

      const other = await revoke(
        { token: shopToken },
        { authorization: basic('other-server', `${SECRET}-other`) },
      );
      const anonymous = await revoke({ token: shopToken });
      const firstParty = await revoke({ token: tokens.access_token }, SHOP);

      expect([other.status, anonymous.status, firstParty.status]).toEqual([200, 200, 200]);
      expect(await counts()).toEqual(before);
      expect((await introspect(shopToken)).body.active).toBe(true);
      expect((await asGateway(tokens.access_token)).body.active).toBe(true);

      expect((await revoke({ token: shopToken }, SHOP)).status).toBe(200);
      expect((await introspect(shopToken)).body).toEqual({ active: false });
    });

    it('when client authentication fails, then 401 invalid_client as an OAuth error and a problem, nothing written', async () => {
      const { tokens } = await registerAndLogin(auth.url);
      const before = await counts();
      const answers = [
        await revoke(
          { token: tokens.access_token },
          { authorization: basic('shop-server', 'wrong') },
        ),
        await revoke({ token: tokens.access_token, client_id: 'nobody' }),
        await revoke({ token: tokens.access_token, client_id: 'spa', client_secret: 'x' }),
        await revoke({ token: tokens.access_token }, { authorization: 'Digest whatever' }),
      ];
      for (const res of answers) {
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(res.body).toMatchObject({
          status: 401,
          error: 'invalid_client',
          error_description: expect.any(String),
        });
      }
      expect(await counts()).toEqual(before);
      expect((await asGateway(tokens.access_token)).body.active).toBe(true);
    });

    it('when a first-party app sends its Bearer header along, then it is ignored and the token revoked', async () => {
      const { tokens } = await registerAndLogin(auth.url);
      const res = await revoke(
        { token: tokens.access_token },
        { authorization: `Bearer ${tokens.access_token}` },
      );
      expect(res.status).toBe(200);
      expect((await asGateway(tokens.access_token)).body.active).toBe(false);
    });

    it('when a public client names itself, then it may revoke its own tokens', async () => {
      const { id } = await registerAndLogin(auth.url);
      const spaToken = await signUser(id, { client: 'spa' });
      expect((await revoke({ token: spaToken, client_id: 'spa' })).status).toBe(200);
      expect((await asGateway(spaToken)).body.active).toBe(false);
    });

    it('when a service token is presented, then 400 unsupported_token_type', async () => {
      const res = await revoke({ token: gatewayToken });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'unsupported_token_type' });
      expect((await asGateway(gatewayToken)).body.active).toBe(true);
    });

    it('when the request is malformed, then 400 invalid_request (or 415), never a 500, nothing written', async () => {
      const before = await counts();
      const missing = await revoke({});
      const unknownField = await revoke({ token: 'x', colour: 'red' });
      const empty = await revoke({ token: '' });
      const tooLong = await revoke({ token: 'x'.repeat(9000) });
      const json = await postJson(auth.url, '/api/v1/auth/revoke', { token: 'x' });
      for (const res of [missing, unknownField, empty, tooLong]) {
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ error: 'invalid_request', status: 400 });
      }
      expect(json.status).toBe(415);
      expect(await counts()).toEqual(before);
    });
  });

  describe('introspection (RFC 7662)', () => {
    it('when a service with tokens:introspect asks about an active access token, then every member is given', async () => {
      const { id, email, tokens } = await registerAndLogin(auth.url);
      const res = await asGateway(tokens.access_token);
      const claims = decodeJwt(tokens.access_token);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toEqual({
        active: true,
        token_type: 'Bearer',
        sub: id,
        iss: claims.iss,
        aud: claims.aud,
        exp: claims.exp,
        iat: claims.iat,
        jti: claims.jti,
        sid: claims.sid,
        username: email,
      });
    });

    it('when a refresh token is introspected, then it is described as a refresh_token of its session', async () => {
      const { id, tokens } = await registerAndLogin(auth.url);
      const res = await asGateway(tokens.refresh_token);
      expect(res.body).toMatchObject({
        active: true,
        token_type: 'refresh_token',
        sub: id,
        sid: decodeJwt(tokens.access_token).sid,
        exp: expect.any(Number),
      });
    });

    it('when a confidential client asks, then its own token is active with client_id and scope; others are not', async () => {
      const { id, tokens } = await registerAndLogin(auth.url);
      const shopToken = await signUser(id, { client: 'shop-server' });
      expect((await introspect(shopToken)).body).toMatchObject({
        active: true,
        client_id: 'shop-server',
        scope: 'openid',
      });
      expect((await introspect(tokens.access_token)).body).toEqual({ active: false });
      const other = { authorization: basic('other-server', `${SECRET}-other`) };
      expect((await introspect(shopToken, other)).body).toEqual({ active: false });
    });

    it('when the token is expired, badly signed, for another audience, unknown or spent, then {active: false}', async () => {
      const { id, tokens } = await registerAndLogin(auth.url);
      const expired = await signUser(id, { issuedAgoSeconds: 600 });
      const otherAudience = await signUser(id, { audience: 'someone-else' });
      const [header, payload, signature] = tokens.access_token.split('.');
      const forged = `${header}.${payload}.${signature!.slice(0, -4)}AAAA`;
      await postJson(auth.url, '/api/v1/auth/refresh', { refresh_token: tokens.refresh_token });
      for (const token of [
        expired,
        otherAudience,
        forged,
        'unknown-refresh-token',
        tokens.refresh_token,
      ]) {
        const res = await asGateway(token);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ active: false });
      }
    });

    it('when the account is disabled, then its access and refresh tokens are inactive', async () => {
      const { id, tokens } = await registerAndLogin(auth.url);
      await createAccountRepository(auth.database.db, Date.now).update(id, { status: 'disabled' });
      expect((await asGateway(tokens.access_token)).body).toEqual({ active: false });
      expect((await asGateway(tokens.refresh_token)).body).toEqual({ active: false });
    });

    it('when the caller is not allowed, then 401 invalid_client', async () => {
      const { tokens } = await registerAndLogin(auth.url);
      const userService = await serviceToken(auth.url, 'user-service');
      const refused = [
        await introspect(tokens.access_token, {}),
        await introspect(tokens.access_token, { authorization: basic('shop-server', 'wrong') }),
        await postForm(auth.url, '/api/v1/auth/introspect', {
          token: tokens.access_token,
          client_id: 'spa',
        }),
        await introspect(tokens.access_token, { authorization: `Bearer ${userService}` }),
        await introspect(tokens.access_token, { authorization: `Bearer ${tokens.access_token}` }),
      ];
      for (const res of refused) {
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ error: 'invalid_client', status: 401 });
        expect(res.body.active).toBeUndefined();
      }
    });

    it('when the request is malformed, then 400 invalid_request, never a 500', async () => {
      const forms: Record<string, string>[] = [{}, { token: '' }, { token: 'x', extra: 'y' }];
      for (const form of forms) {
        const res = await postForm(auth.url, '/api/v1/auth/introspect', form, SHOP);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ error: 'invalid_request' });
      }
    });
  });

  describe('logout and sign out everywhere', () => {
    it('when one session logs out, then it ends and another session of the same user keeps working', async () => {
      const { id, email, password, tokens: first } = await registerAndLogin(auth.url);
      const second = (await postJson(auth.url, '/api/v1/auth/login', { email, password })).body;

      const res = await postJson(auth.url, '/api/v1/auth/logout', {
        refresh_token: first.refresh_token,
      });

      expect(res.status).toBe(204);
      expect((await asGateway(first.access_token)).body.active).toBe(false);
      expect((await asGateway(second.access_token)).body.active).toBe(true);
      const refreshed = await postJson(auth.url, '/api/v1/auth/refresh', {
        refresh_token: second.refresh_token,
      });
      expect(refreshed.status).toBe(200);
      expect(await lastEvent()).toMatchObject({
        type: 'session.revoked',
        data: { sessionId: decodeJwt(first.access_token).sid, accountId: id },
      });
    });

    it('when a user signs out everywhere, then every session ends and account.signed_out is in the outbox', async () => {
      const { id, email, password, tokens: first } = await registerAndLogin(auth.url);
      const second = (await postJson(auth.url, '/api/v1/auth/login', { email, password })).body;
      const before = await counts();

      const res = await postJson(
        auth.url,
        '/api/v1/auth/logout-all',
        {},
        {
          authorization: `Bearer ${second.access_token}`,
        },
      );

      expect(res.status).toBe(204);
      for (const token of [first.access_token, second.access_token, first.refresh_token]) {
        expect((await asGateway(token)).body.active).toBe(false);
      }
      expect(
        (await postJson(auth.url, '/api/v1/auth/refresh', { refresh_token: second.refresh_token }))
          .status,
      ).toBe(401);
      expect(await counts()).toEqual({
        ...before,
        signOuts: before.signOuts + 1,
        outbox: before.outbox + 1,
      });
      const event = await lastEvent();
      expect(event).toEqual({
        type: 'account.signed_out',
        data: { accountId: id, before: expect.any(Number), expiresAt: expect.any(Number) },
      });
      expect(event.data.before).toBeGreaterThanOrEqual(decodeJwt(second.access_token).iat!);

      // A login at once, in the same second as the cut-off, is not refused by it.
      const again = (await postJson(auth.url, '/api/v1/auth/login', { email, password })).body;
      expect(decodeJwt(again.access_token).iat).toBeGreaterThan(event.data.before);
      expect((await asGateway(again.access_token)).body.active).toBe(true);
      const refreshed = await postJson(auth.url, '/api/v1/auth/refresh', {
        refresh_token: again.refresh_token,
      });
      expect(refreshed.status).toBe(200);
    });

    it('when a spent refresh token is presented again, then the session ends, its newest access token too', async () => {
      const { tokens } = await registerAndLogin(auth.url);
      const next = await postJson(auth.url, '/api/v1/auth/refresh', {
        refresh_token: tokens.refresh_token,
      });
      expect((await asGateway(next.body.access_token)).body.active).toBe(true);

      const replay = await postJson(auth.url, '/api/v1/auth/refresh', {
        refresh_token: tokens.refresh_token,
      });

      expect(replay.status).toBe(401);
      expect((await asGateway(next.body.access_token)).body).toEqual({ active: false });
      expect((await lastEvent()).type).toBe('session.revoked');
      const before = await counts();
      // Presented again, a revoked family writes nothing more.
      await postJson(auth.url, '/api/v1/auth/refresh', { refresh_token: tokens.refresh_token });
      await revoke({ token: tokens.refresh_token });
      expect(await counts()).toEqual(before);
    });

    it('when a revoked token reaches the auth service itself, then it is refused there too', async () => {
      const { tokens } = await registerAndLogin(auth.url);
      await revoke({ token: tokens.access_token });
      const before = await counts();
      const res = await postJson(
        auth.url,
        '/api/v1/auth/logout-all',
        {},
        { authorization: `Bearer ${tokens.access_token}` },
      );
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
      expect(await counts()).toEqual(before);
    });

    it('when logout-all has no user token, then 401 or 403 and nothing is written', async () => {
      const before = await counts();
      const none = await postJson(auth.url, '/api/v1/auth/logout-all', {});
      const service = await postJson(
        auth.url,
        '/api/v1/auth/logout-all',
        {},
        {
          authorization: `Bearer ${gatewayToken}`,
        },
      );
      const garbage = await postJson(
        auth.url,
        '/api/v1/auth/logout-all',
        {},
        {
          authorization: 'Bearer nope',
        },
      );
      expect([none.status, service.status, garbage.status]).toEqual([401, 403, 401]);
      expect(await counts()).toEqual(before);
    });
  });

  describe('GET /internal/v1/revocations', () => {
    it('when a verifier starts, then it can list every revocation still in force', async () => {
      const { id, tokens } = await registerAndLogin(auth.url);
      await revoke({ token: tokens.access_token });
      const res = await fetch(`${auth.url}/internal/v1/revocations`, {
        headers: { authorization: `Bearer ${await serviceToken(auth.url, 'inventory-service')}` },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown[]>;
      expect(body.tokens).toContainEqual({
        jti: decodeJwt(tokens.access_token).jti,
        accountId: id,
        expiresAt: expect.any(Number),
      });
      expect(Array.isArray(body.sessions) && Array.isArray(body.signOuts)).toBe(true);
    });

    it('when the caller lacks revocations:read, then it is refused', async () => {
      const { tokens } = await registerAndLogin(auth.url);
      const noScope = await serviceToken(auth.url, 'gateway', 'users:read');
      const user = await fetch(`${auth.url}/internal/v1/revocations`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      const scoped = await fetch(`${auth.url}/internal/v1/revocations`, {
        headers: { authorization: `Bearer ${noScope}` },
      });
      const anonymous = await fetch(`${auth.url}/internal/v1/revocations`);
      expect([user.status, scoped.status, anonymous.status]).toEqual([403, 403, 401]);
    });
  });
});
