import { randomUUID } from 'node:crypto';
import { migrateToLatest, type TestDatabase, type TestDatabaseTarget } from '@portico/db';
import { createInbox, createOutbox, type EventEnvelope, type Inbox } from '@portico/events';
import { createLogger } from '@portico/logging';
import type { UserStatus } from '@portico/user-directory';
import type { Kysely } from 'kysely';
import { migrations } from '../../src/data/migrations.js';
import { createOrderRepository } from '../../src/data/order-repository.js';
import type { OrderDatabase } from '../../src/data/schema.js';
import { inventoryEventHandlers } from '../../src/domain/inventory-event-handlers.js';
import { createOrders, type Orders } from '../../src/domain/orders.js';
import { startSagaTimeouts } from '../../src/domain/saga.js';

export type Line = { sku: string; quantity: number };

/**
 * order-service's saga on a real database, driven the way the service drives
 * it: orders placed through `createOrders`, inventory's answers handed to the
 * inbox, timeouts swept by the real sweeper on a clock the test moves.
 */
export type SagaKit = {
  db: Kysely<OrderDatabase>;
  orders: Orders;
  inbox: Inbox;
  /** Users the directory knows as active (any other id is unknown). */
  active: Set<string>;
  /** Moves the saga's clock forward. */
  advance: (ms: number) => void;
  sweep: () => Promise<void>;
  drop: () => Promise<void>;
};

export async function openSagaKit(
  target: TestDatabaseTarget,
  timeoutMs = 30_000,
): Promise<SagaKit> {
  const opened: TestDatabase<OrderDatabase> = await target.open<OrderDatabase>('order');
  const db = opened.database.db;
  await migrateToLatest(db, migrations);
  let clock = Date.now();
  const now = () => clock;
  const outbox = createOutbox(db, 'order');
  const active = new Set<string>();
  const orders = createOrders({
    repository: createOrderRepository(db),
    outbox,
    // The user check over REST is user-directory's, tested there and end to end.
    users: { get: async (id): Promise<UserStatus> => (active.has(id) ? 'active' : 'unknown') },
    now,
  });
  const timeouts = startSagaTimeouts({
    outbox,
    timeoutMs,
    logger: createLogger({ service: 'order-service', level: 'silent' }),
    now,
    overdue: createOrderRepository(db).overdue,
  });
  return {
    db,
    orders,
    inbox: createInbox({ db, handlers: inventoryEventHandlers(now), outbox }),
    active,
    advance: (ms) => {
      clock += ms;
    },
    sweep: timeouts.sweep,
    drop: async () => {
      await timeouts.stop();
      await opened.drop();
    },
  };
}

/** An event from inventory, with a fresh id each call: redelivering one means passing the same object again. */
export const envelope = (type: string, data: unknown): EventEnvelope => ({
  id: randomUUID(),
  type,
  source: 'inventory',
  occurredAt: new Date().toISOString(),
  data,
});

export const stockReserved = (
  orderId: string,
  items: (Line & { unitPriceCents: number })[],
): EventEnvelope =>
  envelope('stock.reserved', {
    orderId,
    items,
    totalCents: items.reduce((sum, i) => sum + i.quantity * i.unitPriceCents, 0),
  });

export const stockRejected = (orderId: string, reason: string) =>
  envelope('stock.rejected', { orderId, code: 'OUT_OF_STOCK', reason });

export const stockReleased = (orderId: string) => envelope('stock.released', { orderId });

/** What the outbox holds about `orderId`, in commit order. */
export async function emittedFor(db: Kysely<OrderDatabase>, orderId: string) {
  const rows = await db.selectFrom('outbox').select(['type', 'data']).orderBy('seq').execute();
  return rows
    .map((row) => ({ type: row.type, data: JSON.parse(row.data) as Record<string, unknown> }))
    .filter((event) => event.data.orderId === orderId);
}
