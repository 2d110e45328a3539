import { eventData, type Handlers } from '@portico/events';
import { z } from 'zod';
import { createOrderRepository } from '../data/order-repository.js';
import type { OrderDatabase } from '../data/schema.js';

// What inventory's answers must hold for the saga to act on them; fields this
// service does not use are not required (and are dropped).
const orderId = z.guid();
const stockReserved = z.object({
  orderId,
  items: z
    .array(
      z.object({
        sku: z.string().min(1),
        quantity: z.number().int().positive(),
        unitPriceCents: z.number().int().nonnegative(),
      }),
    )
    .min(1),
  totalCents: z.number().int().nonnegative(),
});
const stockRejected = z.object({ orderId, reason: z.string().min(1) });
const stockReleased = z.object({ orderId });

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
      const { orderId, items, totalCents } = eventData(stockReserved, event);
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
      const { orderId, reason } = eventData(stockRejected, event);
      await createOrderRepository(trx).transition(
        orderId,
        'pending',
        'rejected',
        { at: now(), detail: reason },
        { reason },
      );
    },
    'stock.released': async (trx, event) => {
      const { orderId } = eventData(stockReleased, event);
      await createOrderRepository(trx).note(orderId, { at: now(), detail: 'stock released' });
    },
  };
}
