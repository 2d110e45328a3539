import { createPortico, PorticoError, unwrap } from '@portico/sdk';
import { adminClient } from './shop.js';
import { call, type System, type SystemOptions, startSystem } from './system.js';

/**
 * Registration, login, refresh, logout and the admin's product write, through
 * the SDK as a client uses them; the same in every mode (`options` picks the
 * production parts). Forged and missing tokens go over raw HTTP.
 */
export function loginFlowSuite(mode: string, options: SystemOptions = {}) {
  describe(`the login flow through the gateway (${mode} mode)`, () => {
    let system: System;
    beforeAll(async () => {
      system = await startSystem(options);
    });
    afterAll(() => system.stop());

    it('when a user registers, logs in, refreshes and logs out, then each step holds across services', async () => {
      const portico = createPortico({ baseUrl: system.gateway });
      const email = `flow-${Date.now()}@example.com`;
      const password = 'a long enough password';

      const account = await portico.session.register({ email, password, name: 'Grace' });
      const first = await portico.session.login({ email, password });

      // user-service verifies the token itself and has the profile at once, with no wait.
      expect(unwrap(await portico.users.GET('/api/v1/users/me'))).toEqual({
        id: account.id,
        email,
        name: 'Grace',
        status: 'active',
      });

      // So do the other services, called directly: none trusts the gateway for identity.
      const direct = { headers: { authorization: `Bearer ${first.access_token}` } };
      const orders = createPortico({ baseUrl: system.order }).orders;
      expect(unwrap(await orders.GET('/api/v1/orders', direct))).toEqual({
        items: [],
        nextCursor: null,
      });
      const users = createPortico({ baseUrl: system.user }).users;
      expect((await users.GET('/api/v1/users/me', direct)).response.status).toBe(200);

      const second = await portico.session.refresh();
      expect(second?.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(second?.access_token).not.toBe(first.access_token);
      expect((await portico.users.GET('/api/v1/users/me')).response.status).toBe(200);

      // Reusing a rotated refresh token revokes its whole family, successor included.
      const refresh = (token: string) =>
        portico.auth.POST('/api/v1/auth/refresh', { body: { refresh_token: token } });
      expect((await refresh(first.refresh_token)).response.status).toBe(401);
      expect((await refresh(second!.refresh_token)).response.status).toBe(401);

      const again = await portico.session.login({ email, password });
      await portico.session.logout();
      expect(await portico.session.tokens()).toBeUndefined();
      const afterLogout = await refresh(again.refresh_token);
      expect(afterLogout.response.status).toBe(401);
      expect(afterLogout.error?.code).toBe('INVALID_REFRESH_TOKEN');
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
      const admin = await adminClient(system.gateway);
      const product = { sku: `SKU-E2E-${Date.now()}`, name: 'Test', priceCents: 100, stock: 5 };
      const created = await admin.inventory.POST('/api/v1/inventory/products', { body: product });
      expect(created.response.status).toBe(201);

      const anonymous = createPortico({ baseUrl: system.gateway });
      const read = await anonymous.inventory.GET('/api/v1/inventory/products/{sku}', {
        params: { path: { sku: product.sku } },
      });
      expect(unwrap(read)).toEqual({
        sku: product.sku,
        name: 'Test',
        priceCents: 100,
        available: 5,
        reserved: 0,
      });

      const plain = createPortico({ baseUrl: system.gateway });
      const email = `plain-${Date.now()}@example.com`;
      await plain.session.register({ email, password: 'password-123', name: 'P' });
      await plain.session.login({ email, password: 'password-123' });
      const refused = await plain.inventory.POST('/api/v1/inventory/products', {
        body: { ...product, sku: 'SKU-NOPE' },
      });
      expect(refused.response.status).toBe(403);
      expect(() => unwrap(refused)).toThrow(PorticoError);
    });
  });
}
