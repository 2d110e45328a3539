import { randomUUID } from 'node:crypto';
import { migrateToLatest, type TestDatabase, testDatabaseTargets } from '@portico/db';
import { migrations } from '../src/data/migrations.js';
import { createOrderRepository, orderCursorKey } from '../src/data/order-repository.js';
import type { OrderDatabase } from '../src/data/schema.js';

describe.each(testDatabaseTargets())('order data layer on $dialect', ({ open }) => {
  let target: TestDatabase<OrderDatabase>;
  beforeAll(async () => {
    target = await open<OrderDatabase>('order');
    await migrateToLatest(target.database.db, migrations);
  });
  afterAll(() => target.drop());

  it("when a user's orders are paged, then they come newest first, each once, and only theirs", async () => {
    const userId = randomUUID();
    const rows = [1000, 2000, 2000, 3000].map((createdAt) => ({
      id: randomUUID(),
      user_id: userId,
      status: 'pending' as const,
      items: JSON.stringify([{ sku: 'A', quantity: 1 }]),
      total_cents: null,
      reason: null,
      history: JSON.stringify([{ status: 'pending', at: new Date(createdAt).toISOString() }]),
      created_at: createdAt,
      updated_at: createdAt,
    }));
    await target.database.db.insertInto('orders').values(rows).execute();
    await target.database.db
      .insertInto('orders')
      .values({ ...rows[0]!, id: randomUUID(), user_id: randomUUID() })
      .execute();

    const orders = createOrderRepository(target.database.db);
    const first = await orders.listForUser(userId, 2);
    const second = await orders.listForUser(userId, 2, orderCursorKey(first.at(-1)!));
    const seen = [...first, ...second];
    expect(seen.map((o) => o.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(seen.map((o) => Date.parse(o.createdAt))).toEqual([3000, 2000, 2000, 1000]);
    expect(seen[0]?.items).toEqual([{ sku: 'A', quantity: 1 }]);
  });
});
