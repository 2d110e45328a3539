import { randomUUID } from 'node:crypto';
import { testDatabaseTargets } from '@portico/db';
import {
  deliver,
  emittedFor,
  newProduct,
  openSagaKit,
  orderCancelled,
  orderCreated,
  reservationOf,
  type SagaKit,
  stockOf,
} from './support/saga-kit.js';

describe.each(testDatabaseTargets())('the order saga, inventory side, on $dialect', (target) => {
  let kit: SagaKit;
  beforeAll(async () => {
    kit = await openSagaKit(target);
  });
  afterAll(() => kit.drop());

  const stock = async (sku: string) => {
    const { available, reserved } = await stockOf(kit.db, sku);
    return { available, reserved };
  };

  it('when every line is in stock, then all are held at their prices and stock.reserved carries the total', async () => {
    const keyboard = await newProduct(kit.db, 10, 8900);
    const cable = await newProduct(kit.db, 5, 900);
    const orderId = randomUUID();
    const lines = [
      { sku: keyboard, quantity: 2 },
      { sku: cable, quantity: 5 },
    ];
    expect(await deliver(kit.inbox, orderCreated(orderId, lines))).toBe('handled');

    expect(await stock(keyboard)).toEqual({ available: 8, reserved: 2 });
    expect(await stock(cable)).toEqual({ available: 0, reserved: 5 });
    const items = [
      { sku: keyboard, quantity: 2, unitPriceCents: 8900 },
      { sku: cable, quantity: 5, unitPriceCents: 900 },
    ];
    expect(await emittedFor(kit.db, orderId)).toEqual([
      { type: 'stock.reserved', data: { orderId, items, totalCents: 2 * 8900 + 5 * 900 } },
    ]);
    expect(await reservationOf(kit.db, orderId)).toEqual({ orderId, state: 'reserved', items });
  });

  it('when one of two lines is short, then nothing moves and stock.rejected names that sku', async () => {
    const plenty = await newProduct(kit.db, 10);
    const scarce = await newProduct(kit.db, 1);
    const orderId = randomUUID();
    const lines = [
      { sku: plenty, quantity: 3 },
      { sku: scarce, quantity: 2 },
    ];
    await deliver(kit.inbox, orderCreated(orderId, lines));

    expect(await stock(plenty)).toEqual({ available: 10, reserved: 0 });
    expect(await stock(scarce)).toEqual({ available: 1, reserved: 0 });
    const [answer, ...more] = await emittedFor(kit.db, orderId);
    expect(more).toEqual([]);
    expect(answer).toMatchObject({
      type: 'stock.rejected',
      data: { orderId, code: 'OUT_OF_STOCK' },
    });
    expect(answer!.data.reason).toContain(scarce);
    expect(answer!.data.reason).not.toContain(plenty);
    expect((await reservationOf(kit.db, orderId))?.state).toBe('rejected');
  });

  it('when a sku is unknown, then nothing moves and stock.rejected is UNKNOWN_SKU naming it', async () => {
    const known = await newProduct(kit.db, 10);
    const orderId = randomUUID();
    await deliver(
      kit.inbox,
      orderCreated(orderId, [
        { sku: known, quantity: 1 },
        { sku: 'NO-SUCH-SKU', quantity: 1 },
      ]),
    );

    expect(await stock(known)).toEqual({ available: 10, reserved: 0 });
    const answers = await emittedFor(kit.db, orderId);
    expect(answers).toEqual([
      {
        type: 'stock.rejected',
        data: { orderId, code: 'UNKNOWN_SKU', reason: expect.stringContaining('NO-SUCH-SKU') },
      },
    ]);
  });

  it('when an order names a sku on two lines, then their sum is what must be available', async () => {
    const sku = await newProduct(kit.db, 3);
    const tooMuch = randomUUID();
    await deliver(
      kit.inbox,
      orderCreated(tooMuch, [
        { sku, quantity: 2 },
        { sku, quantity: 2 },
      ]),
    );
    expect(await stock(sku)).toEqual({ available: 3, reserved: 0 });

    const fits = randomUUID();
    await deliver(
      kit.inbox,
      orderCreated(fits, [
        { sku, quantity: 1 },
        { sku, quantity: 2 },
      ]),
    );
    expect(await stock(sku)).toEqual({ available: 0, reserved: 3 });
    expect((await emittedFor(kit.db, fits))[0]?.data.totalCents).toBe(3 * 250);
  });

  it('when the same order.created is delivered twice, then stock is held and answered once', async () => {
    const sku = await newProduct(kit.db, 10);
    const orderId = randomUUID();
    const event = orderCreated(orderId, [{ sku, quantity: 4 }]);
    expect(await deliver(kit.inbox, event)).toBe('handled');
    expect(await deliver(kit.inbox, event)).toBe('duplicate');
    // The same order announced again under a new event id is the same order.
    expect(await deliver(kit.inbox, orderCreated(orderId, [{ sku, quantity: 4 }]))).toBe('handled');

    expect(await stock(sku)).toEqual({ available: 6, reserved: 4 });
    expect((await emittedFor(kit.db, orderId)).map((e) => e.type)).toEqual(['stock.reserved']);
  });

  it('when an order is cancelled before it is created, then the late order.created holds nothing and is rejected', async () => {
    const sku = await newProduct(kit.db, 10);
    const orderId = randomUUID();
    await deliver(kit.inbox, orderCancelled(orderId));
    expect(await reservationOf(kit.db, orderId)).toEqual({
      orderId,
      state: 'cancelled',
      items: [],
    });

    await deliver(kit.inbox, orderCreated(orderId, [{ sku, quantity: 2 }]));
    expect(await stock(sku)).toEqual({ available: 10, reserved: 0 });
    expect(await emittedFor(kit.db, orderId)).toEqual([
      {
        type: 'stock.rejected',
        data: { orderId, code: 'ORDER_CANCELLED', reason: expect.any(String) },
      },
    ]);
    expect((await reservationOf(kit.db, orderId))?.state).toBe('cancelled');
  });

  it('when a reserved order is cancelled, then its stock comes back and stock.released lists it', async () => {
    const a = await newProduct(kit.db, 5);
    const b = await newProduct(kit.db, 5);
    const orderId = randomUUID();
    const lines = [
      { sku: b, quantity: 2 },
      { sku: a, quantity: 1 },
    ];
    await deliver(kit.inbox, orderCreated(orderId, lines));
    await deliver(kit.inbox, orderCancelled(orderId));

    expect(await stock(a)).toEqual({ available: 5, reserved: 0 });
    expect(await stock(b)).toEqual({ available: 5, reserved: 0 });
    expect(await emittedFor(kit.db, orderId)).toEqual([
      expect.objectContaining({ type: 'stock.reserved' }),
      { type: 'stock.released', data: { orderId, items: lines } },
    ]);
    expect((await reservationOf(kit.db, orderId))?.state).toBe('released');
  });

  it('when a cancellation arrives twice, under one id or two, then stock comes back once', async () => {
    const sku = await newProduct(kit.db, 5);
    const other = randomUUID();
    await deliver(kit.inbox, orderCreated(other, [{ sku, quantity: 2 }]));
    const orderId = randomUUID();
    await deliver(kit.inbox, orderCreated(orderId, [{ sku, quantity: 3 }]));
    const cancel = orderCancelled(orderId);

    expect(await deliver(kit.inbox, cancel)).toBe('handled');
    expect(await deliver(kit.inbox, cancel)).toBe('duplicate');
    expect(await deliver(kit.inbox, orderCancelled(orderId))).toBe('handled');

    // The other order keeps its 2: nothing was given back twice.
    expect(await stock(sku)).toEqual({ available: 3, reserved: 2 });
    expect((await emittedFor(kit.db, orderId)).map((e) => e.type)).toEqual([
      'stock.reserved',
      'stock.released',
    ]);
  });

  it('when a rejected order is cancelled, then nothing moves and nothing is announced', async () => {
    const sku = await newProduct(kit.db, 1);
    const orderId = randomUUID();
    await deliver(kit.inbox, orderCreated(orderId, [{ sku, quantity: 5 }]));
    await deliver(kit.inbox, orderCancelled(orderId));

    expect(await stock(sku)).toEqual({ available: 1, reserved: 0 });
    expect((await emittedFor(kit.db, orderId)).map((e) => e.type)).toEqual(['stock.rejected']);
    expect((await reservationOf(kit.db, orderId))?.state).toBe('rejected');
  });

  it('when an order.created breaks the contract, then it is refused and nothing is recorded', async () => {
    const sku = await newProduct(kit.db, 5);
    const orderId = randomUUID();
    const event = orderCreated(orderId, [{ sku, quantity: -3 }]);
    await expect(kit.inbox.handle(event)).rejects.toThrow(/breaks its contract/);

    expect(await stock(sku)).toEqual({ available: 5, reserved: 0 });
    expect(await reservationOf(kit.db, orderId)).toBeUndefined();
    expect(await emittedFor(kit.db, orderId)).toEqual([]);
  });
});
