import { ADMIN, call, type System, startSystem, within } from './support/system.js';

describe('users through the gateway', () => {
  let system: System;
  let adminToken: string;
  beforeAll(async () => {
    system = await startSystem();
    adminToken = (await call(system.gateway, '/api/v1/auth/login', { body: ADMIN })).body
      .access_token;
  });
  afterAll(() => system.stop());

  async function newUser(name = 'Ada') {
    const email = `user-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
    const password = 'a long enough password';
    const reg = await call(system.gateway, '/api/v1/auth/register', {
      body: { email, password, name },
    });
    const login = await call(system.gateway, '/api/v1/auth/login', { body: { email, password } });
    return {
      id: reg.body.id as string,
      email,
      password,
      token: login.body.access_token as string,
      refresh: login.body.refresh_token as string,
    };
  }

  it('when a user changes their name, then their profile shows it and others cannot see it', async () => {
    const ada = await newUser('Ada');
    const bob = await newUser('Bob');
    const patched = await call(system.gateway, '/api/v1/users/me', {
      method: 'PATCH',
      body: { name: 'Ada L.' },
      token: ada.token,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe('Ada L.');
    expect(
      (await call(system.gateway, `/api/v1/users/${ada.id}`, { token: bob.token })).status,
    ).toBe(404);
    expect((await call(system.gateway, '/api/v1/users', { token: bob.token })).status).toBe(403);
    const asAdmin = await call(system.gateway, `/api/v1/users/${ada.id}`, { token: adminToken });
    expect(asAdmin.body).toMatchObject({ id: ada.id, name: 'Ada L.', status: 'active' });
  });

  it('when a client sends server-owned fields, then the request is refused and nothing changes', async () => {
    const ada = await newUser();
    const res = await call(system.gateway, '/api/v1/users/me', {
      method: 'PATCH',
      body: { name: 'x', status: 'disabled', roles: ['admin'] },
      token: ada.token,
    });
    expect(res.status).toBe(400);
    const me = await call(system.gateway, '/api/v1/users/me', { token: ada.token });
    expect(me.body).toMatchObject({ status: 'active', name: 'Ada' });
  });

  it('when an admin disables a user, then the edge refuses their valid token within a second, and enabling lets them back', async () => {
    const ada = await newUser();
    expect((await call(system.gateway, '/api/v1/users/me', { token: ada.token })).status).toBe(200);

    const disabled = await call(system.gateway, `/api/v1/users/${ada.id}/disable`, {
      method: 'POST',
      token: adminToken,
    });
    expect(disabled.body.status).toBe('disabled');
    await within(1000, async () => {
      const res = await call(system.gateway, '/api/v1/orders', { token: ada.token });
      return res.status === 403 && res.body.code === 'USER_DISABLED';
    });
    // The auth service hears of it too: no new tokens, and the refresh family is gone.
    await within(2000, async () => {
      const login = await call(system.gateway, '/api/v1/auth/login', {
        body: { email: ada.email, password: ada.password },
      });
      return login.status === 401;
    });
    expect(
      (await call(system.gateway, '/api/v1/auth/refresh', { body: { refresh_token: ada.refresh } }))
        .status,
    ).toBe(401);

    await call(system.gateway, `/api/v1/users/${ada.id}/enable`, {
      method: 'POST',
      token: adminToken,
    });
    await within(
      1000,
      async () =>
        (await call(system.gateway, '/api/v1/orders', { token: ada.token })).status === 200,
    );
    await within(2000, async () => {
      const login = await call(system.gateway, '/api/v1/auth/login', {
        body: { email: ada.email, password: ada.password },
      });
      return login.status === 200;
    });
  });

  it('when a non-admin tries to disable someone, then it is refused and nothing changes', async () => {
    const ada = await newUser();
    const bob = await newUser();
    const res = await call(system.gateway, `/api/v1/users/${bob.id}/disable`, {
      method: 'POST',
      token: ada.token,
    });
    expect(res.status).toBe(403);
    expect((await call(system.gateway, '/api/v1/users/me', { token: bob.token })).body.status).toBe(
      'active',
    );
  });
});
