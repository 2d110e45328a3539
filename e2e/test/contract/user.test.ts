import { randomUUID } from 'node:crypto';
import { contractSuite, OVERSIZED, PLAIN_TEXT } from '../support/contract-suite.js';
import { ADMIN } from '../support/system.js';

const LIST = 'GET /api/v1/users';
const ME = 'GET /api/v1/users/me';
const UPDATE_ME = 'PATCH /api/v1/users/me';
const USER = 'GET /api/v1/users/{id}';
const DISABLE = 'POST /api/v1/users/{id}/disable';
const ENABLE = 'POST /api/v1/users/{id}/enable';
const INTERNAL_USER = 'GET /internal/v1/users/{id}';
const EVENTS = 'GET /internal/v1/events';

describe('user.yaml, against the running user service', () => {
  const suite = contractSuite('user');
  const { call } = suite;
  /** A real signed token for an account nobody registered. */
  const stranger = () => suite.system.signUserToken(randomUUID());

  it('when an admin pages through users, then 200 pages; a bad limit or cursor 400, no token 401, a non-admin 403', async () => {
    await suite.newUser();
    await suite.newUser();
    const token = await suite.adminToken();
    const first = await call(LIST, { query: { limit: 1 }, token });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await call(LIST, { query: { limit: 1, cursor: first.body.nextCursor }, token });
    expect(next.body.items[0].id).not.toBe(first.body.items[0].id);
    expect((await call(LIST, { query: { limit: 0 }, token })).status).toBe(400);
    expect((await call(LIST, { query: { cursor: 'not a cursor' }, token })).status).toBe(400);
    expect((await call(LIST)).status).toBe(401);
    expect((await call(LIST, { token: (await suite.newUser()).token })).status).toBe(403);
  });

  it('when a user reads their profile, then 200; no token 401, a service token 403, an unknown account 404', async () => {
    const ada = await suite.newUser('Ada');
    expect((await call(ME, { token: ada.token })).body).toMatchObject({ id: ada.id, name: 'Ada' });
    expect((await call(ME)).status).toBe(401);
    const service = await suite.serviceToken('order-service');
    expect((await call(ME, { token: service })).body.code).toBe('USER_TOKEN_REQUIRED');
    expect((await call(ME, { token: await stranger() })).status).toBe(404);
  });

  it('when a user renames themself, then 200; a bad body 400/413/415, no token 401, a service token 403, an unknown account 404', async () => {
    const ada = await suite.newUser('Ada');
    const renamed = await call(UPDATE_ME, { body: { name: 'Ada L.' }, token: ada.token });
    expect(renamed.body.name).toBe('Ada L.');
    const token = ada.token;
    expect((await call(UPDATE_ME, { body: { name: 'x', status: 'disabled' }, token })).status).toBe(
      400,
    );
    expect((await call(UPDATE_ME, { raw: OVERSIZED, token })).status).toBe(413);
    expect((await call(UPDATE_ME, { raw: PLAIN_TEXT, token })).status).toBe(415);
    expect((await call(UPDATE_ME, { body: { name: 'x' } })).status).toBe(401);
    const service = await suite.serviceToken('order-service');
    expect((await call(UPDATE_ME, { body: { name: 'x' }, token: service })).status).toBe(403);
    expect((await call(UPDATE_ME, { body: { name: 'x' }, token: await stranger() })).status).toBe(
      404,
    );
  });

  it('when a user or an admin reads a profile by id, then 200; anyone else 404, not a uuid 400, no token 401, a service token 403', async () => {
    const ada = await suite.newUser();
    const bob = await suite.newUser();
    const params = { id: ada.id };
    expect((await call(USER, { params, token: ada.token })).status).toBe(200);
    expect((await call(USER, { params, token: await suite.adminToken() })).status).toBe(200);
    expect((await call(USER, { params, token: bob.token })).status).toBe(404);
    expect((await call(USER, { params: { id: 'nope' }, token: ada.token })).status).toBe(400);
    expect((await call(USER, { params })).status).toBe(401);
    const service = await suite.serviceToken('order-service');
    expect((await call(USER, { params, token: service })).status).toBe(403);
  });

  it.each([
    [DISABLE, 'disabled'],
    [ENABLE, 'active'],
  ])(
    'when an admin calls %s, then 200 and the status; a non-admin 403, no token 401, unknown 404, not a uuid 400',
    async (key, status) => {
      const ada = await suite.newUser();
      const admin = await suite.adminToken();
      expect((await call(key, { params: { id: ada.id }, token: admin })).body.status).toBe(status);
      expect((await call(key, { params: { id: ada.id }, token: ada.token })).status).toBe(403);
      expect((await call(key, { params: { id: ada.id } })).status).toBe(401);
      expect((await call(key, { params: { id: randomUUID() }, token: admin })).status).toBe(404);
      expect((await call(key, { params: { id: 'nope' }, token: admin })).status).toBe(400);
    },
  );

  it('when a service reads the event feed, then 200 pages; 400 out of range, 401 without a token, 403 for a user', async () => {
    const token = await suite.serviceToken('gateway', 'events:read');
    expect((await call(EVENTS, { query: { after: 0 }, token })).body.source).toBe('user');
    expect((await call(EVENTS, { query: { after: 'latest' }, token })).status).toBe(200);
    expect((await call(EVENTS, { query: { waitMs: 30_000 }, token })).status).toBe(400);
    expect((await call(EVENTS)).status).toBe(401);
    expect((await call(EVENTS, { token: (await suite.newUser()).token })).status).toBe(403);
  });

  it('when a service reads a user, then 200 with users:read; 403 without it, 401 without a token, 404 unknown, 400 not a uuid', async () => {
    const ada = await suite.newUser();
    const token = await suite.serviceToken('order-service', 'users:read');
    const found = await call(INTERNAL_USER, { params: { id: ada.id }, token });
    expect(found.body).toMatchObject({ id: ada.id, status: 'active' });
    expect((await call(INTERNAL_USER, { params: { id: randomUUID() }, token })).status).toBe(404);
    expect((await call(INTERNAL_USER, { params: { id: 'nope' }, token })).status).toBe(400);
    expect((await call(INTERNAL_USER, { params: { id: ada.id } })).status).toBe(401);
    const other = await suite.serviceToken('inventory-service');
    expect((await call(INTERNAL_USER, { params: { id: ada.id }, token: other })).status).toBe(403);
  });

  // One case only: a stalled read costs three tries of UPSTREAM_TIMEOUT_MS (2 s each),
  // and then the breaker opens.
  it('when the auth service hangs and a profile is not stored here, then 504 UPSTREAM_TIMEOUT', async () => {
    const token = await stranger();
    // Warm the user service's own service token first, so only the account read stalls.
    expect((await call(ME, { token })).status).toBe(404);
    suite.system.stall('auth');
    try {
      expect((await call(ME, { token })).body.code).toBe('UPSTREAM_TIMEOUT');
    } finally {
      suite.system.bringUp('auth');
    }
  });

  // Last: the auth service goes down, and a profile the user service never stored cannot be read.
  it('when the auth service is down and a profile is not stored here, then 503 with Retry-After', async () => {
    const token = await stranger();
    const admin = await suite.adminToken();
    const service = await suite.serviceToken('order-service', 'users:read');
    const params = { id: randomUUID() };
    suite.system.takeDown('auth');
    try {
      const me = await call(ME, { token });
      expect(me.status).toBe(503);
      expect(me.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await call(USER, { params, token: admin })).status).toBe(503);
      expect((await call(DISABLE, { params, token: admin })).status).toBe(503);
      expect((await call(ENABLE, { params, token: admin })).status).toBe(503);
      expect((await call(INTERNAL_USER, { params, token: service })).status).toBe(503);
    } finally {
      suite.system.bringUp('auth');
    }
  });

  it("when the auth service's key set cannot be fetched, then every operation that verifies a token answers 503", async () => {
    const ada = await suite.newUser();
    const admin = await suite.login(ADMIN);
    const service = await suite.serviceToken('order-service', 'users:read events:read');
    const params = { id: ada.id };
    await suite.whileKeySetUnavailable(async () => {
      const answers = [
        await call(LIST, { token: admin }),
        await call(ME, { token: ada.token }),
        await call(UPDATE_ME, { body: { name: 'x' }, token: ada.token }),
        await call(USER, { params, token: ada.token }),
        await call(DISABLE, { params, token: admin }),
        await call(ENABLE, { params, token: admin }),
        await call(INTERNAL_USER, { params, token: service }),
        await call(EVENTS, { token: service }),
      ];
      expect(answers.map((res) => res.body.code)).toEqual(
        Array(answers.length).fill('AUTH_KEYS_UNAVAILABLE'),
      );
    });
  });

  suite.everyOperationExercised();
});
