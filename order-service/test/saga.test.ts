import { randomUUID } from 'node:crypto';
import { testDatabaseTargets } from '@portico/db';
import type { Caller } from '@portico/token-auth';
import {
  emittedFor,
  openSagaKit,
  type SagaKit,
  stockRejected,
  stockReleased,
  stockReserved,
} from './support/saga-kit.js';

const TIMEOUT_MS = 30_000;

const owner = (sub: string): Caller => ({
  kind: 'user',
  sub,
  roles: ['user'],
  jti: randomUUID(),
  iat: 0,
  exp: 0,
});

describe.each(testDatabaseTargets())('the order saga, order side, on $dialect', (target) => {
  let kit: SagaKit;
  beforeAll(async () => {
    kit = await openSagaKit(target, TIMEOUT_MS);
  });
  afterAll(() => kit.drop());

  const shopper = () => {
    const id = randomUUID();
    kit.active.add(id);
    return id;
  };
  const steps = async (orderId: string, userId: string) =>
    (await kit.orders.get(orderId, owner(userId))).history.map((h) => h.status);

  it('when an order is placed, then it is pending and order.created carries its lines, written together', async () => {
    const userId = shopper();
    const items = [{ sku: 'SKU-KEYBOARD', quantity: 2 }];
    const { order, replayed } = await kit.orders.place(userId, items);

    expect(replayed).toBe(false);
    expect(order).toMatchObject({ userId, status: 'pending', items, totalCents: null });
    expect(await emittedFor(kit.db, order.id)).toEqual([
      { type: 'order.created', data: { orderId: order.id, userId, items } },
    ]);
  });

  it('when inventory reserves the stock, then the order is confirmed with its prices and total, once however often the answer comes', async () => {
    const userId = shopper();
    const { order } = await kit.orders.place(userId, [{ sku: 'SKU-MOUSE', quantity: 3 }]);
    const answer = stockReserved(order.id, [
      { sku: 'SKU-MOUSE', quantity: 3, unitPriceCents: 2900 },
    ]);

    expect(await kit.inbox.handle(answer)).toBe('handled');
    expect(await kit.inbox.handle(answer)).toBe('duplicate');
    const confirmed = await kit.orders.get(order.id, owner(userId));
    expect(confirmed).toMatchObject({
      status: 'confirmed',
      totalCents: 8700,
      items: [{ sku: 'SKU-MOUSE', quantity: 3, unitPriceCents: 2900 }],
    });
    expect(await steps(order.id, userId)).toEqual(['pending', 'confirmed']);
  });

  it('when inventory rejects the order, then it is rejected with the reason and nothing more is emitted', async () => {
    const userId = shopper();
    const { order } = await kit.orders.place(userId, [{ sku: 'SKU-MONITOR', quantity: 50 }]);
    await kit.inbox.handle(stockRejected(order.id, 'SKU-MONITOR: 25 available, 50 asked'));

    expect(await kit.orders.get(order.id, owner(userId))).toMatchObject({
      status: 'rejected',
      reason: 'SKU-MONITOR: 25 available, 50 asked',
    });
    expect((await emittedFor(kit.db, order.id)).map((e) => e.type)).toEqual(['order.created']);
  });

  it('when the owner cancels a confirmed order, then it is cancelled, order.cancelled goes out once, and a second cancel changes nothing', async () => {
    const userId = shopper();
    const { order } = await kit.orders.place(userId, [{ sku: 'SKU-CABLE', quantity: 1 }]);
    await kit.inbox.handle(
      stockReserved(order.id, [{ sku: 'SKU-CABLE', quantity: 1, unitPriceCents: 900 }]),
    );

    expect((await kit.orders.cancel(order.id, owner(userId))).status).toBe('cancelled');
    expect((await kit.orders.cancel(order.id, owner(userId))).status).toBe('cancelled');
    await kit.inbox.handle(stockReleased(order.id));
    expect(await emittedFor(kit.db, order.id)).toEqual([
      expect.objectContaining({ type: 'order.created' }),
      { type: 'order.cancelled', data: { orderId: order.id, reason: 'cancelled by owner' } },
    ]);
    const history = (await kit.orders.get(order.id, owner(userId))).history;
    expect(history.map((h) => h.status)).toEqual([
      'pending',
      'confirmed',
      'cancelled',
      'cancelled',
    ]);
    expect(history.at(-1)?.detail).toBe('stock released');
  });

  it('when a rejected order is cancelled, then the answer is 409 ORDER_NOT_CANCELLABLE', async () => {
    const userId = shopper();
    const { order } = await kit.orders.place(userId, [{ sku: 'SKU-CABLE', quantity: 1 }]);
    await kit.inbox.handle(stockRejected(order.id, 'out of stock'));
    await expect(kit.orders.cancel(order.id, owner(userId))).rejects.toMatchObject({
      status: 409,
      code: 'ORDER_NOT_CANCELLABLE',
    });
  });

  it('when inventory does not answer within the timeout, then the sweep cancels the order, and a late reservation leaves it cancelled', async () => {
    const userId = shopper();
    const { order } = await kit.orders.place(userId, [{ sku: 'SKU-KEYBOARD', quantity: 1 }]);
    kit.advance(TIMEOUT_MS - 1000);
    await kit.sweep();
    expect((await kit.orders.get(order.id, owner(userId))).status).toBe('pending');

    kit.advance(2000);
    await kit.sweep();
    expect(await kit.orders.get(order.id, owner(userId))).toMatchObject({
      status: 'cancelled',
      reason: 'saga timeout: no answer from inventory',
    });
    // Inventory releases this reservation when it reads order.cancelled: the order stays cancelled.
    await kit.inbox.handle(
      stockReserved(order.id, [{ sku: 'SKU-KEYBOARD', quantity: 1, unitPriceCents: 8900 }]),
    );
    expect(await kit.orders.get(order.id, owner(userId))).toMatchObject({
      status: 'cancelled',
      totalCents: null,
    });
    expect((await emittedFor(kit.db, order.id)).map((e) => e.type)).toEqual([
      'order.created',
      'order.cancelled',
    ]);
  });

  /** The order's status and its saga steps, as its owner reads them. */
  const stateOf = async (orderId: string, userId: string) => {
    const order = await kit.orders.get(orderId, owner(userId));
    return { status: order.status, steps: order.history.map((h) => h.status) };
  };
  const emittedTypes = async (orderId: string) =>
    (await emittedFor(kit.db, orderId)).map((e) => e.type);

  it('when inventory rejects an order twice with one event, then the second is a duplicate and the order is rejected once', async () => {
    const userId = shopper();
    const { order } = await kit.orders.place(userId, [{ sku: 'SKU-MONITOR', quantity: 9 }]);
    const answer = stockRejected(order.id, 'SKU-MONITOR: 2 available, 9 asked');

    expect(await kit.inbox.handle(answer)).toBe('handled');
    expect(await kit.inbox.handle(answer)).toBe('duplicate');
    expect(await stateOf(order.id, userId)).toEqual({
      status: 'rejected',
      steps: ['pending', 'rejected'],
    });
    expect(await emittedTypes(order.id)).toEqual(['order.created']);
  });

  it('when a rejection arrives after the order was confirmed, then the order stays confirmed and nothing is emitted', async () => {
    const userId = shopper();
    const { order } = await kit.orders.place(userId, [{ sku: 'SKU-MOUSE', quantity: 1 }]);
    await kit.inbox.handle(
      stockReserved(order.id, [{ sku: 'SKU-MOUSE', quantity: 1, unitPriceCents: 2900 }]),
    );

    expect(await kit.inbox.handle(stockRejected(order.id, 'out of stock'))).toBe('handled');
    expect(await kit.orders.get(order.id, owner(userId))).toMatchObject({
      status: 'confirmed',
      totalCents: 2900,
      reason: null,
    });
    expect((await stateOf(order.id, userId)).steps).toEqual(['pending', 'confirmed']);
    expect(await emittedTypes(order.id)).toEqual(['order.created']);
  });

  it('when a reservation arrives after the order was rejected, then the order stays rejected without prices', async () => {
    const userId = shopper();
    const { order } = await kit.orders.place(userId, [{ sku: 'SKU-CABLE', quantity: 4 }]);
    await kit.inbox.handle(stockRejected(order.id, 'SKU-CABLE: 3 available, 4 asked'));

    await kit.inbox.handle(
      stockReserved(order.id, [{ sku: 'SKU-CABLE', quantity: 4, unitPriceCents: 900 }]),
    );
    expect(await kit.orders.get(order.id, owner(userId))).toMatchObject({
      status: 'rejected',
      totalCents: null,
      items: [{ sku: 'SKU-CABLE', quantity: 4 }],
    });
    expect((await stateOf(order.id, userId)).steps).toEqual(['pending', 'rejected']);
    expect(await emittedTypes(order.id)).toEqual(['order.created']);
  });

  it('when the owner cancels a pending order, then order.cancelled goes out; the reservation that crosses it and the release leave it cancelled', async () => {
    const userId = shopper();
    const { order } = await kit.orders.place(userId, [{ sku: 'SKU-KEYBOARD', quantity: 1 }]);

    expect((await kit.orders.cancel(order.id, owner(userId))).status).toBe('cancelled');
    expect(await emittedFor(kit.db, order.id)).toEqual([
      expect.objectContaining({ type: 'order.created' }),
      { type: 'order.cancelled', data: { orderId: order.id, reason: 'cancelled by owner' } },
    ]);
    // Inventory reserved before it read order.cancelled, then released what it held.
    await kit.inbox.handle(
      stockReserved(order.id, [{ sku: 'SKU-KEYBOARD', quantity: 1, unitPriceCents: 8900 }]),
    );
    await kit.inbox.handle(stockReleased(order.id));

    const cancelled = await kit.orders.get(order.id, owner(userId));
    expect(cancelled).toMatchObject({ status: 'cancelled', totalCents: null });
    expect(cancelled.history.map((h) => [h.status, h.detail])).toEqual([
      ['pending', 'order placed'],
      ['cancelled', 'cancelled by owner'],
      ['cancelled', 'stock released'],
    ]);
    expect(await emittedTypes(order.id)).toEqual(['order.created', 'order.cancelled']);
  });

  it('when an answer names an order this service does not have, then it is handled and nothing is written', async () => {
    const orderId = randomUUID();

    expect(await kit.inbox.handle(stockRejected(orderId, 'out of stock'))).toBe('handled');
    expect(
      await kit.inbox.handle(
        stockReserved(orderId, [{ sku: 'SKU-MOUSE', quantity: 1, unitPriceCents: 2900 }]),
      ),
    ).toBe('handled');
    expect(await kit.inbox.handle(stockReleased(orderId))).toBe('handled');
    expect(
      await kit.db.selectFrom('orders').select('id').where('id', '=', orderId).execute(),
    ).toEqual([]);
    expect(await emittedFor(kit.db, orderId)).toEqual([]);
  });

  it('when an order is placed again with its Idempotency-Key, then the first order answers and nothing new is written; another body with that key is 422', async () => {
    const userId = shopper();
    const items = [{ sku: 'SKU-MOUSE', quantity: 1 }];
    const first = await kit.orders.place(userId, items, 'key-1');
    const again = await kit.orders.place(userId, items, 'key-1');

    expect(again).toEqual({ order: first.order, replayed: true });
    expect(await emittedFor(kit.db, first.order.id)).toHaveLength(1);
    await expect(
      kit.orders.place(userId, [{ sku: 'SKU-MOUSE', quantity: 2 }], 'key-1'),
    ).rejects.toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    // Keys are per user: another user's key-1 is a new order.
    const other = await kit.orders.place(shopper(), items, 'key-1');
    expect(other.order.id).not.toBe(first.order.id);
  });

  it('when an unknown user places an order, then it is 422 USER_UNKNOWN and nothing is written', async () => {
    const before = await kit.db
      .selectFrom('orders')
      .select(kit.db.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    await expect(
      kit.orders.place(randomUUID(), [{ sku: 'SKU-MOUSE', quantity: 1 }]),
    ).rejects.toMatchObject({
      status: 422,
      code: 'USER_UNKNOWN',
    });
    const after = await kit.db
      .selectFrom('orders')
      .select(kit.db.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
