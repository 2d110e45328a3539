import { errorCatalogue } from '@portico/errors';

/**
 * The problem codes the order service answers itself; the packages' codes
 * (TOKEN_AUTH_ERRORS, DB_ERRORS, COMMON_ERRORS) come on top.
 */
export const ORDER_ERRORS = errorCatalogue({
  DUPLICATE_SKU: { status: 400, meaning: 'A sku appears more than once in the items.' },
  INVALID_LAST_EVENT_ID: { status: 400, meaning: 'Last-Event-ID is not a step index.' },
  USER_DISABLED: { status: 403, meaning: 'The account placing the order is disabled.' },
  ORDER_NOT_FOUND: { status: 404, meaning: 'No such order, or not the caller’s.' },
  ORDER_NOT_CANCELLABLE: { status: 409, meaning: 'The order is past being cancelled.' },
  USER_UNKNOWN: { status: 422, meaning: 'The user placing the order does not exist.' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    meaning: 'The Idempotency-Key was used for a different order.',
  },
  TOO_MANY_USER_STREAMS: {
    status: 429,
    meaning: 'The user holds as many order streams as allowed.',
  },
  USER_SERVICE_UNAVAILABLE: { status: 503, meaning: 'The user directory cannot be read.' },
  TOO_MANY_STREAMS: { status: 503, meaning: 'This replica holds as many streams as it allows.' },
});
