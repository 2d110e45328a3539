import { setTimeout as sleep } from 'node:timers/promises';
import type { Placement } from '../test/processes/burst.js';
import type { Shopper } from '../test/support/shop.js';

/** One answer a client got: its status (0: no answer at all) and what came with it. */
export type Answer = {
  /** When the request was sent (epoch ms), and how long its answer took. */
  at: number;
  ms: number;
  method: 'POST' | 'CANCEL';
  status: number;
  retryAfter: string | null;
  /** `application/problem+json` with a `code`, as every error must be. */
  problemCode: string | null;
};

export type LoadOrder = Placement & {
  answers: Answer[];
  startedAt: number;
  /** The shopper asked to cancel it once accepted. */
  cancel: boolean;
  /** A client gave up: never accepted (or a cancel never answered) within the bound. */
  failure?: string;
};

/** "Not now": the client may repeat the request, with the same Idempotency-Key. */
export const RETRYABLE = new Set([0, 502, 503, 504]);

async function send(url: string, init: RequestInit, method: Answer['method']) {
  const at = Date.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    let body: { id?: string; code?: string } | undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const problem = res.headers.get('content-type')?.startsWith('application/problem+json');
    const answer: Answer = {
      at,
      ms: Date.now() - at,
      method,
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      problemCode: problem && typeof body?.code === 'string' ? body.code : null,
    };
    return { answer, body };
  } catch {
    return {
      answer: {
        at,
        ms: Date.now() - at,
        method,
        status: 0,
        retryAfter: null,
        problemCode: null,
      } satisfies Answer,
      body: undefined,
    };
  }
}

/** Repeats one request while the answer is retryable, honouring Retry-After, for at most `withinMs`. */
async function untilAnswered(
  o: LoadOrder,
  withinMs: number,
  request: () => ReturnType<typeof send>,
  done: (status: number) => boolean,
) {
  const deadline = Date.now() + withinMs;
  for (let attempt = 0; ; attempt += 1) {
    const { answer, body } = await request();
    o.answers.push(answer);
    if (done(answer.status)) return { answer, body };
    if (!RETRYABLE.has(answer.status) || Date.now() > deadline) {
      throw new Error(`${answer.method} ${o.key}: ${answer.status} after ${attempt + 1} tries`);
    }
    // Backoff with jitter, and never sooner than the server's Retry-After (capped: the run is bounded).
    const backoffMs = Math.min(2000, 100 * 2 ** attempt);
    const retryAfterMs = Math.min(5000, Number(answer.retryAfter ?? 0) * 1000 || 0);
    await sleep(
      Math.max(backoffMs * (0.5 + Math.random() / 2), retryAfterMs + Math.random() * 250),
    );
  }
}

async function placeAndMaybeCancel(gateway: string, o: LoadOrder, withinMs: number) {
  const auth = { authorization: `Bearer ${o.shopper.token}` };
  const placed = await untilAnswered(
    o,
    withinMs,
    () =>
      send(
        `${gateway}/api/v1/orders`,
        {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': o.key },
          body: JSON.stringify({ items: o.items }),
        },
        'POST',
      ),
    (status) => status === 202,
  );
  o.id = placed.body?.id;
  o.acceptedAt = Date.now();
  if (!o.id) throw new Error(`POST ${o.key}: 202 without an id`);
  if (!o.cancel) return;
  // 200: cancelled (or already was); 409: it was rejected first. Both are an answer.
  await untilAnswered(
    o,
    withinMs,
    () =>
      send(`${gateway}/api/v1/orders/${o.id}/cancel`, { method: 'POST', headers: auth }, 'CANCEL'),
    (status) => status === 200 || status === 409,
  );
}

export type Load = {
  orders: LoadOrder[];
  /** True once an order sent at or after `epochMs` was accepted: the load flows again. */
  acceptedSince: (epochMs: number) => boolean;
  /** Stops starting orders and waits for every started one to be accepted or given up on. */
  stop: () => Promise<LoadOrder[]>;
};

/**
 * A steady stream of orders through the gateway: one started every
 * `1000 / perSecond` ms, round-robin over the shoppers and skus (one to three
 * units of a sku, every fourth order a second line), every `cancelEvery`th
 * cancelled by its shopper once accepted. Each client repeats "not now"
 * answers with its own Idempotency-Key, for at most `placeWithinMs`.
 */
export function startLoad(
  gateway: string,
  options: {
    run: string;
    shoppers: Shopper[];
    skus: string[];
    perSecond: number;
    placeWithinMs: number;
    cancelEvery: number;
  },
): Load {
  const { shoppers, skus } = options;
  const orders: LoadOrder[] = [];
  const inFlight: Promise<void>[] = [];
  let stopped = false;
  const paceMs = 1000 / options.perSecond;
  const started = Date.now();

  const loop = (async () => {
    for (let i = 0; !stopped; i += 1) {
      const items = [{ sku: skus[i % skus.length]!, quantity: 1 + (i % 3) }];
      if (i % 4 === 0) items.push({ sku: skus[(i + 1) % skus.length]!, quantity: 1 });
      const o: LoadOrder = {
        index: i,
        shopper: shoppers[i % shoppers.length]!,
        key: `${options.run}-${i}`,
        items,
        statuses: [],
        answers: [],
        startedAt: Date.now(),
        cancel: i % options.cancelEvery === options.cancelEvery - 1,
      };
      orders.push(o);
      inFlight.push(
        placeAndMaybeCancel(gateway, o, options.placeWithinMs).catch((error: Error) => {
          o.failure = error.message;
        }),
      );
      // Paced against the start, so a slow event loop does not thin the load.
      await sleep(Math.max(0, started + (i + 1) * paceMs - Date.now()));
    }
  })();

  return {
    orders,
    acceptedSince: (epochMs) =>
      orders.some((o) =>
        o.answers.some((a) => a.method === 'POST' && a.status === 202 && a.at >= epochMs),
      ),
    stop: async () => {
      stopped = true;
      await loop;
      await Promise.all(inFlight);
      for (const o of orders) o.statuses = o.answers.map((a) => a.status);
      return orders;
    },
  };
}
