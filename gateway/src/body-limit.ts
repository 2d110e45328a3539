import { refuseBody } from './body-buffer.js';
import type { Exchange } from './exchange.js';
import type { Stage } from './pipeline.js';

/**
 * Refuses a declared body over the route's limit (its `bodyLimitBytes`, else
 * BODY_LIMIT_BYTES) before any upstream is contacted, and marks a body of
 * unknown length (chunked) to be counted while it streams. `Connection: close`
 * on the 413 so Node does not read the unwanted body to keep the connection.
 */
export const bodyLimit: Stage = (exchange) => {
  const declared = exchange.req.headers['content-length'];
  if (declared !== undefined) {
    const limitBytes = exchange.route.bodyLimitBytes;
    return Number(declared) <= limitBytes || refuseBody(exchange, limitBytes);
  }
  exchange.countBody = exchange.req.headers['transfer-encoding'] !== undefined;
  return true;
};

/**
 * Counts a streamed body on its way to the upstream and cuts it once it passes
 * the limit: the upstream request is destroyed and the client gets a 413.
 * Called when http-proxy starts piping (its `start` event), so this listener and
 * the pipe see the same chunks.
 */
export function countStreamedBody(exchange: Exchange, limitBytes: number): void {
  const { req } = exchange;
  let received = 0;
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received <= limitBytes) return;
    req.off('data', onData);
    // Marked before the upstream request is destroyed, so its error is not taken for a fault.
    exchange.bodyTooLarge = true;
    req.unpipe();
    exchange.upstreamRequest?.destroy();
    refuseBody(exchange, limitBytes);
    // Drain what is still in flight until Node closes the socket after the 413.
    req.resume();
  };
  req.on('data', onData);
}
