import { BadRequestError } from '@portico/errors';
import { requireScope } from '@portico/token-auth';
import { Router } from 'express';
import type { OutboxFeed } from './outbox.js';

/** A long poll never outlives the server's request timeout (30 s). */
export const MAX_WAIT_MS = 25_000;
const MAX_LIMIT = 500;

function intParam(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new BadRequestError(`${name} must be 0..${max}.`);
  return n;
}

/**
 * The embedded transport's producer side: `GET /internal/v1/events?after=N`
 * returns the outbox after position N in commit order. With `waitMs` and
 * nothing new, the request waits until a commit wakes it (a long poll), so an
 * idle consumer hears of an event within milliseconds. `after=latest` returns
 * no events and the current position, for subscribers that only want what is new.
 */
export function eventFeedRoutes(outbox: OutboxFeed, draining?: AbortSignal): Router {
  const router = Router();
  router.get('/events', requireScope('events:read'), async (req, res) => {
    const limit = intParam(req.query.limit, 'limit', 100, MAX_LIMIT) || 1;
    const waitMs = intParam(req.query.waitMs, 'waitMs', 0, MAX_WAIT_MS);
    if (req.query.after === 'latest') {
      res.json({ source: outbox.source, events: [], next: await outbox.lastPosition() });
      return;
    }
    const after = intParam(req.query.after, 'after', 0, Number.MAX_SAFE_INTEGER);

    let batch = await outbox.readAfter(after, limit);
    if (batch.length === 0 && waitMs > 0 && !draining?.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          off();
          clearTimeout(timer);
          req.off('close', done);
          draining?.removeEventListener('abort', done);
          resolve();
        };
        const off = outbox.onCommit(done);
        const timer = setTimeout(done, waitMs);
        req.once('close', done);
        draining?.addEventListener('abort', done, { once: true });
      });
      if (!req.socket.destroyed) batch = await outbox.readAfter(after, limit);
    }
    res.json({
      source: outbox.source,
      events: batch.map(({ seq, event }) => ({ position: seq, ...event })),
      next: batch.at(-1)?.seq ?? after,
    });
  });
  return router;
}
