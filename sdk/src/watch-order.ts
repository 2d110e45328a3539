import type { components } from '@portico/openapi/order';
import type { Portico } from './create-portico.js';
import { toPorticoError } from './errors.js';
import { readServerSentEvents } from './event-stream.js';

export type Order = components['schemas']['Order'];

export type WatchOrderOptions = {
  /** Aborting it ends the iteration (the pending `next()` rejects with the abort reason). */
  signal?: AbortSignal;
};

/** Where the saga ends; the service ends the stream after the first of these. */
const TERMINAL: ReadonlySet<string> = new Set(['confirmed', 'rejected', 'cancelled']);

/** Before reconnecting a stream that ended early without a single step (an idle timeout). */
const RECONNECT_DELAY_MS = 1_000;

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const abort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', abort, { once: true });
  });

/**
 * Follows an order's saga through `GET /api/v1/orders/{id}/events`: yields the
 * order as of each step, starting with every step so far, and ends after the
 * terminal one (`confirmed`, `rejected` or `cancelled`). It goes through
 * `portico.orders`, so the request carries the session's token and a 401
 * refreshes it once. A stream cut before the end (the gateway's idle timeout,
 * a restart) is resumed with `Last-Event-ID`; an error answer throws a
 * {@link PorticoError}.
 * @example for await (const order of watchOrder(portico, id)) console.log(order.status);
 */
export async function* watchOrder(
  portico: Pick<Portico, 'orders'>,
  id: string,
  options: WatchOrderOptions = {},
): AsyncGenerator<Order, void, undefined> {
  let lastEventId: string | undefined;
  for (;;) {
    const { data, error, response } = await portico.orders.GET('/api/v1/orders/{id}/events', {
      params: {
        path: { id },
        header: lastEventId === undefined ? {} : { 'Last-Event-ID': lastEventId },
      },
      headers: { accept: 'text/event-stream' },
      parseAs: 'stream',
      ...(options.signal && { signal: options.signal }),
    });
    // 204: the terminal step was the last one we had.
    if (response.status === 204) return;
    if (!response.ok || !data) throw toPorticoError(response, error);
    let progressed = false;
    for await (const event of readServerSentEvents(data)) {
      if (event.event !== 'status') continue;
      const order = JSON.parse(event.data) as Order;
      lastEventId = event.id;
      progressed = true;
      yield order;
      if (TERMINAL.has(order.status)) return;
    }
    if (!progressed) await sleep(RECONNECT_DELAY_MS, options.signal);
  }
}
