import type { Outbox } from '@portico/events';
import type { Logger } from '@portico/logging';
import { createOrderRepository } from '../data/order-repository.js';
import type { OrderDatabase, OrderStatus } from '../data/schema.js';

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
