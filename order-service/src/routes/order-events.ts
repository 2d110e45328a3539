import { BadRequestError } from '@portico/errors';
import type { SpecRequest } from '@portico/lifecycle';
import type { operations } from '@portico/openapi/order';
import { callerOf } from '@portico/token-auth';
import type { Response } from 'express';
import type { Order } from '../data/order-repository.js';
import type { OrderWatch } from '../domain/order-watch.js';
import type { Orders } from '../domain/orders.js';
import { ORDER_ERRORS } from '../errors.js';
import type { StreamSlots } from './stream-slots.js';

type WatchOrder = operations['watchOrder'];

/** Where the saga ends: the stream ends with the first step in one of these. */
const TERMINAL: ReadonlySet<string> = new Set(['confirmed', 'rejected', 'cancelled']);

/** Proxies and clients drop a connection silent for about a minute: say something well before. */
const KEEP_ALIVE_MS = 15_000;

/** The step the client already has (`Last-Event-ID`, the step index); -1 for none. */
function lastEventId(req: SpecRequest<WatchOrder>): number {
  const raw = req.get('last-event-id');
  if (raw === undefined || raw === '') return -1;
  if (!/^\d{1,9}$/.test(raw)) {
    throw new BadRequestError(
      'Last-Event-ID must be a step index.',
      ORDER_ERRORS.INVALID_LAST_EVENT_ID.code,
    );
  }
  return Number(raw);
}

/** The order as of step `index`: its status and history then, the other fields as they are now. */
function snapshot(order: Order, index: number): Order {
  const history = order.history.slice(0, index + 1);
  return { ...order, status: history[index]!.status as Order['status'], history };
}

const terminalStep = (order: Order) => order.history.findIndex((s) => TERMINAL.has(s.status));

/**
 * `GET /api/v1/orders/{id}/events`: the order's saga steps as server-sent
 * events (WHATWG HTML §9.2), the ones so far and then each as it happens,
 * ending after the terminal step. A client that already has the terminal
 * step gets 204, which tells an EventSource to stop reconnecting.
 */
export function orderEvents(deps: { orders: Orders; watch: OrderWatch; slots: StreamSlots }) {
  return async (req: SpecRequest<WatchOrder>, res: Response): Promise<void> => {
    const caller = callerOf(req);
    const after = lastEventId(req);
    const order = await deps.orders.get(req.params.id, caller);
    const end = terminalStep(order);
    if (end !== -1 && after >= end) {
      res.status(204).end();
      return;
    }

    let unwatch = () => {};
    let release = () => {};
    let keepAlive: NodeJS.Timeout | undefined;
    /** Ends the stream however it ends: terminal step, client gone, or shutdown. Idempotent. */
    const finish = () => {
      clearInterval(keepAlive);
      unwatch();
      release();
      if (!res.writableEnded) res.end();
    };
    release = deps.slots.take(caller.sub, finish);

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // nginx and its kin buffer a proxied answer unless told not to.
      'x-accel-buffering': 'no',
    });
    let sent = after;
    const send = (current: Order) => {
      for (let i = sent + 1; i < current.history.length; i++) {
        const data = JSON.stringify(snapshot(current, i));
        res.write(`event: status\nid: ${i}\ndata: ${data}\n\n`);
        sent = i;
        if (TERMINAL.has(current.history[i]!.status)) {
          finish();
          return;
        }
      }
    };
    res.on('close', finish);
    send(order);
    if (res.writableEnded) return;
    keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    unwatch = deps.watch.watch(order.id, send);
  };
}
