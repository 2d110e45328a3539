import type { Stage } from '../pipeline.js';
import { refuseBody } from './body-buffer.js';

/**
 * Refuses a declared body over the route's limit (its `bodyLimitBytes`, else
 * BODY_LIMIT_BYTES) before any upstream is contacted; a body of unknown
 * length (chunked) is counted as it is read (resilience.ts). `Connection:
 * close` on the 413 so Node does not read the unwanted body to keep the connection.
 */
export const refuseOversizedBody: Stage = (exchange) => {
  const declared = exchange.req.headers['content-length'];
  if (declared !== undefined) {
    const limitBytes = exchange.route.bodyLimitBytes;
    return Number(declared) <= limitBytes || refuseBody(exchange, limitBytes);
  }
  return true;
};
