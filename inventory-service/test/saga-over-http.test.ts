import { randomUUID } from 'node:crypto';
import { eventually } from '@portico/test-kit';
// order-service's producing side: a real outbox behind the real feed routes (its test kit).
import { type Peer, startPeer } from '../../order-service/test/support/peers.js';
import { type AuthKit, startAuth } from './support/auth-kit.js';
import { call, type InventoryKit, startInventory } from './support/inventory-kit.js';

type FeedEvent = { position: number; type: string; source: string; data: { orderId?: string } };

describe('the order saga over the embedded event feeds', () => {
  let auth: AuthKit;
  let orders: Peer;
  let inventory: InventoryKit;
  let admin: string;
  let orderService: string;
  beforeAll(async () => {
    auth = await startAuth();
    orders = await startPeer('order', auth.url);
    inventory = await startInventory({ authUrl: auth.url, orderUrl: orders.url });
    [admin, orderService] = await Promise.all([
      auth.adminToken(),
      auth.serviceToken('order-service'),
    ]);
  });
  afterAll(async () => {
    await inventory.stop();
    await orders.stop();
    await auth.stop();
  });

  /** Long-polls inventory's own feed, as order-service will, until `type` for `orderId` shows. */
  async function answer(orderId: string, type: string): Promise<FeedEvent> {
    let after = 0;
    let found: FeedEvent | undefined;
    await eventually(
      `${type} for ${orderId}`,
      async () => {
        const res = await call(inventory.url, `/internal/v1/events?after=${after}&waitMs=2000`, {
          token: orderService,
        });
        expect(res.status).toBe(200);
        found = (res.body.events as FeedEvent[]).find(
          (e) => e.type === type && e.data.orderId === orderId,
        );
        after = res.body.next;
        return found !== undefined;
      },
      // Each poll waits on the feed itself: no pause between them.
      { timeoutMs: 10_000, intervalMs: 0 },
    );
    return found!;
  }

  it('when an order is created and then cancelled, then inventory reserves, answers, and releases', async () => {
    const sku = 'HTTP-LAMP';
    const created = await call(inventory.url, '/api/v1/inventory/products', {
      body: { sku, name: 'Lamp', priceCents: 1200, stock: 5 },
      token: admin,
    });
    expect(created.status).toBe(201);
    const orderId = randomUUID();
    await orders.publish('order.created', {
      orderId,
      userId: randomUUID(),
      items: [{ sku, quantity: 2 }],
    });

    const reserved = await answer(orderId, 'stock.reserved');
    expect(reserved).toMatchObject({
      source: 'inventory',
      data: { orderId, items: [{ sku, quantity: 2, unitPriceCents: 1200 }], totalCents: 2400 },
    });
    expect((await call(inventory.url, `/api/v1/inventory/products/${sku}`)).body).toMatchObject({
      available: 3,
      reserved: 2,
    });

    await orders.publish('order.cancelled', {
      orderId,
      reason: 'The customer changed their mind.',
    });
    expect((await answer(orderId, 'stock.released')).data).toEqual({
      orderId,
      items: [{ sku, quantity: 2 }],
    });
    expect((await call(inventory.url, `/api/v1/inventory/products/${sku}`)).body).toMatchObject({
      available: 5,
      reserved: 0,
    });
    const reservation = await call(inventory.url, `/internal/v1/reservations/${orderId}`, {
      token: orderService,
    });
    expect(reservation).toEqual({
      status: 200,
      body: { orderId, state: 'released', items: [{ sku, quantity: 2, unitPriceCents: 1200 }] },
    });
  });

  it('when a reservation is read without the inventory:read scope, then 403; unknown, 404; not a uuid, 400', async () => {
    const path = `/internal/v1/reservations/${randomUUID()}`;
    const ownToken = await auth.serviceToken('inventory-service');
    expect((await call(inventory.url, path, { token: ownToken })).body.code).toBe('SCOPE_REQUIRED');
    expect((await call(inventory.url, path, { token: admin })).status).toBe(403);
    expect((await call(inventory.url, path)).status).toBe(401);
    const unknown = await call(inventory.url, path, { token: orderService });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('RESERVATION_NOT_FOUND');
    expect(
      (await call(inventory.url, '/internal/v1/reservations/nope', { token: orderService })).status,
    ).toBe(400);
  });

  it('when the feed is read by a user, then 403: only services read events', async () => {
    expect((await call(inventory.url, '/internal/v1/events', { token: admin })).status).toBe(403);
  });

  it('when it is asked whether it is ready, then the database is', async () => {
    const res = await call(inventory.url, '/readyz');
    expect(res.status).toBe(200);
  });
});
