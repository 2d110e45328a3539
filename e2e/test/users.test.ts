import { createPortico, type Portico, unwrap } from '@portico/sdk';
import { eventually } from '@portico/test-kit';
import { adminClient, newShopper, type Shopper } from './support/shop.js';
import { call, type System, startSystem } from './support/system.js';

describe('users through the gateway', () => {
  let system: System;
  let admin: Portico;
  beforeAll(async () => {
    system = await startSystem();
    admin = await adminClient(system.gateway);
  });
  afterAll(() => system.stop());

  const user = (id: string) => ({ params: { path: { id } } });
  /** A fresh client's login, as its status: no session is kept. */
  const loginStatus = async ({ email, password }: Shopper) =>
    (
      await createPortico({ baseUrl: system.gateway }).auth.POST('/api/v1/auth/login', {
        body: { email, password },
      })
    ).response.status;

  it('when a user changes their name, then their profile shows it and others cannot see it', async () => {
    const ada = await newShopper(system.gateway, 'Ada');
    const bob = await newShopper(system.gateway, 'Bob');
    const patched = unwrap(
      await ada.portico.users.PATCH('/api/v1/users/me', { body: { name: 'Ada L.' } }),
    );
    expect(patched.name).toBe('Ada L.');
    const peek = await bob.portico.users.GET('/api/v1/users/{id}', user(ada.id));
    expect(peek.response.status).toBe(404);
    expect((await bob.portico.users.GET('/api/v1/users')).response.status).toBe(403);
    expect(unwrap(await admin.users.GET('/api/v1/users/{id}', user(ada.id)))).toMatchObject({
      id: ada.id,
      name: 'Ada L.',
      status: 'active',
    });
  });

  it('when a client sends server-owned fields, then the request is refused and nothing changes', async () => {
    const ada = await newShopper(system.gateway, 'Ada');
    // Raw HTTP: the SDK's types do not let a client send these fields at all.
    const res = await call(system.gateway, '/api/v1/users/me', {
      method: 'PATCH',
      body: { name: 'x', status: 'disabled', roles: ['admin'] },
      token: ada.token,
    });
    expect(res.status).toBe(400);
    expect(unwrap(await ada.portico.users.GET('/api/v1/users/me'))).toMatchObject({
      status: 'active',
      name: 'Ada',
    });
  });

  it('when an admin disables a user, then the edge refuses their valid token within a second, and enabling lets them back', async () => {
    const ada = await newShopper(system.gateway);
    const refreshToken = (await ada.portico.session.tokens())!.refresh_token;
    expect((await ada.portico.users.GET('/api/v1/users/me')).response.status).toBe(200);

    const disabled = unwrap(await admin.users.POST('/api/v1/users/{id}/disable', user(ada.id)));
    expect(disabled.status).toBe('disabled');
    await eventually(
      'her orders refused as USER_DISABLED',
      async () => {
        const { response, error } = await ada.portico.orders.GET('/api/v1/orders');
        return response.status === 403 && error?.code === 'USER_DISABLED';
      },
      { timeoutMs: 1000 },
    );
    // The auth service hears of it too: no new tokens, and the refresh family is gone.
    await eventually('her login refused', async () => (await loginStatus(ada)) === 401, {
      timeoutMs: 2000,
    });
    const refreshed = await ada.portico.auth.POST('/api/v1/auth/refresh', {
      body: { refresh_token: refreshToken },
    });
    expect(refreshed.response.status).toBe(401);

    unwrap(await admin.users.POST('/api/v1/users/{id}/enable', user(ada.id)));
    await eventually(
      'her orders served again',
      async () => (await ada.portico.orders.GET('/api/v1/orders')).response.status === 200,
      { timeoutMs: 1000 },
    );
    await eventually('her login accepted again', async () => (await loginStatus(ada)) === 200, {
      timeoutMs: 2000,
    });
  });

  it('when a non-admin tries to disable someone, then it is refused and nothing changes', async () => {
    const ada = await newShopper(system.gateway);
    const bob = await newShopper(system.gateway);
    const refused = await ada.portico.users.POST('/api/v1/users/{id}/disable', user(bob.id));
    expect(refused.response.status).toBe(403);
    expect(unwrap(await bob.portico.users.GET('/api/v1/users/me')).status).toBe('active');
  });

  it('when an admin disables their own account, then it is a 409 CANNOT_DISABLE_SELF and they stay active', async () => {
    const me = unwrap(await admin.users.GET('/api/v1/users/me'));
    const refused = await admin.users.POST('/api/v1/users/{id}/disable', user(me.id));
    expect(refused.response.status).toBe(409);
    expect(refused.error).toMatchObject({ status: 409, code: 'CANNOT_DISABLE_SELF' });
    expect(unwrap(await admin.users.GET('/api/v1/users/me')).status).toBe('active');
  });
});
