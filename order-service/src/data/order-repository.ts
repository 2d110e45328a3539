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

export function createOrderRepository(db: Kysely<OrderDatabase>) {
  return {
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
