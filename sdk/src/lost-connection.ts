import type { Middleware } from 'openapi-fetch';

type Fetch = (request: Request) => Promise<Response>;

/**
 * How Node's fetch (undici) reports a connection that closed or reset under a
 * request: the request may never have been read, or its answer was lost. A
 * kept-alive connection that the server closes just as a request goes out
 * ends this way (RFC 9112 §9.3.1); so does a server restarting.
 */
const LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function connectionLost(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === 'string' && LOST.has(code);
}

/** Safe to send twice: the method says so (RFC 9110 §9.2.2), or an Idempotency-Key does. */
const repeatable = (request: Request) =>
  ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'].includes(request.method) ||
  request.headers.has('idempotency-key');

/**
 * Sends a repeatable request once more when the connection was lost under it,
 * on a fresh connection. Anything else that fails, fails: a POST without a key
 * may have been carried out, and only the caller knows whether to send it again.
 */
export function retryLostConnections(send: Fetch): Fetch {
  return async (request) => {
    if (!repeatable(request)) return send(request);
    const spare = request.clone();
    try {
      return await send(request);
    } catch (error) {
      if (!connectionLost(error)) throw error;
      return send(spare);
    }
  };
}

/** Where orders are placed: v1 (deprecated) and v2 take the same POST. */
const ORDER_COLLECTIONS: ReadonlySet<string> = new Set(['/api/v1/orders', '/api/v2/orders']);

/**
 * Gives every order placed without an Idempotency-Key one of its own, as
 * Stripe's SDKs do, so a lost connection is retried without ordering twice. A
 * key the caller set (to retry across restarts of their own) is kept.
 */
export const orderIdempotency: Middleware = {
  onRequest({ request, schemaPath }) {
    if (request.method !== 'POST' || !ORDER_COLLECTIONS.has(schemaPath)) return;
    if (request.headers.has('idempotency-key')) return;
    request.headers.set('idempotency-key', crypto.randomUUID());
    return request;
  },
};
