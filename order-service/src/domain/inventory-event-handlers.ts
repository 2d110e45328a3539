import type { Handlers } from '@portico/events';
import { createOrderRepository, type OrderItem } from '../data/order-repository.js';
import type { OrderDatabase } from '../data/schema.js';

type Reserved = { orderId: string; items: Required<OrderItem>[]; totalCents: number };
type Rejected = { orderId: string; code: string; reason: string };
type Released = { orderId: string };

/**
 * The order saga, orchestrated here and persisted in the orders table:
 * `order.created` (with the order) → inventory answers `stock.reserved` or
 * `stock.rejected` → the order is confirmed or rejected. A cancel, or no
 * answer within the timeout, marks it cancelled and emits `order.cancelled`
 * (saga.ts); inventory releases whatever it holds for it (and remembers the
 * cancel, so a late reservation is released too). These are the answers;
 * each runs in the inbox's transaction.
 */
export function inventoryEventHandlers(now: () => number): Handlers<OrderDatabase> {
  return {
    'stock.reserved': async (trx, event) => {
      const { orderId, items, totalCents } = event.data as Reserved;
      // A reservation for an order no longer pending is released by the
      // order.cancelled event inventory already has (or will have) behind it.
      await createOrderRepository(trx).transition(
        orderId,
        'pending',
        'confirmed',
        { at: now(), detail: 'stock reserved' },
        { items, totalCents },
      );
    },
    'stock.rejected': async (trx, event) => {
      const { orderId, reason } = event.data as Rejected;
      await createOrderRepository(trx).transition(
        orderId,
        'pending',
        'rejected',
        { at: now(), detail: reason },
        { reason },
      );
    },
    'stock.released': async (trx, event) => {
      const { orderId } = event.data as Released;
      await createOrderRepository(trx).note(orderId, { at: now(), detail: 'stock released' });
    },
  };
}
