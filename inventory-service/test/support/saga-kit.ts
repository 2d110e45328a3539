import { randomUUID } from 'node:crypto';
import { migrateToLatest, type TestDatabase, type TestDatabaseTarget } from '@portico/db';
import { createInbox, createOutbox, type EventEnvelope, type Inbox } from '@portico/events';
import type { Kysely } from 'kysely';
import { migrations } from '../../src/data/migrations.js';
import { createProductRepository, type Product } from '../../src/data/product-repository.js';
import { createReservationRepository } from '../../src/data/reservation-repository.js';
import type { InventoryDatabase } from '../../src/data/schema.js';
import { orderEventHandlers } from '../../src/domain/order-event-handlers.js';

export type Line = { sku: string; quantity: number };

/**
 * inventory's saga handlers on a real database, driven the way the event bus
 * drives them: through the inbox, with events emitted into the real outbox.
 */
export type SagaKit = {
  db: Kysely<InventoryDatabase>;
  inbox: Inbox;
  drop: () => Promise<void>;
};

export async function openSagaKit(target: TestDatabaseTarget): Promise<SagaKit> {
  const opened: TestDatabase<InventoryDatabase> = await target.open<InventoryDatabase>('inventory');
  const db = opened.database.db;
  await migrateToLatest(db, migrations);
  const outbox = createOutbox(db, 'inventory');
  const inbox = createInbox({ db, handlers: orderEventHandlers(Date.now), outbox });
  return { db, inbox, drop: opened.drop };
}

/** A fresh event id each call: redelivering one event means passing the same object again. */
const envelope = (type: string, data: unknown): EventEnvelope => ({
  id: randomUUID(),
  type,
  source: 'order',
  occurredAt: new Date().toISOString(),
  data,
});

export const orderCreated = (orderId: string, items: Line[]) =>
  envelope('order.created', { orderId, userId: randomUUID(), items });

export const orderCancelled = (orderId: string) =>
  envelope('order.cancelled', { orderId, reason: 'The customer cancelled it.' });

/** Hands `event` to the inbox, retrying as the consumers do (a lost race rolls back and runs again). */
export async function deliver(inbox: Inbox, event: EventEnvelope, tries = 10) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await inbox.handle(event);
    } catch (error) {
      if (attempt >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt));
    }
  }
}

let skuCounter = 0;
/** A new product with `stock` available; a fresh sku each call, so tests never share stock. */
export async function newProduct(
  db: Kysely<InventoryDatabase>,
  stock: number,
  priceCents = 250,
): Promise<string> {
  skuCounter += 1;
  const sku = `T-${Date.now().toString(36)}-${skuCounter}`;
  await createProductRepository(db, Date.now).insert({ sku, name: sku, priceCents, stock });
  return sku;
}

export async function stockOf(db: Kysely<InventoryDatabase>, sku: string): Promise<Product> {
  const product = await createProductRepository(db, Date.now).find(sku);
  if (!product) throw new Error(`no product ${sku}`);
  return product;
}

export const reservationOf = (db: Kysely<InventoryDatabase>, orderId: string) =>
  createReservationRepository(db, Date.now).find(orderId);

/** What the outbox holds about `orderId`, in commit order. */
export async function emittedFor(db: Kysely<InventoryDatabase>, orderId: string) {
  const rows = await db.selectFrom('outbox').select(['type', 'data']).orderBy('seq').execute();
  return rows
    .map((row) => ({ type: row.type, data: JSON.parse(row.data) as Record<string, unknown> }))
    .filter((event) => event.data.orderId === orderId);
}
