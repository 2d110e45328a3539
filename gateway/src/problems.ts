import {
  BadGatewayError,
  COMMON_ERRORS,
  GatewayTimeoutError,
  HttpError,
  PayloadTooLargeError,
  problemFrom,
  ServiceUnavailableError,
  UnauthorizedError,
  writeProblem,
} from '@portico/errors';
import { TOKEN_AUTH_ERRORS } from '@portico/token-auth';
import { GATEWAY_ERRORS } from './errors.js';
import type { Exchange } from './exchange.js';
import { setAnswerHeaders } from './proxy/headers.js';

/** Node's codes for "nothing listens there" or "no route to it": the service is down. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ETIMEDOUT',
  // undici's: no connection within the endpoint's connect timeout.
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Seconds a client should wait before trying a service that is down (a restart takes a few). */
const UNAVAILABLE_RETRY_AFTER = 5;

/**
 * Answers a routed request with an HttpError as an RFC 9457 problem, carrying
 * the headers every answer to it carries (request id, trace, rate limit, CORS).
 */
export function sendProblem(
  exchange: Exchange,
  error: HttpError,
  headers: Readonly<Record<string, string>> = {},
): void {
  const { res } = exchange;
  // Once a head is out, writeProblem cuts the connection: there is nothing to add to.
  if (!res.headersSent) setAnswerHeaders(res, exchange);
  writeProblem(res, problemFrom(error, exchange.path), { ...error.headers, ...headers });
}

/** The RFC 6750 §3 challenge of a 401: `error` only when a token was presented. */
export function bearerChallenge(error?: 'invalid_token'): Record<string, string> {
  return {
    'www-authenticate': error
      ? `Bearer realm="portico", error="${error}"`
      : 'Bearer realm="portico"',
  };
}

/** A presented token the gateway will not take (malformed, unverifiable, naming no user): 401 with its challenge. */
export function invalidToken(message: string): UnauthorizedError {
  return new UnauthorizedError(message, TOKEN_AUTH_ERRORS.INVALID_TOKEN.code, {
    headers: bearerChallenge('invalid_token'),
  });
}

export function payloadTooLarge(limitBytes: number): HttpError {
  return new PayloadTooLargeError(`The request body is larger than ${limitBytes} bytes.`);
}

/**
 * The problem for a failed upstream call. It names the service, never its host
 * or URL, and tells the client when to come back.
 */
export function upstreamFailure(
  upstream: string,
  error: NodeJS.ErrnoException,
  timedOut: boolean,
): HttpError {
  if (timedOut) {
    return new GatewayTimeoutError(
      `${upstream} did not answer in time.`,
      COMMON_ERRORS.UPSTREAM_TIMEOUT.code,
      1,
    );
  }
  const code = error.code ?? '';
  if (UNREACHABLE.has(code)) {
    return new BadGatewayError(
      `${upstream} is unavailable.`,
      GATEWAY_ERRORS.UPSTREAM_UNAVAILABLE.code,
      UNAVAILABLE_RETRY_AFTER,
    );
  }
  if (code.startsWith('HPE_')) {
    return new BadGatewayError(
      `${upstream} sent an invalid response.`,
      GATEWAY_ERRORS.UPSTREAM_BAD_RESPONSE.code,
    );
  }
  return new BadGatewayError(
    `${upstream} closed the connection before answering.`,
    GATEWAY_ERRORS.UPSTREAM_CONNECTION_FAILED.code,
  );
}

/**
 * The upstream's circuit is open: it failed too often, so the gateway answers
 * for it until a trial call may go through, `retryAfterSeconds` from now.
 */
export function circuitOpen(upstream: string, retryAfterSeconds: number): HttpError {
  return new ServiceUnavailableError(
    `${upstream} is failing; the gateway is not sending it requests for now.`,
    GATEWAY_ERRORS.UPSTREAM_CIRCUIT_OPEN.code,
    retryAfterSeconds,
  );
}

/** A bug in the gateway itself: masked, like every unexpected 5xx. */
export function internalError(): HttpError {
  return new HttpError(
    COMMON_ERRORS.INTERNAL.status,
    COMMON_ERRORS.INTERNAL.code,
    'Internal Server Error',
    'An unexpected error occurred.',
  );
}
