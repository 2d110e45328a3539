import type { Logger } from '@portico/logging';
import type { Order } from '../data/order-repository.js';

export type OrderListener = (order: Order) => void;

/**
 * Tells open event streams of changes to their orders. A step may be written
 * by this process (saga handlers, cancel, timeout sweep) or by another replica,
 * so the watch re-reads the row rather than trusting an in-process signal:
 * while any stream is open, one query every `intervalMs` reads every watched
 * order at once, however many streams there are (issue 13). No stream open,
 * no timer and no query.
 */
export function createOrderWatch(deps: {
  findMany: (ids: readonly string[]) => Promise<Order[]>;
  intervalMs: number;
  logger: Logger;
}) {
  const listeners = new Map<string, Set<OrderListener>>();
  let timer: NodeJS.Timeout | undefined;
  let reading = false;

  const tick = async () => {
    // A slow database must not stack reads: skip a tick instead.
    if (reading || listeners.size === 0) return;
    reading = true;
    try {
      for (const order of await deps.findMany([...listeners.keys()])) {
        for (const listener of listeners.get(order.id) ?? []) listener(order);
      }
    } catch (err) {
      deps.logger.warn({ err }, 'order watch read failed; retrying on the next tick');
    } finally {
      reading = false;
    }
  };

  const stopTimer = () => {
    clearInterval(timer);
    timer = undefined;
  };

  return {
    /** Calls `listener` with the order after every read while watched; returns the unwatch. */
    watch(orderId: string, listener: OrderListener): () => void {
      const set = listeners.get(orderId) ?? new Set();
      set.add(listener);
      listeners.set(orderId, set);
      if (!timer) {
        timer = setInterval(tick, deps.intervalMs);
        timer.unref();
      }
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(orderId) === set) listeners.delete(orderId);
        if (listeners.size === 0) stopTimer();
      };
    },
    stop: stopTimer,
  };
}

export type OrderWatch = ReturnType<typeof createOrderWatch>;
