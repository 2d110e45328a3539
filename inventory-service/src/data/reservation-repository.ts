import type { Kysely } from 'kysely';
import type { InventoryDatabase, ReservationState } from './schema.js';

/** One line of a reservation; `unitPriceCents` once stock was held at that price. */
export type ReservationItem = { sku: string; quantity: number; unitPriceCents?: number };

export type Reservation = { orderId: string; state: ReservationState; items: ReservationItem[] };

/** `db` may be a transaction: the saga's handlers record their outcome inside the inbox's one. */
export function createReservationRepository(db: Kysely<InventoryDatabase>, now: () => number) {
  return {
    async find(orderId: string): Promise<Reservation | undefined> {
      const row = await db
        .selectFrom('reservations')
        .selectAll()
        .where('order_id', '=', orderId)
        .executeTakeFirst();
      return (
        row && {
          orderId: row.order_id,
          state: row.state,
          items: JSON.parse(row.items) as ReservationItem[],
        }
      );
    },

    /** Fails on a unique violation when the order already has a row: the caller's transaction rolls back. */
    async insert(reservation: Reservation): Promise<void> {
      const at = now();
      await db
        .insertInto('reservations')
        .values({
          order_id: reservation.orderId,
          state: reservation.state,
          items: JSON.stringify(reservation.items),
          created_at: at,
          updated_at: at,
        })
        .execute();
    },

    /**
     * Moves the order from `from` to `to`; false when it was not in `from`.
     * On PostgreSQL a concurrent mover waits for the row and re-checks the
     * state, so only one of two racing releases wins.
     */
    async transition(orderId: string, from: ReservationState, to: ReservationState): Promise<boolean> {
      const result = await db
        .updateTable('reservations')
        .set({ state: to, updated_at: now() })
        .where('order_id', '=', orderId)
        .where('state', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

export type ReservationRepository = ReturnType<typeof createReservationRepository>;
