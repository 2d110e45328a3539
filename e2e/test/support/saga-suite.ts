import { unwrap } from '@portico/sdk';
import {
  adminClient,
  expectInvariant,
  newProduct,
  newShopper,
  product,
  type Shopper,
  settled,
} from './shop.js';
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
    let adminPortico: Awaited<ReturnType<typeof adminClient>>;
    beforeAll(async () => {
      system = await startSystem({ redisUrl, ...parts });
      adminPortico = await adminClient(system.gateway);
      admin = (await adminPortico.session.tokens())!.access_token;
    });
    /** Places an order through the SDK, as the shopper's own client would. */
    const place = (
      shopper: Shopper,
      items: { sku: string; quantity: number }[],
      idempotencyKey?: string,
    ) =>
      shopper.portico.orders.POST('/api/v1/orders', {
        body: { items },
        ...(idempotencyKey && { params: { header: { 'Idempotency-Key': idempotencyKey } } }),
      });
    const myOrders = async (shopper: Shopper) =>
      unwrap(await shopper.portico.orders.GET('/api/v1/orders')).items;
    afterAll(() => system.stop());

    it('when a new user orders at once, then the order is confirmed with the right total and stock is held', async () => {
      const sku = await newProduct(system.gateway, admin, 10, 300);
      const ada = await newShopper(system.gateway);
      const listed = unwrap(
        await ada.portico.inventory.GET('/api/v1/inventory/products', {
          params: { query: { limit: 100 } },
        }),
      );
      expect(listed.items.map((p) => p.sku)).toContain('SKU-KEYBOARD');

      const placed = await place(ada, [{ sku, quantity: 3 }]);
      expect(placed.response.status).toBe(202);
      const pending = unwrap(placed);
      expect(pending.status).toBe('pending');
      expect(placed.response.headers.get('location')).toBe(`/api/v1/orders/${pending.id}`);

      const done = await settled(system.gateway, ada, pending.id);
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
      const placed = unwrap(
        await place(ada, [
          { sku: plenty, quantity: 2 },
          { sku: scarce, quantity: 2 },
        ]),
      );
      const done = await settled(system.gateway, ada, placed.id);
      expect(done.status).toBe('rejected');
      expect(done.reason).toContain(scarce);
      expect(await product(system.gateway, plenty)).toMatchObject({ available: 10, reserved: 0 });
      expect(await product(system.gateway, scarce)).toMatchObject({ available: 1, reserved: 0 });
    });

    it('when an order names an unknown sku, then it is rejected', async () => {
      const ada = await newShopper(system.gateway);
      const placed = unwrap(await place(ada, [{ sku: 'SKU-NO-SUCH-THING', quantity: 1 }]));
      expect((await settled(system.gateway, ada, placed.id)).status).toBe('rejected');
    });

    it('when a confirmed order is cancelled, then it is cancelled and its stock comes back', async () => {
      const sku = await newProduct(system.gateway, admin, 5);
      const ada = await newShopper(system.gateway);
      const placed = unwrap(await place(ada, [{ sku, quantity: 2 }]));
      await settled(system.gateway, ada, placed.id);
      const cancel = () =>
        ada.portico.orders.POST('/api/v1/orders/{id}/cancel', {
          params: { path: { id: placed.id } },
        });
      expect(unwrap(await cancel()).status).toBe('cancelled');
      let stock = await product(system.gateway, sku);
      for (let i = 0; i < 100 && stock.reserved !== 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        stock = await product(system.gateway, sku);
      }
      expect(stock).toMatchObject({ available: 5, reserved: 0 });
      expect(unwrap(await cancel()).status).toBe('cancelled');
    });

    it('when the same Idempotency-Key is sent twice, then there is one order and one reservation', async () => {
      const sku = await newProduct(system.gateway, admin, 10);
      const ada = await newShopper(system.gateway);
      const send = () => place(ada, [{ sku, quantity: 4 }], 'retry-me-1');
      const [first, second] = (await Promise.all([send(), send()])).map(unwrap);
      expect(first!.id).toBe(second!.id);
      await settled(system.gateway, ada, first!.id);
      expect(await myOrders(ada)).toHaveLength(1);
      expect(await product(system.gateway, sku)).toMatchObject({ available: 6, reserved: 4 });
      const different = await place(ada, [{ sku, quantity: 1 }], 'retry-me-1');
      expect(different.response.status).toBe(422);
      expect(different.error?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('when another user asks for my order, then they get 404, cannot cancel it, and do not see it listed', async () => {
      const sku = await newProduct(system.gateway, admin, 5);
      const ada = await newShopper(system.gateway);
      const bob = await newShopper(system.gateway);
      const { id } = unwrap(await place(ada, [{ sku, quantity: 1 }]));
      const path = { params: { path: { id } } };
      const peek = await bob.portico.orders.GET('/api/v1/orders/{id}', path);
      expect(peek.response.status).toBe(404);
      const cancel = await bob.portico.orders.POST('/api/v1/orders/{id}/cancel', path);
      expect(cancel.response.status).toBe(404);
      expect(await myOrders(bob)).toEqual([]);
      expect(unwrap(await adminPortico.orders.GET('/api/v1/orders/{id}', path)).id).toBe(id);
    });

    it('when a user is disabled, then their order is refused with 403, and after enabling it works', async () => {
      const sku = await newProduct(system.gateway, admin, 5);
      const ada = await newShopper(system.gateway);
      const user = { params: { path: { id: ada.id } } };
      unwrap(await adminPortico.users.POST('/api/v1/users/{id}/disable', user));
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
      unwrap(await adminPortico.users.POST('/api/v1/users/{id}/enable', user));
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
      'when the order has %s, then it is refused with a problem and nothing is written',
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
          const res = await place(shopper, items);
          expect(res.response.status).toBe(202);
          return { shopper, id: unwrap(res).id };
        }),
      );
      const settledOrders = [];
      for (const { shopper, id } of placed)
        settledOrders.push(await settled(system.gateway, shopper, id, 20_000));
      const statuses = new Set(settledOrders.map((o) => o.status));
      expect([...statuses].every((s) => s === 'confirmed' || s === 'rejected')).toBe(true);
      expect(statuses.has('confirmed')).toBe(true);
      await expectInvariant(system.gateway, stock, settledOrders);
    }, 60_000);
  });
}
