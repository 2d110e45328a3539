import { GatewayTimeoutError, HttpError, ServiceUnavailableError } from '@portico/errors';
import { isBrokenCircuitError } from 'cockatiel';
import { HTTP_CLIENT_ERRORS } from './errors.js';
import { isConnectionError, isTimeout } from './failure-kinds.js';

const { UPSTREAM_UNAVAILABLE, UPSTREAM_TIMEOUT, AUTH_UNAVAILABLE } = HTTP_CLIENT_ERRORS;

const CODES: ReadonlySet<string> = new Set([
  UPSTREAM_UNAVAILABLE.code,
  UPSTREAM_TIMEOUT.code,
  AUTH_UNAVAILABLE.code,
]);

/**
 * True for the errors a service client throws when an upstream (or the auth
 * service) gave no usable answer: breaker open, unreachable, timed out.
 */
export function isUpstreamError(
  err: unknown,
): err is ServiceUnavailableError | GatewayTimeoutError {
  return err instanceof HttpError && CODES.has(err.code);
}

/**
 * Maps a failure of the resilience policy to an error the service's error
 * middleware renders. The detail names the upstream only: a base URL may carry
 * credentials or internal hostnames. Unknown errors (bugs) pass through.
 */
export function toUpstreamError(
  err: unknown,
  ctx: { name: string; timeoutMs: number; halfOpenAfterMs: number },
): unknown {
  const retryAfter = ctx.halfOpenAfterMs / 1000;
  if (isBrokenCircuitError(err)) {
    return new ServiceUnavailableError(
      `Upstream "${ctx.name}" is unavailable (circuit open).`,
      UPSTREAM_UNAVAILABLE.code,
      retryAfter,
      err,
    );
  }
  if (isTimeout(err)) {
    return new GatewayTimeoutError(
      `Upstream "${ctx.name}" did not answer within ${ctx.timeoutMs} ms.`,
      UPSTREAM_TIMEOUT.code,
    );
  }
  if (isConnectionError(err)) {
    return new ServiceUnavailableError(
      `Upstream "${ctx.name}" is unreachable.`,
      UPSTREAM_UNAVAILABLE.code,
      retryAfter,
      err,
    );
  }
  return err;
}
