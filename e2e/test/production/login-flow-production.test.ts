import { ADMIN, call, type System, startSystem } from '../support/system.js';
import { productionParts } from './production-env.js';

const parts = productionParts('Login flow on PostgreSQL + Redis');
const describeIf = parts ? describe : describe.skip;

describeIf('the login flow through the gateway (postgres+redis mode)', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem({
      redisUrl: parts!.redisUrl,
      postgres: { adminUrl: parts!.adminUrl },
    });
  });
  afterAll(() => system.stop());

  it('when a user registers, logs in, refreshes and logs out, then each step holds across services', async () => {
    const { gateway } = system;
    const email = `pg-flow-${Date.now()}@example.com`;
    const password = 'a long enough password';

    const registered = await call(gateway, '/api/v1/auth/register', {
      body: { email, password, name: 'Grace' },
    });
    expect(registered.status).toBe(201);
    const login = await call(gateway, '/api/v1/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    const { access_token: accessToken, refresh_token: refreshToken } = login.body;

    const me = await call(gateway, '/api/v1/users/me', { token: accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: registered.body.id, email, name: 'Grace', status: 'active' });
    expect((await call(system.order, '/api/v1/orders', { token: accessToken })).body).toEqual({
      items: [],
      nextCursor: null,
    });

    const refreshed = await call(gateway, '/api/v1/auth/refresh', {
      body: { refresh_token: refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(
      (await call(gateway, '/api/v1/users/me', { token: refreshed.body.access_token })).status,
    ).toBe(200);
    // Reusing a rotated refresh token revokes its whole family, successor included.
    expect(
      (await call(gateway, '/api/v1/auth/refresh', { body: { refresh_token: refreshToken } }))
        .status,
    ).toBe(401);
    expect(
      (
        await call(gateway, '/api/v1/auth/refresh', {
          body: { refresh_token: refreshed.body.refresh_token },
        })
      ).status,
    ).toBe(401);

    const relogin = await call(gateway, '/api/v1/auth/login', { body: { email, password } });
    const out = await call(gateway, '/api/v1/auth/logout', {
      body: { refresh_token: relogin.body.refresh_token },
    });
    expect(out.status).toBe(204);
    expect(
      (
        await call(gateway, '/api/v1/auth/refresh', {
          body: { refresh_token: relogin.body.refresh_token },
        })
      ).status,
    ).toBe(401);
  });

  it('when the admin creates a product, then anyone can read it and a plain user cannot create one', async () => {
    const admin = await call(system.gateway, '/api/v1/auth/login', { body: ADMIN });
    expect(admin.status).toBe(200);
    const product = { sku: `SKU-PG-${Date.now()}`, name: 'Test', priceCents: 100, stock: 5 };
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

    const email = `pg-plain-${Date.now()}@example.com`;
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
