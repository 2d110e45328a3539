import { ADMIN, call, type System, startSystem } from './support/system.js';

describe('the login flow through the gateway', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(() => system.stop());

  it('when a user registers, logs in, refreshes and logs out, then each step holds across services', async () => {
    const { gateway } = system;
    const email = `flow-${Date.now()}@example.com`;
    const password = 'a long enough password';

    const registered = await call(gateway, '/api/v1/auth/register', {
      body: { email, password, name: 'Grace' },
    });
    expect(registered.status).toBe(201);
    const login = await call(gateway, '/api/v1/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    const { access_token: accessToken, refresh_token: refreshToken } = login.body;

    // user-service verifies the token itself and has the profile at once, with no wait.
    const me = await call(gateway, '/api/v1/users/me', { token: accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: registered.body.id, email, name: 'Grace', status: 'active' });

    // So do the other services, called directly: none trusts the gateway for identity.
    expect((await call(system.order, '/api/v1/orders', { token: accessToken })).body).toEqual({
      items: [],
      nextCursor: null,
    });
    expect((await call(system.user, '/api/v1/users/me', { token: accessToken })).status).toBe(200);

    const refreshed = await call(gateway, '/api/v1/auth/refresh', {
      body: { refresh_token: refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(
      (await call(gateway, '/api/v1/users/me', { token: refreshed.body.access_token })).status,
    ).toBe(200);

    const reused = await call(gateway, '/api/v1/auth/refresh', {
      body: { refresh_token: refreshToken },
    });
    expect(reused.status).toBe(401);
    const successor = await call(gateway, '/api/v1/auth/refresh', {
      body: { refresh_token: refreshed.body.refresh_token },
    });
    expect(successor.status).toBe(401);

    const relogin = await call(gateway, '/api/v1/auth/login', { body: { email, password } });
    const out = await call(gateway, '/api/v1/auth/logout', {
      body: { refresh_token: relogin.body.refresh_token },
    });
    expect(out.status).toBe(204);
    const afterLogout = await call(gateway, '/api/v1/auth/refresh', {
      body: { refresh_token: relogin.body.refresh_token },
    });
    expect(afterLogout.status).toBe(401);
  });

  it('when a request has no token or a forged one, then every service refuses it with a challenge', async () => {
    const forged = 'eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4In0.';
    for (const [base, path] of [
      [system.user, '/api/v1/users/me'],
      [system.order, '/api/v1/orders'],
      [system.gateway, '/api/v1/users/me'],
    ] as const) {
      const none = await call(base, path);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const bad = await call(base, path, { token: forged });
      expect(bad.status).toBe(401);
      expect(bad.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    }
  });

  it('when the admin creates a product, then anyone can read it and a plain user cannot create one', async () => {
    const admin = await call(system.gateway, '/api/v1/auth/login', { body: ADMIN });
    const product = { sku: `SKU-E2E-${Date.now()}`, name: 'Test', priceCents: 100, stock: 5 };
    const created = await call(system.gateway, '/api/v1/inventory/products', {
      body: product,
      token: admin.body.access_token,
    });
    expect(created.status).toBe(201);
    const read = await call(system.gateway, `/api/v1/inventory/products/${product.sku}`);
    expect(read.body).toEqual({
      sku: product.sku,
      name: 'Test',
      priceCents: 100,
      available: 5,
      reserved: 0,
    });

    const email = `plain-${Date.now()}@example.com`;
    await call(system.gateway, '/api/v1/auth/register', {
      body: { email, password: 'password-123', name: 'P' },
    });
    const user = await call(system.gateway, '/api/v1/auth/login', {
      body: { email, password: 'password-123' },
    });
    const refused = await call(system.gateway, '/api/v1/inventory/products', {
      body: { ...product, sku: 'SKU-NOPE' },
      token: user.body.access_token,
    });
    expect(refused.status).toBe(403);
  });
});
