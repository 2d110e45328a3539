import type { Handlers, Outbox } from '@portico/events';
import type { Logger } from '@portico/logging';
import { createOrderRepository, type OrderItem } from '../data/order-repository.js';
import type { OrderDatabase, OrderStatus } from '../data/schema.js';

type Reserved = { orderId: string; items: Required<OrderItem>[]; totalCents: number };
type Rejected = { orderId: string; code: string; reason: string };
type Released = { orderId: string };

/**
 * The order saga, orchestrated here and persisted in the orders table:
 * `order.created` (with the order) → inventory answers `stock.reserved` or
 * `stock.rejected` → the order is confirmed or rejected. A cancel, or no
 * answer within the timeout, marks it cancelled and emits `order.cancelled`;
 * inventory releases whatever it holds for it (and remembers the cancel, so a
 * late reservation is released too).
 */
export function sagaEventHandlers(now: () => number): Handlers<OrderDatabase> {
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

/** Cancels an order in `from` and announces it, in one transaction; false if it was not in `from`. */
export async function cancelOrder(
  outbox: Outbox<OrderDatabase>,
  orderId: string,
  from: OrderStatus,
  reason: string,
  now: () => number,
): Promise<boolean> {
  return outbox.transaction(async (trx, emit) => {
    const moved = await createOrderRepository(trx).transition(
      orderId,
      from,
      'cancelled',
      { at: now(), detail: reason },
      { reason },
    );
    if (moved) await emit('order.cancelled', { orderId, reason });
    return moved;
  });
}

/**
 * Compensates sagas that waited too long: every pending order older than the
 * timeout is cancelled. The sweep reads the database, so it resumes after any
 * restart; the status condition keeps it from racing a late confirmation.
 */
export function startSagaTimeouts(deps: {
  outbox: Outbox<OrderDatabase>;
  timeoutMs: number;
  logger: Logger;
  now: () => number;
  overdue: (placedBefore: number, limit: number) => Promise<string[]>;
}) {
  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      for (const id of await deps.overdue(deps.now() - deps.timeoutMs, 200)) {
        if (
          await cancelOrder(
            deps.outbox,
            id,
            'pending',
            'saga timeout: no answer from inventory',
            deps.now,
          )
        ) {
          deps.logger.warn({ orderId: id }, 'order cancelled by saga timeout');
        }
      }
    } catch (err) {
      deps.logger.error({ err }, 'saga timeout sweep failed');
    } finally {
      sweeping = false;
    }
  };
  const timer = setInterval(sweep, Math.max(100, Math.min(1000, deps.timeoutMs / 4)));
  timer.unref();
  return {
    sweep,
    stop: async () => {
      clearInterval(timer);
      while (sweeping) await new Promise((resolve) => setTimeout(resolve, 10));
    },
  };
}
