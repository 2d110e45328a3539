import { randomUUID } from 'node:crypto';
import { testDatabaseTargets } from '@portico/db';
import type { Kysely } from 'kysely';
import type { InventoryDatabase } from '../src/data/schema.js';
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

/** Units of `sku` that orders in state `reserved` hold, from the reservations table. */
async function heldFor(db: Kysely<InventoryDatabase>, sku: string): Promise<number> {
  const rows = await db
    .selectFrom('reservations')
    .select('items')
    .where('state', '=', 'reserved')
    .execute();
  return rows
    .flatMap((row) => JSON.parse(row.items) as { sku: string; quantity: number }[])
    .filter((line) => line.sku === sku)
    .reduce((sum, line) => sum + line.quantity, 0);
}

// On PostgreSQL these run in parallel transactions on a pool; on SQLite they queue for its one writer.
describe.each(testDatabaseTargets())('concurrent reservations on $dialect', (target) => {
  let kit: SagaKit;
  beforeAll(async () => {
    kit = await openSagaKit(target);
  });
  afterAll(() => kit.drop());

  it('when 50 orders race for 20 units, then none oversells, each is answered once, and available + reserved stays 20', async () => {
    const sku = await newProduct(kit.db, 20);
    const orders = Array.from({ length: 50 }, (_, i) => ({
      id: randomUUID(),
      quantity: 1 + (i % 3),
    }));

    await Promise.all(
      orders.map((o) => deliver(kit.inbox, orderCreated(o.id, [{ sku, quantity: o.quantity }]))),
    );

    const { available, reserved } = await stockOf(kit.db, sku);
    expect(available).toBeGreaterThanOrEqual(0);
    expect(available + reserved).toBe(20);
    expect(reserved).toBe(await heldFor(kit.db, sku));
    let held = 0;
    for (const order of orders) {
      const answers = await emittedFor(kit.db, order.id);
      expect(answers).toHaveLength(1);
      if (answers[0]!.type === 'stock.reserved') held += order.quantity;
      // Available only shrank in this race, so a refused order truly did not fit.
      else expect(order.quantity).toBeGreaterThan(available);
    }
    expect(held).toBe(reserved);
  });

  it('when creates and cancels of 40 orders over two products interleave, then only live orders hold stock', async () => {
    const a = await newProduct(kit.db, 30);
    const b = await newProduct(kit.db, 30);
    const orders = Array.from({ length: 40 }, (_, i) => ({
      id: randomUUID(),
      // Opposite line orders: two transactions locking a then b and b then a would deadlock.
      lines:
        i % 2 === 0
          ? [
              { sku: a, quantity: 1 },
              { sku: b, quantity: 2 },
            ]
          : [
              { sku: b, quantity: 1 },
              { sku: a, quantity: 2 },
            ],
      cancelled: i % 3 === 0,
    }));

    await Promise.all(
      orders.flatMap((o) => [
        deliver(kit.inbox, orderCreated(o.id, o.lines)),
        ...(o.cancelled ? [deliver(kit.inbox, orderCancelled(o.id))] : []),
      ]),
    );

    for (const sku of [a, b]) {
      const { available, reserved } = await stockOf(kit.db, sku);
      expect(available + reserved).toBe(30);
      expect(reserved).toBe(await heldFor(kit.db, sku));
    }
    for (const order of orders) {
      const state = (await reservationOf(kit.db, order.id))?.state;
      const types = (await emittedFor(kit.db, order.id)).map((e) => e.type);
      if (order.cancelled) {
        expect(state).not.toBe('reserved');
        // Released after a reservation, or refused (cancelled first, or short): never held.
        expect([['stock.reserved', 'stock.released'], ['stock.rejected']]).toContainEqual(types);
      } else {
        expect([['stock.reserved'], ['stock.rejected']]).toContainEqual(types);
      }
    }
  });
});
