import { adminToken, expectInvariant, newProduct, newShopper, product, settled } from './shop.js';
import { call, type System, type SystemOptions, startSystem } from './system.js';

/**
 * The saga's behaviour, the same over both event transports and both databases;
 * `parts` adds production parts beyond Redis (PostgreSQL per service).
 */
export function sagaSuite(
  mode: 'embedded' | 'redis' | 'postgres+redis',
  redisUrl?: string,
  parts: Pick<SystemOptions, 'postgres'> = {},
) {
  describe(`the order saga through the gateway (${mode} mode)`, () => {
    let system: System;
    let admin: string;
    beforeAll(async () => {
      system = await startSystem({ redisUrl, ...parts });
      admin = await adminToken(system.gateway);
    });
    afterAll(() => system.stop());

    it('when a new user orders at once, then the order is confirmed with the right total and stock is held', async () => {
      const sku = await newProduct(system.gateway, admin, 10, 300);
      const ada = await newShopper(system.gateway);
      const listed = await call(system.gateway, '/api/v1/inventory/products?limit=100', {
        token: ada.token,
      });
      expect(listed.body.items.map((p: { sku: string }) => p.sku)).toContain('SKU-KEYBOARD');

      const placed = await call(system.gateway, '/api/v1/orders', {
        body: { items: [{ sku, quantity: 3 }] },
        token: ada.token,
      });
      expect(placed.status).toBe(202);
      expect(placed.body.status).toBe('pending');
      expect(placed.headers.get('location')).toBe(`/api/v1/orders/${placed.body.id}`);

      const done = await settled(system.gateway, ada, placed.body.id);
      expect(done).toMatchObject({ status: 'confirmed', totalCents: 900 });
      expect(done.history.map((h) => (h as { status: string }).status)).toEqual([
        'pending',
        'confirmed',
      ]);
      expect(await product(system.gateway, sku)).toMatchObject({ available: 7, reserved: 3 });
    });

    it('when a line is out of stock, then the order is rejected with a reason and no stock moves', async () => {
      const plenty = await newProduct(system.gateway, admin, 10);
      const scarce = await newProduct(system.gateway, admin, 1);
      const ada = await newShopper(system.gateway);
      const placed = await call(system.gateway, '/api/v1/orders', {
        body: {
          items: [
            { sku: plenty, quantity: 2 },
            { sku: scarce, quantity: 2 },
          ],
        },
        token: ada.token,
      });
      const done = await settled(system.gateway, ada, placed.body.id);
      expect(done.status).toBe('rejected');
      expect(done.reason).toContain(scarce);
      expect(await product(system.gateway, plenty)).toMatchObject({ available: 10, reserved: 0 });
      expect(await product(system.gateway, scarce)).toMatchObject({ available: 1, reserved: 0 });
    });

    it('when an order names an unknown sku, then it is rejected', async () => {
      const ada = await newShopper(system.gateway);
      const placed = await call(system.gateway, '/api/v1/orders', {
        body: { items: [{ sku: 'SKU-NO-SUCH-THING', quantity: 1 }] },
        token: ada.token,
      });
      expect((await settled(system.gateway, ada, placed.body.id)).status).toBe('rejected');
    });

    it('when a confirmed order is cancelled, then it is cancelled and its stock comes back', async () => {
      const sku = await newProduct(system.gateway, admin, 5);
      const ada = await newShopper(system.gateway);
      const placed = await call(system.gateway, '/api/v1/orders', {
        body: { items: [{ sku, quantity: 2 }] },
        token: ada.token,
      });
      await settled(system.gateway, ada, placed.body.id);
      const cancelled = await call(system.gateway, `/api/v1/orders/${placed.body.id}/cancel`, {
        method: 'POST',
        token: ada.token,
      });
      expect(cancelled.body.status).toBe('cancelled');
      let stock = await product(system.gateway, sku);
      for (let i = 0; i < 100 && stock.reserved !== 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        stock = await product(system.gateway, sku);
      }
      expect(stock).toMatchObject({ available: 5, reserved: 0 });
      const again = await call(system.gateway, `/api/v1/orders/${placed.body.id}/cancel`, {
        method: 'POST',
        token: ada.token,
      });
      expect(again.body.status).toBe('cancelled');
    });

    it('when the same Idempotency-Key is sent twice, then there is one order and one reservation', async () => {
      const sku = await newProduct(system.gateway, admin, 10);
      const ada = await newShopper(system.gateway);
      const send = () =>
        call(system.gateway, '/api/v1/orders', {
          body: { items: [{ sku, quantity: 4 }] },
          token: ada.token,
          headers: { 'idempotency-key': 'retry-me-1' },
        });
      const [first, second] = await Promise.all([send(), send()]);
      expect(first.body.id).toBe(second.body.id);
      await settled(system.gateway, ada, first.body.id);
      const mine = await call(system.gateway, '/api/v1/orders', { token: ada.token });
      expect(mine.body.items).toHaveLength(1);
      expect(await product(system.gateway, sku)).toMatchObject({ available: 6, reserved: 4 });
      const different = await call(system.gateway, '/api/v1/orders', {
        body: { items: [{ sku, quantity: 1 }] },
        token: ada.token,
        headers: { 'idempotency-key': 'retry-me-1' },
      });
      expect(different.status).toBe(422);
    });

    it('when another user asks for my order, then they get 404, cannot cancel it, and do not see it listed', async () => {
      const sku = await newProduct(system.gateway, admin, 5);
      const ada = await newShopper(system.gateway);
      const bob = await newShopper(system.gateway);
      const placed = await call(system.gateway, '/api/v1/orders', {
        body: { items: [{ sku, quantity: 1 }] },
        token: ada.token,
      });
      const id = placed.body.id;
      expect(
        (await call(system.gateway, `/api/v1/orders/${id}`, { token: bob.token })).status,
      ).toBe(404);
      expect(
        (
          await call(system.gateway, `/api/v1/orders/${id}/cancel`, {
            method: 'POST',
            token: bob.token,
          })
        ).status,
      ).toBe(404);
      expect(
        (await call(system.gateway, '/api/v1/orders', { token: bob.token })).body.items,
      ).toEqual([]);
      expect((await call(system.gateway, `/api/v1/orders/${id}`, { token: admin })).status).toBe(
        200,
      );
    });

    it('when a user is disabled, then their order is refused with 403, and after enabling it works', async () => {
      const sku = await newProduct(system.gateway, admin, 5);
      const ada = await newShopper(system.gateway);
      await call(system.gateway, `/api/v1/users/${ada.id}/disable`, {
        method: 'POST',
        token: admin,
      });
      // Straight to the order service, past the gateway's own check: the service refuses on its own.
      let refused = await call(system.order, '/api/v1/orders', {
        body: { items: [{ sku, quantity: 1 }] },
        token: ada.token,
      });
      for (let i = 0; i < 50 && refused.status !== 403; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        refused = await call(system.order, '/api/v1/orders', {
          body: { items: [{ sku, quantity: 1 }] },
          token: ada.token,
        });
      }
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('USER_DISABLED');
      await call(system.gateway, `/api/v1/users/${ada.id}/enable`, {
        method: 'POST',
        token: admin,
      });
      let accepted = await call(system.order, '/api/v1/orders', {
        body: { items: [{ sku, quantity: 1 }] },
        token: ada.token,
      });
      for (let i = 0; i < 50 && accepted.status !== 202; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        accepted = await call(system.order, '/api/v1/orders', {
          body: { items: [{ sku, quantity: 1 }] },
          token: ada.token,
        });
      }
      expect(accepted.status).toBe(202);
    });

    it('when user-service is down and the user is not cached, then the order is refused with 503 and Retry-After, and nothing is written', async () => {
      const sku = await newProduct(system.gateway, admin, 5);
      const ada = await newShopper(system.gateway);
      system.takeDown('user');
      try {
        const refused = await call(system.order, '/api/v1/orders', {
          body: { items: [{ sku, quantity: 1 }] },
          token: ada.token,
        });
        expect(refused.status).toBe(503);
        expect(refused.body.code).toBe('USER_SERVICE_UNAVAILABLE');
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      } finally {
        system.bringUp('user');
      }
      expect((await call(system.order, '/api/v1/orders', { token: ada.token })).body.items).toEqual(
        [],
      );
      expect(await product(system.gateway, sku)).toMatchObject({ available: 5, reserved: 0 });
    });

    it.each([
      ['malformed JSON', '{"items": [', 400],
      ['no items', { items: [] }, 400],
      ['a zero quantity', { items: [{ sku: 'SKU-MOUSE', quantity: 0 }] }, 400],
      ['a negative quantity', { items: [{ sku: 'SKU-MOUSE', quantity: -1 }] }, 400],
      ['a huge quantity', { items: [{ sku: 'SKU-MOUSE', quantity: 1e12 }] }, 400],
      ['a fractional quantity', { items: [{ sku: 'SKU-MOUSE', quantity: 1.5 }] }, 400],
      ['a string quantity', { items: [{ sku: 'SKU-MOUSE', quantity: '1' }] }, 400],
      [
        'a duplicate sku',
        {
          items: [
            { sku: 'SKU-MOUSE', quantity: 1 },
            { sku: 'SKU-MOUSE', quantity: 2 },
          ],
        },
        400,
      ],
      [
        '10k items',
        { items: Array.from({ length: 10_000 }, (_, i) => ({ sku: `S${i}`, quantity: 1 })) },
        413,
      ],
      [
        'an unknown field',
        { items: [{ sku: 'SKU-MOUSE', quantity: 1 }], status: 'confirmed' },
        400,
      ],
      [
        'a server-owned field in a line',
        { items: [{ sku: 'SKU-MOUSE', quantity: 1, unitPriceCents: 0 }] },
        400,
      ],
      [
        'a userId',
        {
          items: [{ sku: 'SKU-MOUSE', quantity: 1 }],
          userId: '00000000-0000-4000-8000-000000000000',
        },
        400,
      ],
    ])(
      'when the order has %s, then it is a %i problem and nothing is written',
      async (_what, body, status) => {
        const ada = await newShopper(system.gateway);
        const res = await fetch(`${system.gateway}/api/v1/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ada.token}` },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        });
        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
        expect(
          (await call(system.gateway, '/api/v1/orders', { token: ada.token })).body.items,
        ).toEqual([]);
      },
    );

    it('when 200 orders from several users race for a few scarce products, then the invariant holds exactly', async () => {
      const stock = {
        [await newProduct(system.gateway, admin, 15)]: 15,
        [await newProduct(system.gateway, admin, 7)]: 7,
        [await newProduct(system.gateway, admin, 30)]: 30,
      };
      const skus = Object.keys(stock);
      const shoppers = await Promise.all(
        Array.from({ length: 8 }, () => newShopper(system.gateway)),
      );
      const placed = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const shopper = shoppers[i % shoppers.length]!;
          const items = [{ sku: skus[i % 3]!, quantity: 1 + (i % 3) }];
          if (i % 5 === 0) items.push({ sku: skus[(i + 1) % 3]!, quantity: 1 });
          const res = await call(system.gateway, '/api/v1/orders', {
            body: { items },
            token: shopper.token,
          });
          expect(res.status).toBe(202);
          return { shopper, id: res.body.id as string };
        }),
      );
      const settledOrders = [];
      for (const { shopper, id } of placed)
        settledOrders.push(await settled(system.gateway, shopper, id, 20_000));
      const statuses = new Set(settledOrders.map((o) => o.status));
      expect([...statuses].every((s) => s === 'confirmed' || s === 'rejected')).toBe(true);
      expect(statuses.has('confirmed')).toBe(true);
      await expectInvariant(system.gateway, stock, settledOrders as never);
    }, 60_000);
  });
}
