import type { Kysely } from 'kysely';
import type { OrderDatabase, OrderRow, OrderStatus } from './schema.js';

export type OrderItem = { sku: string; quantity: number; unitPriceCents?: number };
export type HistoryEntry = { status: string; at: string; detail?: string };

export type Order = {
  id: string;
  userId: string;
  status: OrderStatus;
  items: OrderItem[];
  totalCents: number | null;
  reason: string | null;
  history: HistoryEntry[];
  createdAt: string;
};

export const toOrder = (row: OrderRow): Order => ({
  id: row.id,
  userId: row.user_id,
  status: row.status,
  items: JSON.parse(row.items) as OrderItem[],
  totalCents: row.total_cents,
  reason: row.reason,
  history: JSON.parse(row.history) as HistoryEntry[],
  createdAt: new Date(row.created_at).toISOString(),
});

/** Newest first; the cursor is `createdAt|id` of the last order seen. */
export function orderCursorKey(order: Order): string {
  return `${Date.parse(order.createdAt)}|${order.id}`;
}

export type NewOrder = {
  id: string;
  userId: string;
  items: OrderItem[];
  idempotencyKey: string | null;
  requestHash: string | null;
  at: number;
};

export function createOrderRepository(db: Kysely<OrderDatabase>) {
  return {
    /** Throws a unique violation when the user already used this idempotency key. */
    async insert(order: NewOrder): Promise<Order> {
      const row: OrderRow = {
        id: order.id,
        user_id: order.userId,
        status: 'pending',
        items: JSON.stringify(order.items),
        total_cents: null,
        reason: null,
        history: JSON.stringify([
          { status: 'pending', at: new Date(order.at).toISOString(), detail: 'order placed' },
        ]),
        idempotency_key: order.idempotencyKey,
        request_hash: order.requestHash,
        created_at: order.at,
        updated_at: order.at,
      };
      await db.insertInto('orders').values(row).execute();
      return toOrder(row);
    },

    async findByIdempotencyKey(userId: string, key: string) {
      const row = await db
        .selectFrom('orders')
        .selectAll()
        .where('user_id', '=', userId)
        .where('idempotency_key', '=', key)
        .executeTakeFirst();
      return row && { order: toOrder(row), requestHash: row.request_hash };
    },

    /**
     * Moves an order from `from` to `to`, adding a history step. The status
     * condition makes racing transitions (a late reservation against the
     * timeout) settle on exactly one winner; false means another got there first.
     */
    async transition(
      id: string,
      from: OrderStatus,
      to: OrderStatus,
      step: { at: number; detail: string },
      changes: { items?: OrderItem[]; totalCents?: number; reason?: string } = {},
    ): Promise<boolean> {
      const current = await db
        .selectFrom('orders')
        .select(['status', 'history'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (current?.status !== from) return false;
      const history = [
        ...(JSON.parse(current.history) as HistoryEntry[]),
        { status: to, at: new Date(step.at).toISOString(), detail: step.detail },
      ];
      const result = await db
        .updateTable('orders')
        .set({
          status: to,
          history: JSON.stringify(history),
          updated_at: step.at,
          ...(changes.items && { items: JSON.stringify(changes.items) }),
          ...(changes.totalCents !== undefined && { total_cents: changes.totalCents }),
          ...(changes.reason !== undefined && { reason: changes.reason }),
        })
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    /** Adds a history step without changing the status (stock released after a cancel). */
    async note(id: string, step: { at: number; detail: string }): Promise<void> {
      const current = await db
        .selectFrom('orders')
        .select(['status', 'history'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!current) return;
      const history = [
        ...(JSON.parse(current.history) as HistoryEntry[]),
        { status: current.status, at: new Date(step.at).toISOString(), detail: step.detail },
      ];
      await db
        .updateTable('orders')
        .set({ history: JSON.stringify(history), updated_at: step.at })
        .where('id', '=', id)
        .execute();
    },

    /** Pending orders placed at or before `placedBefore`: the saga's overdue ones. */
    async overdue(placedBefore: number, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('orders')
        .select('id')
        .where('status', '=', 'pending')
        .where('created_at', '<=', placedBefore)
        .orderBy('created_at', 'asc')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },

    /** The orders among `ids` that exist, in no particular order: one query for every open stream. */
    async findMany(ids: readonly string[]): Promise<Order[]> {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('orders').selectAll().where('id', 'in', ids).execute();
      return rows.map(toOrder);
    },

    async find(id: string): Promise<Order | undefined> {
      const row = await db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toOrder(row);
    },

    async listForUser(userId: string, limit: number, after?: string): Promise<Order[]> {
      let query = db
        .selectFrom('orders')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit);
      if (after !== undefined) {
        const [createdAt, id] = after.split('|');
        const at = Number(createdAt);
        query = query.where((eb) =>
          eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id ?? '')])]),
        );
      }
      return (await query.execute()).map(toOrder);
    },
  };
}

export type OrderRepository = ReturnType<typeof createOrderRepository>;
