import { errorCatalogue } from '@portico/errors';

/**
 * The problem codes the gateway answers itself, at the edge or for an
 * upstream; the token checks' codes (TOKEN_AUTH_ERRORS) and COMMON_ERRORS
 * (UPSTREAM_TIMEOUT, INTERNAL, ...) come on top. An upstream's own answers
 * pass through unchanged.
 */
export const GATEWAY_ERRORS = errorCatalogue({
  WEBSOCKET_NOT_ALLOWED: { status: 400, meaning: 'The route does not accept WebSockets.' },
  UPGRADE_NOT_SUPPORTED: { status: 400, meaning: 'An Upgrade other than a WebSocket handshake.' },
  METRICS_TOKEN_REQUIRED: {
    status: 401,
    meaning: '/metrics needs the METRICS_TOKEN bearer token.',
  },
  USER_DISABLED: {
    status: 403,
    meaning: "The token's user has been disabled since it was issued.",
  },
  INSUFFICIENT_SCOPE: { status: 403, meaning: 'The token lacks a scope the route needs.' },
  OPS_LOOPBACK_ONLY: { status: 403, meaning: 'Metrics are served to loopback peers only.' },
  ORIGIN_NOT_ALLOWED: { status: 403, meaning: 'WebSockets are not open to this origin.' },
  ROUTES_FILE_INVALID: {
    status: 422,
    meaning: 'The routes file was refused; the old table serves.',
  },
  LOGIN_RATE_LIMITED: { status: 429, meaning: 'Too many logins for one email from one address.' },
  UPSTREAM_UNAVAILABLE: { status: 502, meaning: 'Nothing listens where the service should be.' },
  UPSTREAM_BAD_RESPONSE: { status: 502, meaning: 'The service sent an invalid HTTP response.' },
  UPSTREAM_CONNECTION_FAILED: {
    status: 502,
    meaning: 'The service closed the connection unanswered.',
  },
  UPSTREAM_CIRCUIT_OPEN: {
    status: 503,
    meaning: 'The service failed too often; not sent requests now.',
  },
  USER_LOOKUP_UNAVAILABLE: { status: 503, meaning: "The user's status cannot be read." },
});
