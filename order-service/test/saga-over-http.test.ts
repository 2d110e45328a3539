import { randomUUID } from 'node:crypto';
import { eventually } from '@portico/test-kit';
import { type AuthKit, startAuth } from '../../inventory-service/test/support/auth-kit.js';
import { type OrderEventsKit, startOrderEvents, subjectOf } from './support/order-events-kit.js';
import { type Peer, startPeer } from './support/peers.js';

type FeedEvent = { type: string; data: { orderId?: string } & Record<string, unknown> };
type Order = { id: string; status: string; reason: string | null; totalCents: number | null };

/**
 * The order service as a component: orders placed and read over HTTP on
 * SQLite, inventory's answers arriving on the feed it follows, what it emits
 * read from its own feed, as inventory reads it.
 */
describe('the order saga over HTTP and the embedded event feeds', () => {
  let auth: AuthKit;
  let inventory: Peer;
  let users: Peer;
  let kit: OrderEventsKit;
  let inventoryToken: string;
  const active = new Set<string>();

  beforeAll(async () => {
    auth = await startAuth();
    inventory = await startPeer('inventory', auth.url);
    users = await startPeer('user', auth.url, (router) => {
      router.get('/users/:id', (req, res) => {
        if (active.has(req.params.id)) res.json({ id: req.params.id, status: 'active' });
        else res.status(404).json({ code: 'USER_NOT_FOUND' });
      });
    });
    kit = await startOrderEvents(
      { INVENTORY_SERVICE_URL: inventory.url, USER_SERVICE_URL: users.url },
      auth,
    );
    inventoryToken = await auth.serviceToken('inventory-service');
  });
  afterAll(async () => {
    await kit.stop();
    await Promise.all([inventory.stop(), users.stop()]);
  });

  async function call(method: string, path: string, token: string, body?: unknown) {
    const res = await fetch(`${kit.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function shopper(): Promise<string> {
    const token = await auth.userToken();
    active.add(subjectOf(token));
    return token;
  }

  async function place(token: string, items: { sku: string; quantity: number }[]) {
    const placed = await call('POST', '/api/v1/orders', token, { items });
    expect(placed.status).toBe(202);
    return placed.body as Order;
  }

  const orderOf = async (id: string, token: string) =>
    (await call('GET', `/api/v1/orders/${id}`, token)).body as Order;

  /** Waits until the order has left `pending` (or the status it had), as a client polling would. */
  async function settled(id: string, token: string, from = 'pending'): Promise<Order> {
    await eventually(
      `order ${id} leaves ${from}`,
      async () => (await orderOf(id, token)).status !== from,
    );
    return orderOf(id, token);
  }

  /** What order-service emitted about `orderId`, read from its feed as inventory reads it. */
  async function emitted(orderId: string): Promise<FeedEvent[]> {
    const res = await call('GET', '/internal/v1/events?after=0&limit=500', inventoryToken);
    expect(res.status).toBe(200);
    return (res.body.events as FeedEvent[]).filter((event) => event.data.orderId === orderId);
  }

  it('when an order is placed and inventory reserves it, then it is confirmed with the total, and order.created was emitted once', async () => {
    const token = await shopper();
    const order = await place(token, [{ sku: 'SKU-MOUSE', quantity: 2 }]);
    expect(order).toMatchObject({ status: 'pending', totalCents: null });
    expect(await emitted(order.id)).toEqual([
      expect.objectContaining({
        type: 'order.created',
        data: {
          orderId: order.id,
          userId: subjectOf(token),
          items: [{ sku: 'SKU-MOUSE', quantity: 2 }],
        },
      }),
    ]);

    await inventory.publish('stock.reserved', {
      orderId: order.id,
      items: [{ sku: 'SKU-MOUSE', quantity: 2, unitPriceCents: 2900 }],
      totalCents: 5800,
    });

    expect(await settled(order.id, token)).toMatchObject({ status: 'confirmed', totalCents: 5800 });
    expect((await emitted(order.id)).map((event) => event.type)).toEqual(['order.created']);
  });

  it('when inventory rejects the order, then it is rejected with the reason and nothing more is emitted', async () => {
    const token = await shopper();
    const order = await place(token, [{ sku: 'SKU-MONITOR', quantity: 50 }]);

    await inventory.publish('stock.rejected', {
      orderId: order.id,
      code: 'OUT_OF_STOCK',
      reason: 'SKU-MONITOR: 25 available, 50 asked',
    });

    expect(await settled(order.id, token)).toMatchObject({
      status: 'rejected',
      reason: 'SKU-MONITOR: 25 available, 50 asked',
      totalCents: null,
    });
    expect((await emitted(order.id)).map((event) => event.type)).toEqual(['order.created']);
  });

  it('when the owner cancels a confirmed order, then order.cancelled goes out, and the release inventory answers with lands in its history', async () => {
    const token = await shopper();
    const order = await place(token, [{ sku: 'SKU-CABLE', quantity: 1 }]);
    await inventory.publish('stock.reserved', {
      orderId: order.id,
      items: [{ sku: 'SKU-CABLE', quantity: 1, unitPriceCents: 900 }],
      totalCents: 900,
    });
    await settled(order.id, token);

    const cancelled = await call('POST', `/api/v1/orders/${order.id}/cancel`, token);
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    expect(await emitted(order.id)).toEqual([
      expect.objectContaining({ type: 'order.created' }),
      expect.objectContaining({
        type: 'order.cancelled',
        data: { orderId: order.id, reason: 'cancelled by owner' },
      }),
    ]);

    await inventory.publish('stock.released', {
      orderId: order.id,
      items: [{ sku: 'SKU-CABLE', quantity: 1 }],
    });
    const details = async () =>
      ((await orderOf(order.id, token)) as Order & { history: { detail?: string }[] }).history.map(
        (step) => step.detail,
      );
    await eventually('the release noted', async () => (await details()).includes('stock released'));
    expect(await details()).toEqual([
      'order placed',
      'stock reserved',
      'cancelled by owner',
      'stock released',
    ]);
    expect((await orderOf(order.id, token)).status).toBe('cancelled');
  });

  it('when a reservation for an order it does not have arrives, then the feed moves on and the next answer still lands', async () => {
    await inventory.publish('stock.reserved', {
      orderId: randomUUID(),
      items: [{ sku: 'SKU-MOUSE', quantity: 1, unitPriceCents: 2900 }],
      totalCents: 2900,
    });
    const token = await shopper();
    const order = await place(token, [{ sku: 'SKU-MOUSE', quantity: 1 }]);
    await inventory.publish('stock.rejected', {
      orderId: order.id,
      code: 'OUT_OF_STOCK',
      reason: 'SKU-MOUSE: 0 available, 1 asked',
    });

    expect((await settled(order.id, token)).status).toBe('rejected');
  });
});
